"""``ZohoClient``: one async client per org, satisfying ``sync.ports.CrmClient``.

Every call goes through :meth:`ZohoClient._call`: bounded concurrency (a semaphore per org),
the one retry policy (``retry.RetryPolicy``), status → typed error mapping, call/credit
counting and a log line (method, path, status, elapsed — never headers, tokens or bodies).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self

import httpx

from fieldsync_tui.secret import Secret
from fieldsync_tui.zoho.auth import ZohoOAuth
from fieldsync_tui.zoho.batch import map_results, record_ids
from fieldsync_tui.zoho.costs import (
    ClientStats,
    coql_credits,
    estimate_update_credits,
    update_credits,
)
from fieldsync_tui.zoho.errors import (
    BatchMappingError,
    CreditsExhaustedError,
    ZohoAPIError,
    ZohoConnectionError,
)
from fieldsync_tui.zoho.query import coql_id, coql_select, validate_api_name
from fieldsync_tui.zoho.records import field_meta, org_info, rows_of
from fieldsync_tui.zoho.regions import resolve_api_base
from fieldsync_tui.zoho.responses import (
    NOT_JSON,
    envelope,
    error_from_response,
    not_json_error,
    parse_json,
    transport_error,
)
from fieldsync_tui.zoho.retry import RetryPolicy, credits_exhausted, parse_retry_after
from fieldsync_tui.zoho.types import FieldMeta, OrgInfo, WriteResult

__all__ = ["IDS_CHUNK", "SEARCH_MAX", "ZohoClient", "estimate_update_credits"]

API: Final = "/crm/v8"
IDS_CHUNK: Final = 100
"""Most ids per ``GET ?ids=`` call (UNCONFIRMED cap: halved on ``LIMIT_EXCEEDED``)."""
LIST_FIELDS_MAX: Final = 50
SEARCH_PAGE: Final = 200
SEARCH_MAX: Final = 2000
UPDATE_MAX: Final = 100
TRIGGERS: Final = frozenset({"workflow", "approval", "blueprint", "pathfinder", "orchestration"})


def _more_records(body: Any) -> bool:
    info = body.get("info") if isinstance(body, dict) else None
    return isinstance(info, dict) and info.get("more_records") is True


def _ids_left(part: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """Ids of ``part`` (ascending) to ask for again: the server may cap ``ids`` lower than we
    sent without saying so (UNCONFIRMED cap), so the ids after the last one returned are
    asked again; ids missing before it, or from an answer holding none, are gone."""
    got = {str(row.get("id")) for row in rows}
    if not got.intersection(part):
        return []
    last = max(i for i, record_id in enumerate(part) if record_id in got)
    # a truncated answer leaves out a tail; a gap before the last id returned is a gone record
    return part[last + 1 :]


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: Any  # parsed JSON, or None for 204


class ZohoClient:
    """The Zoho CRM API of one org (see module doc). Use as ``async with``."""

    def __init__(
        self,
        *,
        label: str,
        client_id: str,
        client_secret: Secret,
        refresh_token: Secret,
        accounts_url: str,
        api_url: str,
        api_url_overridden: bool = False,
        region: str = "com",
        max_concurrency: int = 5,
        retry_seconds: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        time_source: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        logger: logging.Logger | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.label = label
        self.region = region
        self.stats = ClientStats()
        self._api_url = api_url.rstrip("/")
        self._api_url_overridden = api_url_overridden
        self._log = logger or logging.getLogger("fieldsync.zoho")
        self._time = time_source
        self._auth = ZohoOAuth(
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            accounts_url=accounts_url,
            label=label,
            transport=transport,
            timeout=timeout,
            time_source=time_source,
            logger=self._log,
            on_token=on_token,
        )
        self._http = httpx.AsyncClient(
            transport=transport, timeout=timeout, auth=self._auth, follow_redirects=False
        )
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._retry = RetryPolicy(retry_seconds=retry_seconds, time_source=time_source, sleep=sleep)
        self._base: str | None = None
        self.ids_chunk = IDS_CHUNK
        """Current ids per call; shrinks for good if Zoho answers ``LIMIT_EXCEEDED``."""

    def __repr__(self) -> str:
        return f"ZohoClient(label={self.label!r}, region={self.region!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._auth.aclose()

    # -- plumbing -------------------------------------------------------------------------

    async def api_base(self) -> str:
        """The API host tokens go to (after the first token: ``regions.resolve_api_base``)."""
        if self._base is None:
            await self._auth.token()
            base = resolve_api_base(
                api_domain=self._auth.api_domain,
                region=self.region,
                api_url=self._api_url,
                api_url_overridden=self._api_url_overridden,
                logger=self._log,
                label=self.label,
            )
            self._auth.allowed_origin = httpx.URL(base)
            self._base = base
        return self._base

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        credits: int = 1,
        write: bool = False,
        retry_writes: bool = True,
        **send: Any,
    ) -> _Answer:
        """One call through the retry policy; ``send`` goes to httpx (headers, files, …)."""
        attempts = 0

        async def attempt() -> _Answer:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self.stats.retries += 1
            return await self._attempt(method, path, params, json, credits, write, send)

        try:
            return await self._retry.run(attempt, write=write, retry_writes=retry_writes)
        finally:
            self.stats.refreshes = self._auth.refreshes

    async def _attempt(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: Any,
        credits: int,
        write: bool,
        send: dict[str, Any],
    ) -> _Answer:
        base = await self.api_base()
        async with self._semaphore:
            started = self._time()
            self.stats.calls += 1
            try:
                response = await self._http.request(
                    method, base + path, params=params, json=json, **send
                )
            except httpx.HTTPError as err:
                # from None: httpx's chain carries the URL and query (ids, CRM names)
                raise self._failed(err, method, path, write=write) from None
        elapsed_ms = (self._time() - started) * 1000
        level = logging.DEBUG if response.status_code < 400 else logging.WARNING
        self._log.log(
            level,
            "Org %s: %s %s -> %d (%.0f ms)",
            self.label,
            method,
            path,
            response.status_code,
            elapsed_ms,
        )
        answer = self._check(response, write=write)
        self.stats.credits += credits
        return answer

    def _failed(
        self, err: httpx.HTTPError, method: str, path: str, *, write: bool
    ) -> ZohoConnectionError:
        """Log a failed exchange and return its typed error (see ``transport_error``)."""
        self._log.warning("Org %s: %s %s failed (%s)", self.label, method, path, type(err).__name__)
        return transport_error(err, org=self.label, method=method, path=path, write=write)

    def _check(self, response: httpx.Response, *, write: bool) -> _Answer:
        status = response.status_code
        if status == 204:
            return _Answer(status, None)
        if status == 429 and credits_exhausted(response.headers):
            raise CreditsExhaustedError(
                "Zoho API credits are spent (HTTP 429, X-API-CREDITS-REMAINING: 0). Zoho frees "
                "credits on a rolling 24-hour window — each call's credits return 24 h after it "
                "was made; the run stops",
                org=self.label,
            )
        retry_after = parse_retry_after(response.headers)
        body = parse_json(response)
        if 200 <= status < 300:
            if body is NOT_JSON:
                raise not_json_error(response, org=self.label)
            return _Answer(status, body)
        if (
            write
            and status == 400
            and isinstance(body, dict)
            and isinstance(body.get("data"), list)
        ):
            return _Answer(status, body)  # per-record results of a batch that all failed
        error = error_from_response(response, org=self.label, retry_after=retry_after, body=body)
        error.write_may_have_landed = write and status >= 500
        raise error

    # -- metadata -------------------------------------------------------------------------

    async def get_org(self) -> OrgInfo:
        """``GET /crm/v8/org``: the org's id and name (``company_name``)."""
        answer = await self._call("GET", f"{API}/org")
        return org_info(answer.body, org=self.label)

    async def get_fields(self, module: str) -> list[FieldMeta]:
        """Field metadata of ``module`` (204 → ``[]``)."""
        validate_api_name(module)
        answer = await self._call("GET", f"{API}/settings/fields", params={"module": module})
        raw = answer.body.get("fields") if isinstance(answer.body, dict) else None
        if not isinstance(raw, list):
            return []
        return [meta for item in raw if (meta := field_meta(item)) is not None]

    # -- reads ----------------------------------------------------------------------------

    async def coql_pages(
        self, module: str, fields: Sequence[str], where: str, *, page_size: int = 2000
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Keyset-paged COQL from ``id > 0`` (see ``CrmClient``); yields non-empty pages.

        Paging ends on an empty answer (204) or on a page shorter than ``page_size`` unless
        ``info.more_records`` is true (a server capping LIMIT lower). A full page is always
        followed by the next query, whatever ``more_records`` says or omits."""
        last = "0"
        while True:
            query = coql_select(module, fields, where, last, page_size)
            answer = await self._call(
                "POST", f"{API}/coql", json={"select_query": query}, credits=coql_credits(page_size)
            )
            rows = rows_of(answer.body)
            if not rows:
                return
            new_last = coql_id(rows[-1].get("id"))
            if int(new_last) <= int(last):
                raise ZohoAPIError(
                    "COQL keyset paging did not advance (ids not ascending)",
                    status_code=answer.status,
                    org=self.label,
                )
            yield rows
            if len(rows) < page_size and not _more_records(answer.body):
                return  # a short page ends it; a full page is followed whatever the flag says
            last = new_last

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Records by id, ≤ 100 per call (halved on ``LIMIT_EXCEEDED``; ids a partial answer
        left out at its tail are asked again, see ``_ids_left``); ids are asked in ascending
        order; missing ids absent."""
        validate_api_name(module)
        wanted = sorted(dict.fromkeys(coql_id(i) for i in ids), key=lambda i: (len(i), i))
        names = [validate_api_name(f) for f in dict.fromkeys(fields)]
        if len(names) > LIST_FIELDS_MAX:
            raise ValueError(f"at most {LIST_FIELDS_MAX} fields per list call")
        columns = ",".join(names) or "id"
        found: list[dict[str, Any]] = []
        pending = wanted
        while pending:
            part = pending[: self.ids_chunk]
            params = {"ids": ",".join(part), "fields": columns}
            try:
                answer = await self._call("GET", f"{API}/{module}", params=params)
            except ZohoAPIError as err:
                if err.code != "LIMIT_EXCEEDED" or err.status_code != 400 or len(part) == 1:
                    raise
                self.ids_chunk = max(1, len(part) // 2)
                self._log.info("Org %s: ids per call lowered to %d", self.label, self.ids_chunk)
                continue
            rows = rows_of(answer.body)
            found.extend(rows)
            pending = _ids_left(part, rows) + pending[len(part) :]
        return found

    async def search_records(
        self, module: str, criteria: str, fields: Sequence[str] | None = None
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
            answer = await self._call(
                "GET", f"{API}/{module}/search", params={**params, "page": str(page)}
            )
            rows = rows_of(answer.body)
            found.extend(rows)
            info = answer.body.get("info") if isinstance(answer.body, dict) else None
            more = info.get("more_records") if isinstance(info, dict) else None
            if more is False or (len(rows) < SEARCH_PAGE and more is not True):
                break
        return found

    # -- writes ---------------------------------------------------------------------------

    async def update_records(
        self, module: str, records: Sequence[dict[str, Any]], trigger: Sequence[str]
    ) -> list[WriteResult]:
        """One ``PUT`` of ≤ 100 records; one result per record sent, in the order sent."""
        validate_api_name(module)
        if len(records) > UPDATE_MAX:
            raise ValueError(f"at most {UPDATE_MAX} records per update call")
        if not records:
            return []
        ids = record_ids(records)
        triggers = list(trigger)
        if unknown := [t for t in triggers if t not in TRIGGERS]:
            raise ValueError(f"unknown trigger {unknown[0]!r}")
        answer = await self._call(
            "PUT",
            f"{API}/{module}",
            json={"data": [dict(r) for r in records], "trigger": triggers},
            credits=update_credits(len(records)),
            write=True,
            retry_writes=not triggers,
        )
        return self._write_results(answer, ids)

    def _write_results(self, answer: _Answer, ids: list[str]) -> list[WriteResult]:
        data = answer.body.get("data") if isinstance(answer.body, dict) else None
        if not isinstance(data, list):
            raise BatchMappingError(
                f"the update answer (HTTP {answer.status}) has no data[] list", org=self.label
            )
        first = data[0] if len(data) == 1 and isinstance(data[0], dict) else None
        if answer.status >= 400 and len(ids) > 1 and first is not None:
            details = first.get("details")
            if not (isinstance(details, dict) and "id" in details):
                code, message, details_ = envelope(first)
                raise ZohoAPIError(
                    f"{code or 'HTTP error'} (HTTP {answer.status}): {message}",
                    status_code=answer.status,
                    code=code,
                    details=details_,
                    org=self.label,
                )
        return map_results(ids, data, org=self.label)
