"""Mapping a batch update's ``data[]`` back to the records sent (DESIGN §6 step 3).

Each result is matched by ``details.id``; when that does not account for every record, by
position — but only when the counts match and no result names a different record than the
one at its position. Anything else is a :class:`BatchMappingError` for the whole batch.
HTTP status never decides success: each element's ``status`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import BatchMappingError, ZohoAPIError
from fieldsync_tui.zoho.responses import envelope
from fieldsync_tui.zoho.types import WriteResult


def record_ids(records: Sequence[dict[str, Any]]) -> list[str]:
    """The ``id`` of every record to update; ValueError when missing or repeated."""
    ids: list[str] = []
    for index, record in enumerate(records):
        value = record.get("id")
        if value is None or str(value) == "":
            raise ValueError(f"record {index} of the batch has no id")
        ids.append(str(value))
    if len(set(ids)) != len(ids):
        raise ValueError("a record id appears twice in one batch")
    return ids


def _result_id(item: dict[str, Any]) -> str | None:
    details = item.get("details")
    if isinstance(details, dict) and details.get("id") is not None:
        return str(details["id"])
    return None


def to_write_result(record_id: str, item: dict[str, Any]) -> WriteResult:
    status = item.get("status")
    code = item.get("code")
    details = item.get("details")
    return WriteResult(
        id=record_id,
        ok=isinstance(status, str) and status.lower() == "success",
        code=safe(code)[:100] if code is not None else None,
        message=safe(item.get("message", ""))[:300],
        details=details if isinstance(details, dict) else {},
    )


def _by_id(ids: list[str], items: list[dict[str, Any]]) -> dict[str, dict[str, Any]] | None:
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        rid = _result_id(item)
        if rid is None or rid not in ids or rid in found:
            return None
        found[rid] = item
    return found if len(found) == len(ids) else None


def _by_position(ids: list[str], items: list[dict[str, Any]]) -> bool:
    if len(items) != len(ids):
        return False
    return all(_result_id(item) in (None, rid) for rid, item in zip(ids, items, strict=True))


def map_results(ids: list[str], data: object, *, org: str | None = None) -> list[WriteResult]:
    """One :class:`WriteResult` per id sent, in the order sent."""
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise BatchMappingError("the batch answer has no usable data[] list", org=org)
    found = _by_id(ids, data)
    if found is not None:
        return [to_write_result(rid, found[rid]) for rid in ids]
    if _by_position(ids, data):
        return [to_write_result(rid, item) for rid, item in zip(ids, data, strict=True)]
    raise BatchMappingError(
        f"the batch answer ({len(data)} results for {len(ids)} records) cannot be matched to "
        "the records sent, by id or by position; nothing in it is trusted",
        org=org,
    )


def write_results(status: int, body: Any, ids: list[str], *, org: str) -> list[WriteResult]:
    """The per-record results of one update answer (``status``/``body``) for ``ids`` sent.
    A request-wide error (one element without ``details.id`` for several records) raises."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise BatchMappingError(f"the update answer (HTTP {status}) has no data[] list", org=org)
    first = data[0] if len(data) == 1 and isinstance(data[0], dict) else None
    if status >= 400 and len(ids) > 1 and first is not None:
        details = first.get("details")
        if not (isinstance(details, dict) and "id" in details):
            code, message, details_ = envelope(first)
            raise ZohoAPIError(
                f"{code or 'HTTP error'} (HTTP {status}): {message}",
                status_code=status,
                code=code,
                details=details_,
                org=org,
            )
    return map_results(ids, data, org=org)
