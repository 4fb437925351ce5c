"""Search Records (``GET /crm/v8/{module}/search``, ZOHO_API.md §4): investigation only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from fieldsync_tui.zoho.query import validate_api_name
from fieldsync_tui.zoho.readfilter import Calls
from fieldsync_tui.zoho.records import rows_of

API: Final = "/crm/v8"
SEARCH_PAGE: Final = 200
SEARCH_MAX: Final = 2000


async def search(
    client: Calls, module: str, criteria: str, fields: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Search with pre-escaped ``criteria`` (``zoho.query``); pages up to 2,000 records."""
    validate_api_name(module)
    if not criteria or any(ord(ch) < 32 or ord(ch) == 127 for ch in criteria):
        raise ValueError("search criteria must be non-empty and free of control characters")
    params = {"criteria": criteria, "per_page": str(SEARCH_PAGE)}
    if fields:
        params["fields"] = ",".join(validate_api_name(f) for f in dict.fromkeys(fields))
    found: list[dict[str, Any]] = []
    for page in range(1, SEARCH_MAX // SEARCH_PAGE + 1):
        _, body = await client.call(
            "GET", f"{API}/{module}/search", params={**params, "page": str(page)}
        )
        rows = rows_of(body)
        found.extend(rows)
        info = body.get("info") if isinstance(body, dict) else None
        more = info.get("more_records") if isinstance(info, dict) else None
        if more is False or (len(rows) < SEARCH_PAGE and more is not True):
            break
    return found
