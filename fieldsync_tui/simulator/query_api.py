"""Search Records and COQL endpoints."""

from __future__ import annotations

from typing import Any

from fieldsync_tui.simulator.context import Ctx, Reply
from fieldsync_tui.simulator.coql import CoqlError, parse
from fieldsync_tui.simulator.coql_exec import CoqlOptions, credits_for_limit, run
from fieldsync_tui.simulator.criteria import (
    CriteriaError,
    Predicate,
    SearchOptions,
    compile_criteria,
    count_criteria,
    parse_criteria,
)
from fieldsync_tui.simulator.errors import bad_request, invalid_module
from fieldsync_tui.simulator.read_api import field_names, per_page, render
from fieldsync_tui.simulator.store import ModuleStore

SEARCH_REACH = 2000
WORD_TYPES = frozenset({"text", "textarea", "email", "phone", "website", "picklist"})


def search(ctx: Ctx, module: str) -> Reply:
    store = ctx.store(module)
    names = field_names(ctx, store, required=False)
    size = per_page(ctx)
    page = ctx.int_param("page", 1)
    if page * size > SEARCH_REACH:
        raise bad_request(
            "LIMIT_REACHED",
            "maximum response iteration limit reached",
            {"limit": str(SEARCH_REACH)},
        )
    predicate = _search_predicate(ctx, store)
    now = ctx.sim.clock.now()
    with ctx.org.lock:
        lagging = store.unindexed  # written through the API moments ago: not indexed yet
        matched = [
            i
            for i in store.ids
            if predicate(store.records[i]) and (not lagging or lagging.get(i, 0.0) <= now)
        ]
        offset = (page - 1) * size
        rows = [render(store.records[i], names) for i in matched[offset : offset + size]]
    if not rows:
        return Reply(204, credits=1)
    more = len(matched) > offset + len(rows)
    info = {"per_page": size, "count": len(rows), "page": page, "more_records": more}
    return Reply(200, {"data": rows, "info": info}, credits=1)


def _search_predicate(ctx: Ctx, store: ModuleStore) -> Predicate:
    cfg = ctx.sim.config
    opts = SearchOptions(cfg.search_equals_contains, cfg.search_case_insensitive)
    criteria = ctx.query.get("criteria")
    if criteria:
        try:
            node = parse_criteria(criteria)
            if count_criteria(node) > cfg.search_criteria_cap:
                limit = cfg.search_criteria_cap
                raise CriteriaError(
                    "LIMIT_EXCEEDED",
                    f"no of criterium that can be given exceed the limit {limit}",
                    {"limit": limit},
                )
            return compile_criteria(node, store, opts)
        except CriteriaError as err:
            raise bad_request(err.code, err.message, err.details) from None
    for mode, types in (("email", {"email"}), ("phone", {"phone"}), ("word", WORD_TYPES)):
        value = ctx.query.get(mode)
        if value:
            if mode == "word" and len(value) < 2:
                raise bad_request("INVALID_QUERY", "word should have at least 2 characters")
            return _any_field_contains(store, types, value, exact=mode == "email")
    raise bad_request(
        "EXPECTED_PARAM_MISSING",
        "One of the expected parameter is missing",
        {"param_names": ["criteria", "email", "phone", "word"]},
    )


def _any_field_contains(
    store: ModuleStore, types: set[str] | frozenset[str], value: str, exact: bool
) -> Predicate:
    columns = [f.api_name for f in store.fields.values() if f.data_type in types]
    needle = value.casefold()

    def predicate(record: dict[str, Any]) -> bool:
        for column in columns:
            text = record.get(column)
            if isinstance(text, str):
                folded = text.casefold()
                if (folded == needle) if exact else (needle in folded):
                    return True
        return False

    return predicate


def coql(ctx: Ctx) -> Reply:
    body = ctx.json_body()
    text = body.get("select_query") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise bad_request(
            "REQUIRED_PARAM_MISSING",
            "One of the expected parameter is missing",
            {"param_name": "select_query"},
        )
    cfg = ctx.sim.config
    opts = CoqlOptions(
        in_cap=cfg.coql_in_cap,
        case_insensitive=cfg.coql_case_insensitive,
        max_columns=cfg.coql_max_columns,
        bare_boolean_refused=cfg.coql_bare_boolean_refused,
        quoted_boolean_refused=cfg.coql_quoted_boolean_refused,
        id_compare_refused=cfg.coql_id_compare_refused,
    )
    reserved = frozenset(w.lower() for w in cfg.coql_reserved)
    try:
        query = parse(text, limit_comma=cfg.coql_limit_comma, reserved=reserved)
        if query.offset is not None and cfg.coql_offset_refused:
            raise CoqlError(
                "SYNTAX_ERROR",
                "error occurred while parsing the query near 'offset'",
                {"line": 1, "near": "offset"},
            )
        store = ctx.org.modules.get(query.module)
        if store is None:
            raise invalid_module(query.module)
        with ctx.org.lock:
            result = run(query, store, opts)
    except CoqlError as err:
        raise bad_request(err.code, err.message, err.details) from None
    credits = credits_for_limit(result.limit)
    if not result.rows:
        return Reply(204, credits=credits)
    info = {"count": len(result.rows), "more_records": result.more_records}
    return Reply(200, {"data": result.rows, "info": info}, credits=credits)
