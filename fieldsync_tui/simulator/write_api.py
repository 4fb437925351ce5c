"""Update Records: ``PUT /crm/v8/{module}`` and ``PUT /crm/v8/{module}/{id}``."""

from __future__ import annotations

import math
import re
from typing import Any

from fieldsync_tui.simulator.clock import parse_iso
from fieldsync_tui.simulator.context import Ctx, Reply
from fieldsync_tui.simulator.errors import ZohoFault, bad_request, error_body
from fieldsync_tui.simulator.read_api import header_time
from fieldsync_tui.simulator.stats import WriteRecord
from fieldsync_tui.simulator.store import STRING_TYPES, ModuleStore, SimField

MAX_RECORDS = 100
TRIGGERS = frozenset({"workflow", "approval", "blueprint", "pathfinder", "orchestration"})
WEBSITE = re.compile(
    r"^(?:(?:https?|ftp)://|www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+"
    r"(?::\d{1,5})?(?:[/?#]\S*)?$",
    re.IGNORECASE,
)


class RecordError(Exception):
    def __init__(self, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(code)
        self.element = error_body(code, message, details)


def batch_size(body: Any) -> int:
    """How many records a PUT body carries (0 when malformed) — decides the sub-concurrency pool."""
    data = body.get("data") if isinstance(body, dict) else None
    return len(data) if isinstance(data, list) else 0


def update(ctx: Ctx, module: str, url_id: str | None = None) -> Reply:
    store = ctx.store(module)
    body = ctx.json_body()
    data, trigger = _envelope(body, url_id)
    ctx.sim.faults.run_edits(ctx.org.label)
    _check_unmodified(ctx, store, data, url_id)
    elements: list[dict[str, Any]] = []
    written: list[str] = []
    for index, item in enumerate(data):
        try:
            rid, values = _validate(ctx, store, index, item, url_id)
        except RecordError as err:
            elements.append(err.element)
            continue
        elements.append(_apply(ctx, store, rid, values))
        written.append(rid)
    ctx.sim.stats.writes.append(WriteRecord(ctx.org.label, module, tuple(written), trigger))
    credits = math.ceil(len(data) / 10)
    if not written:
        return Reply(ctx.sim.config.all_failed_status, {"data": elements}, credits=credits)
    status = 200 if len(written) == len(data) else 207
    return Reply(status, {"data": elements}, credits=credits)


def _check_unmodified(ctx: Ctx, store: ModuleStore, data: list[Any], url_id: str | None) -> None:
    """``If-Unmodified-Since``: 412 ALREADY_MODIFIED (nothing written) if a target changed."""
    since = header_time(ctx, "If-Unmodified-Since")
    if since is None:
        return
    ids = [url_id] if url_id is not None else [i.get("id") for i in data if isinstance(i, dict)]
    for rid in ids:
        record = store.records.get(str(rid))
        if record is not None and parse_iso(record["Modified_Time"]) > since:
            raise ZohoFault(
                412,
                "ALREADY_MODIFIED",
                "the record has been modified since the given time",
                {"id": str(rid)},
            )


def _envelope(body: Any, url_id: str | None) -> tuple[list[Any], tuple[str, ...] | None]:
    if not isinstance(body, dict) or "data" not in body:
        raise bad_request(
            "REQUIRED_PARAM_MISSING",
            "One of the expected parameter is missing",
            {"param_name": "data"},
        )
    data = body["data"]
    if not isinstance(data, list) or not data:
        raise bad_request("INVALID_DATA", "invalid data", {"api_name": "data"})
    if len(data) > MAX_RECORDS or (url_id is not None and len(data) > 1):
        limit = 1 if url_id is not None else MAX_RECORDS
        raise bad_request(
            "LIMIT_EXCEEDED",
            "Number of records exceeds the limit",
            {"limit": limit, "api_name": "data"},
        )
    trigger = body.get("trigger")
    if trigger is None:
        return data, None
    if not isinstance(trigger, list) or not all(t in TRIGGERS for t in trigger):
        raise bad_request("INVALID_DATA", "invalid data", {"api_name": "trigger"})
    return data, tuple(trigger)


def _validate(
    ctx: Ctx, store: ModuleStore, index: int, item: Any, url_id: str | None
) -> tuple[str, dict[str, Any]]:
    path = f"$.data[{index}]"
    if not isinstance(item, dict):
        raise RecordError("INVALID_DATA", "invalid data", {"json_path": path})
    rid = _record_id(store, item, path, url_id)
    if (store.name, rid) in ctx.org.locked or ctx.org.take_lock_once((store.name, rid)):
        raise RecordError("RECORD_LOCKED", "the record is locked", {"id": rid})
    values: dict[str, Any] = {}
    for key, value in item.items():
        if key == "id" or key.startswith("$"):
            continue
        field = store.fields.get(key)
        if field is not None and field.read_only and ctx.sim.config.read_only_write == "ignore":
            continue
        values[key] = _check_value(ctx, field, key, value, f"{path}.{key}")
    return rid, values


def _record_id(store: ModuleStore, item: dict[str, Any], path: str, url_id: str | None) -> str:
    if url_id is not None:
        raw: Any = url_id
    elif "id" not in item or item["id"] in (None, ""):
        raise RecordError(
            "MANDATORY_NOT_FOUND",
            "required field not found",
            {"api_name": "id", "json_path": f"{path}.id"},
        )
    else:
        raw = item["id"]
    rid = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if rid not in store.records:
        raise RecordError("INVALID_DATA", "the id given seems to be invalid", {"id": rid or raw})
    return rid


def _check_value(ctx: Ctx, field: SimField | None, key: str, value: Any, path: str) -> Any:
    """The value to store, or RecordError (INVALID_DATA, NOT_ALLOWED, MANDATORY_NOT_FOUND)."""
    where = {"api_name": key, "json_path": path}
    if field is None:
        raise RecordError("INVALID_DATA", "invalid data", where)
    if field.read_only:
        raise RecordError("NOT_ALLOWED", "the field is read only", where)
    if field.system_mandatory and value in (None, ""):
        raise RecordError("MANDATORY_NOT_FOUND", "required field not found", where)
    if field.data_type == "boolean" and ctx.sim.config.boolean_strings:
        value = {"true": True, "false": False}.get(str(value).lower(), value)
    if not _type_ok(field, value):
        raise RecordError(
            "INVALID_DATA", "invalid data", {"expected_data_type": field.data_type, **where}
        )
    if isinstance(value, str):
        _check_text(ctx, field, value, where)
    return value


def _type_ok(field: SimField, value: Any) -> bool:
    if field.data_type == "boolean":
        return isinstance(value, bool)
    if value is None:
        return True
    if field.data_type in STRING_TYPES:
        return isinstance(value, str)
    if field.data_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if field.data_type in ("double", "currency"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


def _check_text(ctx: Ctx, field: SimField, value: str, where: dict[str, Any]) -> None:
    if field.length is not None and len(value) > field.length:
        raise RecordError("INVALID_DATA", "invalid data", {"maximum_length": field.length, **where})
    if field.data_type == "website" and value and not WEBSITE.match(value):
        raise RecordError("INVALID_DATA", "invalid data", {"regex": WEBSITE.pattern, **where})
    if (
        field.data_type == "picklist"
        and value
        and ctx.sim.config.picklist_strict
        and value not in field.pick_list
    ):
        raise RecordError(
            "INVALID_DATA", "invalid data", {"expected_value": list(field.pick_list), **where}
        )


def _apply(ctx: Ctx, store: ModuleStore, rid: str, values: dict[str, Any]) -> dict[str, Any]:
    org = ctx.org
    record = org.apply_values(store, rid, values, org.api_user)
    lag = ctx.sim.config.search_index_lag
    if lag > 0:
        store.unindexed[rid] = ctx.sim.clock.now() + lag
    ctx.sim.stats.writes_per_record[(org.label, rid)] += 1
    details = {
        "Modified_Time": record["Modified_Time"],
        "Modified_By": dict(record["Modified_By"]),
        "Created_Time": record["Created_Time"],
        "id": rid,
        "Created_By": dict(record["Created_By"]),
    }
    return {"code": "SUCCESS", "details": details, "message": "record updated", "status": "success"}
