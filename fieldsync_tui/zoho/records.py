"""Parsing Zoho's JSON answers into plain values (``types.py``). Pure; tolerant of shapes."""

from __future__ import annotations

from typing import Any

from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.types import FieldMeta, OrgInfo


def rows_of(body: Any) -> list[dict[str, Any]]:
    """The records in ``{"data": [...]}``; ``[]`` for a 204 (``None``) or no ``data``."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return []
    rows = [row for row in data if isinstance(row, dict)]
    for row in rows:
        if isinstance(row.get("id"), int):  # ids are opaque strings end to end
            row["id"] = str(row["id"])
    return rows


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def org_info(body: Any, *, org: str | None = None) -> OrgInfo:
    """``{"org": [{"id", "company_name", …}]}`` → :class:`OrgInfo`."""
    orgs = body.get("org") if isinstance(body, dict) else None
    if not isinstance(orgs, list) or not orgs or not isinstance(orgs[0], dict):
        raise ZohoAPIError("GET /crm/v8/org answered without an org", status_code=200, org=org)
    item = orgs[0]
    license_details = item.get("license_details")
    edition = item.get("edition")
    if edition is None and isinstance(license_details, dict):
        edition = license_details.get("paid_type")
    return OrgInfo(
        id=str(item.get("id", "")),
        name=str(item.get("company_name") or ""),
        domain_name=_text(item.get("domain_name")),
        time_zone=_text(item.get("time_zone")),
        edition=_text(edition),
    )


def _length(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _picklist(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    out: list[str] = []
    for item in values:
        if isinstance(item, dict):
            value = item.get("actual_value", item.get("display_value"))
            if value is not None:
                out.append(str(value))
    return tuple(out)


def field_meta(item: Any) -> FieldMeta | None:
    """One element of ``{"fields": [...]}``; ``None`` when it has no ``api_name``."""
    if not isinstance(item, dict) or not isinstance(item.get("api_name"), str):
        return None
    return FieldMeta(
        api_name=item["api_name"],
        data_type=str(item.get("data_type") or ""),
        label=str(item.get("field_label") or item.get("display_label") or ""),
        length=_length(item.get("length")),
        read_only=bool(item.get("read_only", False)),
        field_read_only=bool(item.get("field_read_only", False)),
        pick_list_values=_picklist(item.get("pick_list_values")),
    )
