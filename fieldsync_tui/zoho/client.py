"""``ZohoClient``: one async client per org, satisfying ``sync.ports.CrmClient``.

Every call goes through :meth:`ZohoClient._call`: bounded concurrency (a semaphore per org),
the one retry policy (``retry.RetryPolicy``), status → typed error mapping, call/credit
counting and a log line (method, path, status, elapsed — never headers, tokens or bodies).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import httpx

from fieldsync_tui.secret import Secret
from fieldsync_tui.zoho.auth import ZohoOAuth
from fieldsync_tui.zoho.batch import record_ids, write_results
from fieldsync_tui.zoho.coql_forms import RungRefused
from fieldsync_tui.zoho.costs import ClientStats, estimate_update_credits, update_credits
from fieldsync_tui.zoho.errors import (
    CreditsExhaustedError,
    ZohoConnectionError,
    ZohoRateLimitError,
)
from fieldsync_tui.zoho.forms import FORMS_FILE, FormsStore
from fieldsync_tui.zoho.ids import IDS_CHUNK, IdReader
from fieldsync_tui.zoho.query import validate_api_name
from fieldsync_tui.zoho.reader import ModuleReader, ReadFilter, Strategy
from fieldsync_tui.zoho.records import field_meta, org_info
from fieldsync_tui.zoho.regions import resolve_api_base
from fieldsync_tui.zoho.responses import (
    NOT_JSON,
    error_from_response,
    not_json_error,
    parse_json,
    transport_error,
)
from fieldsync_tui.zoho.retry import (
    LOW_CREDITS,
    MAYBE_SPENT,
    RetryPolicy,
    credits_exhausted,
    credits_remaining,
    parse_retry_after,
)
from fieldsync_tui.zoho.search import SEARCH_MAX, search
from fieldsync_tui.zoho.statefile import org_key
from fieldsync_tui.zoho.token_cache import TOKENS_FILE, TokenCache
from fieldsync_tui.zoho.types import FieldMeta, OrgInfo, WriteResult

__all__ = ["IDS_CHUNK", "SEARCH_MAX", "ReadFilter", "ZohoClient", "estimate_update_credits"]

API: Final = "/crm/v8"
UPDATE_MAX: Final = 100
TRIGGERS: Final = frozenset({"workflow", "approval", "blueprint", "pathfinder", "orchestration"})


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
        state_dir: Path | None = None,
        token_cache: bool = False,
        read_strategy: Strategy = "auto",
        bulk_poll_delay: float = 0.5,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        key = org_key(client_id, accounts_url)
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
            cache=TokenCache(state_dir / TOKENS_FILE, key) if state_dir and token_cache else None,
        )
        self._http = httpx.AsyncClient(
            transport=transport, timeout=timeout, auth=self._auth, follow_redirects=False
        )
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._retry = RetryPolicy(retry_seconds=retry_seconds, time_source=time_source, sleep=sleep)
        self._base: str | None = None
        self._ids = IdReader(self, self._log)
        store = FormsStore(state_dir / FORMS_FILE if state_dir else None, key)
        self.reader = ModuleReader(
            self, store, strategy=read_strategy, logger=self._log, poll_delay=bulk_poll_delay
        )
        """The read ladder (DESIGN §4); ``reader.last.road`` is the road of the last read."""
        self._streaks: dict[int, bool | None] = {}
        """Calls in flight → whether their last answer was a 429 (None: no answer yet)."""
        self._ticket = itertools.count()
        self._credits_low = False

    def __repr__(self) -> str:
        return f"ZohoClient(label={self.label!r}, region={self.region!r})"

    @property
    def ids_chunk(self) -> int:
        """Current ids per call; shrinks for good if Zoho answers ``LIMIT_EXCEEDED``."""
        return self._ids.chunk

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
        raw: bool = False,
        **send: Any,
    ) -> _Answer:
        """One call through the retry policy; ``send`` goes to httpx (headers, files, …)."""
        attempts = 0
        ticket = next(self._ticket)
        self._streaks[ticket] = None

        async def attempt() -> _Answer:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self.stats.retries += 1
            try:
                answer = await self._attempt(method, path, params, json, credits, write, send, raw)
            except ZohoRateLimitError:
                self._streaks[ticket] = True
                if self._credits_low:
                    raise self._maybe_spent("after X-API-CREDITS-REMAINING was seen low") from None
                raise
            except BaseException:
                self._streaks[ticket] = False
                raise
            self._streaks[ticket] = False
            return answer

        try:
            return await self._retry.run(attempt, write=write, retry_writes=retry_writes)
        except ZohoRateLimitError:
            others = [v for k, v in self._streaks.items() if k != ticket]
            if False not in others:  # no call in flight gets through: not a concurrency blip
                raise self._maybe_spent(
                    f"for more than {self._retry.retry_seconds:g} s on every call in flight"
                ) from None
            raise
        finally:
            del self._streaks[ticket]
            self.stats.refreshes = self._auth.refreshes

    def _maybe_spent(self, why: str) -> CreditsExhaustedError:
        return CreditsExhaustedError(MAYBE_SPENT.format(why=why), org=self.label)

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        credits: int = 1,
        raw: bool = False,
    ) -> tuple[int, Any]:
        """One read (``reader.Calls``): (status, parsed JSON — or bytes with ``raw``)."""
        answer = await self._call(method, path, params=params, json=json, credits=credits, raw=raw)
        return answer.status, answer.body

    async def _attempt(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: Any,
        credits: int,
        write: bool,
        send: dict[str, Any],
        raw: bool = False,
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
        answer = self._check(response, write=write, raw=raw)
        self.stats.credits += credits
        return answer

    def _failed(
        self, err: httpx.HTTPError, method: str, path: str, *, write: bool
    ) -> ZohoConnectionError:
        """Log a failed exchange and return its typed error (see ``transport_error``)."""
        self._log.warning("Org %s: %s %s failed (%s)", self.label, method, path, type(err).__name__)
        return transport_error(err, org=self.label, method=method, path=path, write=write)

    def _check(self, response: httpx.Response, *, write: bool, raw: bool = False) -> _Answer:
        status = response.status_code
        remaining = credits_remaining(response.headers)
        if remaining is not None and remaining <= LOW_CREDITS:
            self._credits_low = True
        if status == 204:
            return _Answer(status, None)
        if raw and 200 <= status < 300:
            return _Answer(status, response.content)
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

    def read_pages(
        self, module: str, fields: Sequence[str], where: ReadFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every record of ``module`` that ``where`` keeps, page by page, down the read
        ladder (``reader.py``); ``reader.last.road`` then names the road it took."""
        return self.reader.pages(module, fields, where)

    async def coql_pages(
        self, module: str, fields: Sequence[str], where: str, *, page_size: int = 2000
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Keyset-paged COQL with a ready ``where`` (no ladder; Zoho's refusal is raised)."""
        validate_api_name(module)
        pages = self.reader.keyset(module, fields, lambda: where, ReadFilter(), page_size)
        try:
            async for page in pages:
                yield page
        except RungRefused as refused:
            raise refused.error from None

    @property
    def last_read(self) -> str:
        """The road of the last whole-module read (``coql_keyset`` … ``bulk``), or ""."""
        return self.reader.last.road

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Records by id, ≤ 100 per call, matched by id whatever the answer's order or cap;
        ids not answered are asked again, alone at last (``ids.py``); missing ids absent."""
        return await self._ids.read(module, ids, fields)

    async def search_records(
        self, module: str, criteria: str, fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Search with pre-escaped ``criteria`` (``zoho.query``); pages up to 2,000 records."""
        return await search(self, module, criteria, fields)

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
        return write_results(answer.status, answer.body, ids, org=self.label)
