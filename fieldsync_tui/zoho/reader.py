"""Reading a whole module: the read ladder of DESIGN §4 (ZOHO_API.md §3, §5, §11, §17).

Roads, first rung first: COQL keyset (``id > N order by id asc limit 2000``, undocumented) →
COQL ``limit 2000 offset N`` (documented, reach 100,000) → Get Records with ``fields`` and
``page_token`` (documented, reach 100,000) → Bulk Read (``bulk.py``). The ladder stops at the
first rung that works; a rung is left after **one** refused call (an answer that names the
form, see ``coql_forms.refusal_cause``); what was refused is remembered per org
(``forms.py``) so a later run goes straight to the rung that worked.

``ZOHO_READ_STRATEGY=auto``: when the first COQL page is full, one ``COUNT(id)`` of what is
left decides whether Bulk Read (fewer credits for big modules) reads the rest — a module of
one page costs no extra call; ``coql`` hands over to Bulk Read only at the 100,000 reach;
``bulk`` starts with it (each falls back when refused).

The two doubts inside a COQL query (the boolean literal, quoted identifiers) are settled
by ``coql_forms.py``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from fieldsync_tui.zoho.bulk import BULK_PAGE, bulk_credits, bulk_pages, bulk_refusal
from fieldsync_tui.zoho.coql_forms import CoqlForms, RungRefused
from fieldsync_tui.zoho.costs import coql_credits
from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.forms import ROADS, FormsStore, OrgForms
from fieldsync_tui.zoho.query import (
    COQL_MAX_LIMIT,
    COQL_MAX_REACH,
    coql_id,
    coql_offset_select,
    coql_select,
    validate_api_name,
)
from fieldsync_tui.zoho.readfilter import Calls, ReadFilter
from fieldsync_tui.zoho.records import rows_of

API: Final = "/crm/v8"
GET_PAGE: Final = 200
GET_REACH: Final = 100_000
Strategy = Literal["auto", "coql", "bulk"]
STRATEGIES: Final = ("auto", "coql", "bulk")


class HandOver(Exception):
    """A road stopped at its 100,000-record reach with records left: only Bulk Read goes on;
    ``seen`` holds the ids already read (Bulk Read leaves them out)."""

    def __init__(self, message: str, seen: set[str]) -> None:
        super().__init__(message)
        self.seen = seen


@dataclass
class ReadResult:
    road: str = ""
    records: int = 0


class ModuleReader:
    """Reads whole modules of one org down the ladder (see module doc)."""

    def __init__(
        self,
        client: Calls,
        store: FormsStore,
        *,
        strategy: Strategy = "auto",
        logger: logging.Logger | None = None,
        poll_delay: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown read strategy {strategy!r}")
        self._client = client
        self._store = store
        self.strategy: Strategy = strategy
        self._log = logger or logging.getLogger("fieldsync.zoho")
        self._poll_delay = poll_delay
        self._sleep = sleep
        self.coql = CoqlForms(client, store, self._log)
        self._handed = False  # the road being read handed the rest to Bulk Read
        self.last = ReadResult()
        """The road the last read took (``coql_keyset`` … ``bulk``) and how many records."""

    @property
    def forms(self) -> OrgForms:
        return self._store.forms

    @property
    def store(self) -> FormsStore:
        return self._store

    # -- the ladder ---------------------------------------------------------------------------

    async def pages(
        self, module: str, fields: Sequence[str], flt: ReadFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every record of ``module`` that ``flt`` keeps, page by page (see module doc)."""
        validate_api_name(module)
        names = [validate_api_name(f) for f in dict.fromkeys(fields) if f != "id"]
        self.last = ReadResult()
        forms = self._store.forms
        roads = list(ROADS)
        if self.strategy == "bulk":
            roads.remove("bulk")
            roads.insert(0, "bulk")
        seen: set[str] | None = None
        for road in roads:
            if road in forms.refused or (seen is not None and road != "bulk"):
                continue  # past a 100,000 reach only Bulk Read goes further
            self._handed = False
            try:
                async for page in self._road(road, module, names, flt, seen):
                    self.last.records += len(page)
                    yield page
            except RungRefused as refused:
                self.coql.refuse(refused)
                continue
            except HandOver as handover:
                self._log.info("Org %s: %s; Bulk Read goes on", self._client.label, handover)
                seen = handover.seen
                self.last.road = road + "+"
                forms.accepted.add(road)
                continue
            self.last.road += road + ("+bulk" if self._handed else "")
            forms.accepted.add(road)
            self._store.save()
            self._log.info(
                "Org %s: read %s by %s (%d records)",
                self._client.label,
                module,
                self.last.road,
                self.last.records,
            )
            return
        raise ZohoAPIError(
            f"no road can read {module}: Zoho refused "
            + ", ".join(sorted(forms.refused & set(roads)))
            + " (run: fieldsync check --probe)",
            status_code=400,
            org=self._client.label,
        )

    async def _bulk_cheaper(
        self, module: str, flt: ReadFilter, rows: list[dict[str, Any]], last: str | None
    ) -> bool:
        """``auto``, after a full first page: count what is left (one ``COUNT(id)``, 1 credit;
        ``last`` None: the count includes ``rows``) and say whether Bulk Read costs fewer
        credits for it. A module of one page never gets here: no extra call."""
        if self.strategy != "auto" or "bulk" in self._store.forms.refused:
            return False
        left = await self.coql.count(module, flt, after=last)
        if left is None:
            return False
        if last is None:
            left = max(0, left - len(rows))
        coql = coql_credits(COQL_MAX_LIMIT) * math.ceil(left / COQL_MAX_LIMIT)
        bulk = bulk_credits(left)
        self._log.info(
            "Org %s: %d records left: ~%d credits by COQL, ~%d by Bulk Read",
            self._client.label,
            left,
            coql,
            bulk,
        )
        return bulk < coql

    async def _rest_by_bulk(
        self, module: str, fields: list[str], flt: ReadFilter, rows: list[dict[str, Any]]
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """The records after the first page by Bulk Read; sets ``_handed`` when it worked.
        A refused Bulk Read is remembered and yields nothing: the COQL road goes on."""
        seen = {str(r.get("id")) for r in rows}
        try:
            async for page in self._bulk(module, fields, flt, seen):
                yield page
        except RungRefused as refused:
            self.coql.refuse(refused)
            return
        self._handed = True

    def _road(
        self,
        road: str,
        module: str,
        fields: list[str],
        flt: ReadFilter,
        seen: set[str] | None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        if road == "coql_keyset":
            return self._keyset(module, fields, flt)
        if road == "coql_offset":
            return self._offset(module, fields, flt)
        if road == "get_records":
            return self._get_records(module, fields, flt)
        return self._bulk(module, fields, flt, seen)

    async def _keyset(
        self, module: str, fields: list[str], flt: ReadFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        first = True
        async for rows in self.keyset(module, fields, lambda: self.coql.where(flt), flt):
            yield rows
            last = str(rows[-1].get("id"))
            if (
                first
                and len(rows) >= COQL_MAX_LIMIT
                and await self._bulk_cheaper(module, flt, rows, last)
            ):
                async for page in self._rest_by_bulk(module, fields, flt, rows):
                    yield page
                if self._handed:
                    return
            first = False

    async def keyset(
        self,
        module: str,
        fields: Sequence[str],
        where: Callable[[], str],
        flt: ReadFilter,
        page_size: int = COQL_MAX_LIMIT,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Keyset-paged COQL from ``id > 0``; ends on an empty answer (204) or on a page
        shorter than ``page_size`` unless ``info.more_records`` is true (a server capping
        LIMIT lower). A full page is always followed by the next query."""
        last = "0"
        first = True
        quoted = self._store.forms.quoted
        while True:

            def build(last: str = last) -> str:
                return coql_select(module, fields, where(), last, page_size, quoted)

            try:
                status, body = await self.coql.ask("coql_keyset", build, flt, fields)
            except RungRefused as refused:
                if first:
                    raise
                raise refused.error from None  # after pages were read: not a form problem
            first = False
            rows = rows_of(body)
            if not rows:
                return
            new_last = coql_id(rows[-1].get("id"))
            if int(new_last) <= int(last):
                raise ZohoAPIError(
                    "COQL keyset paging did not advance (ids not ascending)",
                    status_code=status,
                    org=self._client.label,
                )
            yield rows
            if len(rows) < page_size and not _more_records(body):
                return
            last = new_last

    async def _offset(
        self, module: str, fields: list[str], flt: ReadFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        offset = 0
        seen: set[str] = set()
        quoted = self._store.forms.quoted
        while True:

            def build(offset: int = offset) -> str:
                return coql_offset_select(
                    module, fields, self.coql.where(flt), offset, COQL_MAX_LIMIT, quoted
                )

            _, body = await self.coql.ask("coql_offset", build, flt, fields)
            rows = rows_of(body)
            if not rows:
                return
            seen.update(str(r.get("id")) for r in rows)
            yield rows
            if len(rows) < COQL_MAX_LIMIT and not _more_records(body):
                return
            if offset == 0 and await self._bulk_cheaper(module, flt, rows, None):
                async for page in self._rest_by_bulk(module, fields, flt, rows):
                    yield page
                if self._handed:
                    return
            offset += len(rows)
            if offset + COQL_MAX_LIMIT > COQL_MAX_REACH:
                raise HandOver(f"COQL offset reached {COQL_MAX_REACH} records", seen)

    async def _get_records(
        self, module: str, fields: list[str], flt: ReadFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        columns = ",".join(dict.fromkeys([*fields, *flt.names()]))
        params = {"fields": columns, "per_page": str(GET_PAGE)}
        token: str | None = None
        page = 1
        seen: set[str] = set()
        while True:
            ask = dict(params, page_token=token) if token else dict(params, page=str(page))
            try:
                _, body = await self._client.call("GET", f"{API}/{module}", params=ask)
            except ZohoAPIError as err:
                if err.code == "PAGINATION_LIMIT_EXCEEDED":
                    raise HandOver(f"Get Records reached {GET_REACH} records", seen) from None
                if page == 1 and token is None and err.status_code == 400:
                    raise RungRefused("get_records", err) from None
                raise
            rows = rows_of(body)
            seen.update(str(r.get("id")) for r in rows)
            kept = [r for r in rows if flt.matches(r)]
            if kept:
                yield kept
            info = body.get("info") if isinstance(body, dict) else None
            info = info if isinstance(info, dict) else {}
            if not rows or info.get("more_records") is not True:
                return
            next_token = info.get("next_page_token")
            if isinstance(next_token, str) and next_token:
                token = next_token
            elif token is None and page * GET_PAGE < 2000:
                page += 1
            else:
                raise HandOver("Get Records gave no page_token to go on", seen)

    async def _bulk(
        self, module: str, fields: list[str], flt: ReadFilter, seen: set[str] | None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        first = True
        pages = bulk_pages(
            self._client,
            module,
            fields,
            flt,
            poll_delay=self._poll_delay,
            sleep=self._sleep,
        )
        try:
            async for rows in pages:
                first = False
                kept = [r for r in rows if flt.matches(r)]
                if seen:
                    kept = [r for r in kept if str(r.get("id")) not in seen]
                if kept:
                    yield kept
        except ZohoAPIError as err:
            if first and bulk_refusal(err):
                raise RungRefused("bulk", err) from None
            raise


def _more_records(body: Any) -> bool:
    info = body.get("info") if isinstance(body, dict) else None
    return isinstance(info, dict) and info.get("more_records") is True


__all__ = ["BULK_PAGE", "ModuleReader", "ReadFilter", "Strategy"]
