"""Read endpoints: org, field metadata, Get Records (pages and page tokens), one record."""

from __future__ import annotations

import random
from typing import Any

from fieldsync_tui.simulator.clock import iso, parse_iso
from fieldsync_tui.simulator.context import Ctx, Reply
from fieldsync_tui.simulator.errors import bad_request, invalid_module, param_missing
from fieldsync_tui.simulator.paging import DISCRETE_REACH, TOKEN_REACH
from fieldsync_tui.simulator.store import ModuleStore

SORTABLE = ("id", "Created_Time", "Modified_Time")
MAX_PER_PAGE = 200
MAX_FIELDS = 50


def get_org(ctx: Ctx) -> Reply:
    org = ctx.org
    body = {
        "org": [
            {
                "id": org.org_id,
                "company_name": org.name,
                "domain_name": org.domain_name,
                "time_zone": "Etc/UTC",
                "iso_code": "USD",
                "currency": "US Dollar - USD",
                "country_code": "US",
                "primary_email": f"admin@{org.domain_name}.example",
                "type": "production",
                "zgid": org.org_id,
                "license_details": {
                    "paid": True,
                    "paid_type": "enterprise",
                    "users_license_purchased": 10,
                },
            }
        ]
    }
    return Reply(200, body, credits=1)


def get_fields(ctx: Ctx) -> Reply:
    module = ctx.query.get("module")
    if not module:
        raise param_missing("module")
    store = ctx.org.modules.get(module)
    if store is None:
        raise invalid_module(module)
    return Reply(200, {"fields": [f.meta() for f in store.fields.values()]}, credits=1)


def render(record: dict[str, Any], names: list[str] | None) -> dict[str, Any]:
    """A record as Zoho returns it: the requested fields (all when None) plus ``id``."""
    keys = names if names is not None else list(record)
    row = {k: _out(record.get(k)) for k in keys if k != "id"}
    row["id"] = record["id"]
    return row


def _out(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def field_names(ctx: Ctx, store: ModuleStore, required: bool) -> list[str] | None:
    raw = ctx.query.get("fields")
    if not raw:
        if required:
            raise param_missing("fields")
        return None
    names = list(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    if len(names) > MAX_FIELDS:
        raise bad_request("LIMIT_EXCEEDED", "Fields limit exceeded", {"limit": MAX_FIELDS})
    unknown = [n for n in names if n != "id" and n not in store.fields]
    if unknown and ctx.sim.config.unknown_list_field_error:
        raise bad_request("INVALID_DATA", "invalid data", {"api_name": unknown[0]})
    return [n for n in names if n not in unknown]


def per_page(ctx: Ctx) -> int:
    value = ctx.int_param("per_page", MAX_PER_PAGE)
    if value > MAX_PER_PAGE:
        if ctx.sim.config.per_page_over_max == "clamp":
            return MAX_PER_PAGE
        raise bad_request(
            "LIMIT_EXCEEDED", "per_page limit exceeded", {"param_name": "per_page", "limit": 200}
        )
    return value


def list_credits(ctx: Ctx) -> int:
    """Get Records costs 1 credit, 3 with ``cvid`` (ZOHO_API §10.2)."""
    return 3 if "cvid" in ctx.query else 1


def _check_view(ctx: Ctx, store: ModuleStore) -> None:
    cvid = ctx.query.get("cvid")
    if cvid is None:
        return
    if "sort_by" in ctx.query:
        raise bad_request(
            "AMBIGUITY_DURING_PROCESSING",
            "both cvid and sort_by are given",
            {"ambiguity_due_to": ["cvid", "sort_by"]},
        )
    if cvid != store.view_id:
        raise bad_request("INVALID_DATA", "invalid data", {"param_name": "cvid"})


def _sorting(ctx: Ctx) -> tuple[str, str]:
    sort_by = ctx.query.get("sort_by", "id")
    if sort_by not in SORTABLE:
        raise bad_request("INVALID_DATA", "invalid data", {"param_name": "sort_by"})
    order = ctx.query.get("sort_order", "desc")
    if order not in ("asc", "desc"):
        raise bad_request("INVALID_DATA", "invalid data", {"param_name": "sort_order"})
    return sort_by, order


def _wanted_ids(ctx: Ctx, store: ModuleStore) -> list[str] | None:
    raw = ctx.query.get("ids")
    if raw is None:
        return None
    ids = list(dict.fromkeys(i.strip() for i in raw.split(",") if i.strip()))
    cap = ctx.sim.config.ids_cap
    if len(ids) > cap:
        raise bad_request(
            "LIMIT_EXCEEDED", "ids limit exceeded", {"param_name": "ids", "limit": cap}
        )
    if not ids or not all(i.isdigit() for i in ids):
        raise bad_request("INVALID_DATA", "invalid data", {"param_name": "ids"})
    return [i for i in ids if i in store.records]


def header_time(ctx: Ctx, name: str) -> float | None:
    """Epoch seconds of an ISO 8601 conditional header (``If-Modified-Since`` …), or None."""
    raw = ctx.header(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw.strip())
    except ValueError:
        raise bad_request("INVALID_DATA", "invalid data", {"header_name": name}) from None


def _modified_after(store: ModuleStore, ids: list[str], since: float) -> list[str]:
    """Ids whose Modified_Time is after ``since`` (UTC text of the simulator's own form is
    compared as text: same width and offset, so text order is time order)."""
    floor = iso(since)

    def after(text: str) -> bool:
        if len(text) == len(floor) and text.endswith("+00:00"):
            return text > floor
        return parse_iso(text) > since

    return [i for i in ids if after(store.records[i]["Modified_Time"])]


def _ordered(store: ModuleStore, ids: list[str] | None, sort_by: str, desc: bool) -> list[str]:
    if ids is None:
        return store.ordered_ids(sort_by, desc)
    return sorted(ids, key=lambda i: (store.records[i].get(sort_by) or "", i), reverse=desc)


def _start(ctx: Ctx, bound: tuple[str, ...], size: int) -> tuple[int, int, str | None]:
    """(offset, page number, token used) from ``page`` or ``page_token``."""
    token = ctx.query.get("page_token")
    if token is None:
        page = ctx.int_param("page", 1)
        if page * size > DISCRETE_REACH:
            raise bad_request(
                "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                "You can only get the first 2000 records without using page_token param.",
                {"limit": DISCRETE_REACH},
            )
        return (page - 1) * size, page, None
    if "page" in ctx.query:
        raise bad_request(
            "AMBIGUITY_DURING_PROCESSING",
            "both page and page_token are given",
            {"ambiguity_due_to": ["page", "page_token"]},
        )
    state = ctx.sim.page_tokens.lookup(token)
    if state is None or state.org != ctx.org.label:
        raise bad_request("INVALID_DATA", "invalid data", {"param_name": "page_token"})
    if ctx.sim.page_tokens.is_expired(state):
        raise bad_request(
            "EXPIRED_VALUE", "the page_token has expired", {"param_name": "page_token"}
        )
    if state.bound != bound:
        raise bad_request(
            "TOKEN_BOUND_DATA_MISMATCH",
            "the params do not match the page_token",
            {"param_name": "page_token"},
        )
    if state.offset >= TOKEN_REACH:
        raise bad_request(
            "PAGINATION_LIMIT_EXCEEDED",
            "You can only get up to first 100000 records using page_token param.",
            {"limit": TOKEN_REACH},
        )
    return state.offset, state.offset // size + 1, token


def _ids_quirks(ctx: Ctx, ordered: list[str]) -> list[str]:
    """Issue 9 switches: ``?ids=`` answered in any order and/or silently capped."""
    cfg = ctx.sim.config
    if cfg.ids_any_order:
        ordered = list(ordered)
        random.Random(cfg.seed + len(ctx.sim.stats.calls)).shuffle(ordered)
    if cfg.ids_silent_cap > 0:
        ordered = ordered[: cfg.ids_silent_cap]
    return ordered


def list_records(ctx: Ctx, module: str) -> Reply:
    store = ctx.store(module)
    names = field_names(ctx, store, required=True)
    size = per_page(ctx)
    _check_view(ctx, store)
    sort_by, order = _sorting(ctx)
    wanted = _wanted_ids(ctx, store)
    bound = tuple(
        f"{k}={v}" for k, v in sorted(ctx.query.multi_items()) if k not in ("page", "page_token")
    )
    offset, page, used_token = _start(ctx, bound, size)
    since = header_time(ctx, "If-Modified-Since")
    with ctx.org.lock:
        ordered = _ordered(store, wanted, sort_by, order == "desc")
        if wanted is not None:
            ordered = _ids_quirks(ctx, ordered)
        if since is not None:
            ordered = _modified_after(store, ordered, since)
            if not ordered:
                return Reply(304, credits=list_credits(ctx))
        end = offset + size if used_token is None else min(offset + size, TOKEN_REACH)
        rows = [render(store.records[i], names) for i in ordered[offset:end]]
        more = len(ordered) > offset + len(rows)
    if not rows:
        return Reply(204, credits=list_credits(ctx))
    info: dict[str, Any] = {
        "call": False,
        "per_page": size,
        "count": len(rows),
        "sort_by": sort_by,
        "page": page,
        "sort_order": order,
        "email": False,
        "more_records": more,
        "next_page_token": None,
        "previous_page_token": used_token,
        "page_token_expiry": None,
    }
    if more:
        token, expiry = ctx.sim.page_tokens.issue(ctx.org.label, bound, offset + len(rows))
        info["next_page_token"], info["page_token_expiry"] = token, iso(expiry)
    return Reply(200, {"data": rows, "info": info}, credits=list_credits(ctx))


def get_record(ctx: Ctx, module: str, rid: str) -> Reply:
    store = ctx.store(module)
    names = field_names(ctx, store, required=False)
    since = header_time(ctx, "If-Modified-Since")
    with ctx.org.lock:
        record = store.records.get(rid)
        if record is None:
            if ctx.sim.config.missing_record == "204":
                return Reply(204, credits=1)
            raise bad_request("INVALID_DATA", "the id given seems to be invalid", {"id": rid})
        if since is not None and not _modified_after(store, [rid], since):
            return Reply(304, credits=1)
        return Reply(200, {"data": [render(record, names)]}, credits=1)
