"""Bulk Read (ZOHO_API.md §11): create a job per page of 200,000 records, poll it, download
the zipped CSV, hand the rows on in slices. 50 credits a job (polls and downloads counted 1
each: Zoho does not say, we count on the safe side).

CSV cells are text: ``""`` becomes ``None``; the id column (``Id`` in Zoho's files) becomes
``id``; booleans stay ``"true"``/``"false"`` text (the caller's converters read both).
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Final

from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.readfilter import Calls, ReadFilter

BULK_API: Final = "/crm/bulk/v8/read"
BULK_PAGE: Final = 200_000
CREATE_CREDITS: Final = 50
SLICE: Final = 2000
MAX_POLL_DELAY: Final = 30.0
MAX_WAIT: Final = 3 * 3600.0
"""Give up on a job that is not done after this many seconds of polling."""
REFUSALS: Final = frozenset(
    {
        "MODULE_NOT_SUPPORTED",
        "NOT_SUPPORTED",
        "API_NOT_SUPPORTED",
        "INVALID_CRITERIA",
        "OAUTH_SCOPE_MISMATCH",
        "NO_PERMISSION",
        "INVALID_URL_PATTERN",
        "MEDIA_TYPE_NOT_SUPPORTED",
    }
)


def bulk_credits(records: int) -> int:
    """Projected credits to read ``records`` by Bulk Read: per job 50, ~2 polls, 1 download."""
    jobs = max(1, math.ceil(records / BULK_PAGE))
    return jobs * (CREATE_CREDITS + 3)


def bulk_refusal(err: ZohoAPIError) -> bool:
    """Whether an answer to a job creation means "this org/module has no Bulk Read"."""
    return err.code in REFUSALS or err.status_code in (403, 404, 405, 415)


def criteria(flt: ReadFilter) -> dict[str, Any] | None:
    """Bulk Read criteria for ``flt``: boolean ``equal`` false, ``not_equal`` ``${EMPTY}``."""
    terms: list[dict[str, Any]] = [
        {"field": {"api_name": n}, "comparator": "equal", "value": False} for n in flt.false
    ]
    terms += [
        {"field": {"api_name": n}, "comparator": "not_equal", "value": "${EMPTY}"}
        for n in flt.present
    ]
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0]
    return {"group_operator": "and", "group": terms}


def _first(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    item = data[0] if isinstance(data, list) and data else None
    return item if isinstance(item, dict) else {}


def csv_rows(payload: bytes) -> list[dict[str, Any]]:
    """The records of a Bulk Read result (a ZIP holding one CSV)."""
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if not names:
            raise ValueError("the Bulk Read result holds no CSV file")
        text = archive.read(names[0]).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    for record in reader:
        row: dict[str, Any] = {k: (v if v != "" else None) for k, v in record.items() if k}
        if "id" not in row and "Id" in row:
            row["id"] = row.pop("Id")
        rows.append(row)
    return rows


async def _create(
    client: Calls, module: str, fields: Sequence[str], flt: ReadFilter, page: int
) -> str:
    query: dict[str, Any] = {"module": {"api_name": module}, "fields": list(fields), "page": page}
    wanted = criteria(flt)
    if wanted is not None:
        query["criteria"] = wanted
    _, body = await client.call("POST", BULK_API, json={"query": query}, credits=CREATE_CREDITS)
    job = _first(body).get("details")
    job_id = job.get("id") if isinstance(job, dict) else None
    if not isinstance(job_id, str | int) or not str(job_id).isdigit():
        raise ZohoAPIError("Bulk Read answered without a job id", status_code=200)
    return str(job_id)


async def _wait(
    client: Calls,
    job_id: str,
    poll_delay: float,
    sleep: Callable[[float], Awaitable[None]],
) -> dict[str, Any]:
    delay, waited = poll_delay, 0.0
    while True:
        _, body = await client.call("GET", f"{BULK_API}/{job_id}")
        job = _first(body)
        state = str(job.get("state", "")).upper()
        if state == "COMPLETED":
            result = job.get("result")
            return result if isinstance(result, dict) else {}
        if state == "FAILURE" or waited > MAX_WAIT:
            raise ZohoAPIError(
                f"Bulk Read job {job_id} ended in state {state or 'unknown'}",
                status_code=200,
                org=client.label,
            )
        await sleep(delay)
        waited += delay
        delay = min(delay * 2, MAX_POLL_DELAY)


async def bulk_pages(
    client: Calls,
    module: str,
    fields: Sequence[str],
    flt: ReadFilter,
    *,
    poll_delay: float = 0.5,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every record Bulk Read gives for ``module`` (criteria from ``flt``), in slices."""
    nap = sleep or asyncio.sleep
    columns = list(dict.fromkeys([*fields, *flt.names()]))
    page = 1
    while True:
        job_id = await _create(client, module, columns, flt, page)
        result = await _wait(client, job_id, poll_delay, nap)
        _, payload = await client.call("GET", f"{BULK_API}/{job_id}/result", raw=True)
        try:
            rows = csv_rows(payload if isinstance(payload, bytes) else b"")
        except (ValueError, zipfile.BadZipFile, UnicodeDecodeError) as err:
            raise ZohoAPIError(
                f"Bulk Read job {job_id}: the result is not a zipped CSV ({err})",
                status_code=200,
                org=client.label,
            ) from None
        for start in range(0, len(rows), SLICE):
            yield rows[start : start + SLICE]
        del rows
        if result.get("more_records") is not True:
            return
        page += 1
