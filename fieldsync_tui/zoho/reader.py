"""Reading a whole module: the read ladder of DESIGN §4 (ZOHO_API.md §3, §5, §11, §17).

Roads, first rung first: COQL keyset (``id > N order by id asc limit 2000``, undocumented) →
COQL ``limit 2000 offset N`` (documented, reach 100,000) → Get Records with ``fields`` and
``page_token`` (documented, reach 100,000) → Bulk Read (``bulk.py``). The ladder stops at the
first rung that works; a rung is left after **one** refused call (an answer that names the
form, see :func:`refusal_cause`); what was refused is remembered per org (``forms.py``) so a later
run goes straight to the rung that worked. ``ZOHO_READ_STRATEGY=auto`` first counts the
matching records (one COQL ``COUNT``) and takes Bulk Read when it costs fewer credits;
``coql`` never starts with Bulk Read; ``bulk`` always does (each falls back when refused).

Two doubts live inside the COQL rungs, each settled from Zoho's answer and remembered:

* the boolean literal: ``'false'`` (quoted, as in every Zoho example) first; on an error that
  names the boolean (field or literal), once the bare ``false``;
* quoted identifiers: a field name is double-quoted only after Zoho answered a
  ``SYNTAX_ERROR`` naming it (no guessed reserved-word list).
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from fieldsync_tui.zoho.bulk import BULK_PAGE, bulk_credits, bulk_pages, bulk_refusal
from fieldsync_tui.zoho.costs import coql_credits
from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.forms import ROADS, FormsStore, OrgForms
from fieldsync_tui.zoho.query import (
    COQL_MAX_LIMIT,
    COQL_MAX_REACH,
    coql_and,
    coql_count,
    coql_id,
    coql_ident,
    coql_offset_select,
    coql_select,
    validate_api_name,
)
from fieldsync_tui.zoho.records import rows_of
from fieldsync_tui.zoho.rowfilter import Calls, RowFilter

API: Final = "/crm/v8"
GET_PAGE: Final = 200
GET_REACH: Final = 100_000
FORM_CODES: Final = frozenset(
    {"SYNTAX_ERROR", "INVALID_QUERY", "LIMIT_EXCEEDED", "NOT_SUPPORTED", "API_NOT_SUPPORTED"}
)
"""400 codes that say "this form of query is not accepted here" (a rung is refused)."""
Strategy = Literal["auto", "coql", "bulk"]
STRATEGIES: Final = ("auto", "coql", "bulk")


class RungRefused(Exception):
    """The org refused this road's form (the answer is kept for the log)."""

    def __init__(self, road: str, error: ZohoAPIError) -> None:
        super().__init__(f"{road} refused: {error.message}")
        self.road = road
        self.error = error


class ReachExceeded(Exception):
    """A documented road stopped at its 100,000-record reach with records left; ``seen``
    holds the ids it already read (the next road leaves them out)."""

    def __init__(self, message: str, seen: set[str]) -> None:
        super().__init__(message)
        self.seen = seen


def _detail_names(err: ZohoAPIError) -> list[str]:
    out = []
    for key in ("column_name", "near", "api_name", "field", "token"):
        value = err.details.get(key)
        if isinstance(value, str) and value.strip():
            out.append(value.strip().strip("'\"").strip())
    return out


def refusal_cause(
    err: ZohoAPIError, flt: RowFilter, fields: Sequence[str], quoted: set[str]
) -> tuple[str, str | None]:
    """What a refused COQL query was refused for, from Zoho's details:
    ``("ident", name)`` a field name to quote, ``("boolean", None)`` the boolean literal,
    ``("form", None)`` anything else (the rung's own form, or unknown)."""
    named = _detail_names(err)
    ours = {n.lower(): n for n in (*fields, *flt.names()) if n != "id"}
    for text in named:
        lowered = text.lower()
        if lowered in ("true", "false"):
            return "boolean", None
        field = ours.get(lowered)
        if field is None:
            continue
        if err.code == "SYNTAX_ERROR" and field not in quoted:
            return "ident", field
        if field in flt.false:
            return "boolean", None
    return "form", None


@dataclass
class ReadResult:
    road: str = ""
    records: int = 0
    calls: int = 0


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
        self.last = ReadResult()
        """The road the last read took (``coql_keyset`` … ``bulk``) and how many records."""

    @property
    def forms(self) -> OrgForms:
        return self._store.forms

    @property
    def store(self) -> FormsStore:
        return self._store

    # -- COQL with the two in-query doubts ----------------------------------------------------

    def where(self, flt: RowFilter) -> str:
        forms = self._store.forms
        literal = "false" if forms.boolean == "bare" else "'false'"
        terms = [f"{coql_ident(n, forms.quoted)} = {literal}" for n in flt.false]
        terms += [f"{coql_ident(n, forms.quoted)} is not null" for n in flt.present]
        return coql_and(terms)

    async def coql(
        self, road: str, build: Callable[[], str], flt: RowFilter, fields: Sequence[str]
    ) -> tuple[int, Any]:
        """One COQL query built afresh from the current forms: a field name Zoho names in a
        syntax error is quoted, the boolean literal switched once; anything else refuses
        ``road`` (:class:`RungRefused`) — a rung never costs more than one other failure."""
        forms = self._store.forms
        switched = False
        while True:
            query = build()
            limit = _limit_of(query)
            try:
                answer = await self._client.call(
                    "POST", f"{API}/coql", json={"select_query": query}, credits=limit
                )
            except ZohoAPIError as err:
                if err.status_code == 401 and err.code == "OAUTH_SCOPE_MISMATCH":
                    forms.refused.update({"coql_keyset", "coql_offset", "count"})
                    self._store.save()
                    raise RungRefused(road, err) from None
                if err.status_code != 400 or err.code not in FORM_CODES:
                    raise
                kind, name = refusal_cause(err, flt, fields, forms.quoted)
                if kind == "ident" and name is not None:
                    forms.quoted.add(name)
                    self._store.save()
                    self._log.info("Org %s: COQL wants %s quoted", self._client.label, name)
                    continue
                if kind == "boolean" and flt.false and not switched:
                    switched = True
                    forms.boolean = "quoted" if forms.boolean == "bare" else "bare"
                    self._log.info(
                        "Org %s: COQL boolean literal refused; trying %s",
                        self._client.label,
                        "false" if forms.boolean == "bare" else "'false'",
                    )
                    continue
                raise RungRefused(road, err) from None
            if flt.false and forms.boolean is None:
                forms.boolean = "quoted"
            return answer

    # -- the ladder ---------------------------------------------------------------------------

    async def pages(
        self, module: str, fields: Sequence[str], flt: RowFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every record of ``module`` that ``flt`` keeps, page by page (see module doc)."""
        validate_api_name(module)
        names = [validate_api_name(f) for f in dict.fromkeys(fields) if f != "id"]
        self.last = ReadResult()
        forms = self._store.forms
        roads = list(ROADS)
        if await self._bulk_first(module, flt):
            roads.remove("bulk")
            roads.insert(0, "bulk")
        seen: set[str] | None = None
        for road in roads:
            if road in forms.refused or (seen is not None and road != "bulk"):
                continue  # past a 100,000 reach only Bulk Read goes further
            try:
                async for page in self._road(road, module, names, flt, seen):
                    self.last.records += len(page)
                    yield page
            except RungRefused as refused:
                self._refuse(refused)
                continue
            except ReachExceeded as reach:
                self._log.info("Org %s: %s", self._client.label, reach)
                seen = reach.seen
                self.last.road = road + "+"
                continue
            self.last.road += road
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

    def _refuse(self, refused: RungRefused) -> None:
        self._store.forms.refused.add(refused.road)
        self._store.save()
        self._log.warning(
            "Org %s: %s refused (%s); next road",
            self._client.label,
            refused.road,
            refused.error.message,
        )

    async def _bulk_first(self, module: str, flt: RowFilter) -> bool:
        forms = self._store.forms
        if "bulk" in forms.refused or self.strategy == "coql":
            return False
        if self.strategy == "bulk":
            return True
        count = await self.count(module, flt)
        if count is None:
            return False
        coql = coql_credits(COQL_MAX_LIMIT) * max(1, math.ceil(count / COQL_MAX_LIMIT))
        if "coql_keyset" in forms.refused and "coql_offset" in forms.refused:
            coql = max(1, math.ceil(count / GET_PAGE))
        bulk = bulk_credits(count)
        self._log.info(
            "Org %s: %d records to read: ~%d credits by COQL, ~%d by Bulk Read",
            self._client.label,
            count,
            coql,
            bulk,
        )
        return bulk < coql

    async def count(self, module: str, flt: RowFilter) -> int | None:
        """Matching records by ``select COUNT(id)`` (1 credit); None when refused."""
        if "count" in self._store.forms.refused:
            return None
        try:
            _, body = await self.coql("count", lambda: coql_count(module, self.where(flt)), flt, [])
        except RungRefused as refused:
            self._refuse(refused)
            return None
        rows = rows_of(body)
        for value in rows[0].values() if rows else ():
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.isdigit():
                return int(value)
        return 0 if body is None else None

    def _road(
        self,
        road: str,
        module: str,
        fields: list[str],
        flt: RowFilter,
        seen: set[str] | None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        if road == "coql_keyset":
            return self._keyset(module, fields, flt)
        if road == "coql_offset":
            return self._offset(module, fields, flt)
        if road == "get_records":
            return self._get_records(module, fields, flt)
        return self._bulk(module, fields, flt, seen)

    def _keyset(
        self, module: str, fields: list[str], flt: RowFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        return self.keyset(module, fields, lambda: self.where(flt), flt)

    async def keyset(
        self,
        module: str,
        fields: Sequence[str],
        where: Callable[[], str],
        flt: RowFilter,
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
                status, body = await self.coql("coql_keyset", build, flt, fields)
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
        self, module: str, fields: list[str], flt: RowFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        offset = 0
        seen: set[str] = set()
        quoted = self._store.forms.quoted
        while True:

            def build(offset: int = offset) -> str:
                return coql_offset_select(
                    module, fields, self.where(flt), offset, COQL_MAX_LIMIT, quoted
                )

            _, body = await self.coql("coql_offset", build, flt, fields)
            rows = rows_of(body)
            if not rows:
                return
            seen.update(str(r.get("id")) for r in rows)
            yield rows
            if len(rows) < COQL_MAX_LIMIT and not _more_records(body):
                return
            offset += len(rows)
            if offset + COQL_MAX_LIMIT > COQL_MAX_REACH:
                raise ReachExceeded(f"COQL offset reached {COQL_MAX_REACH} records", seen)

    async def _get_records(
        self, module: str, fields: list[str], flt: RowFilter
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
                    raise ReachExceeded(f"Get Records reached {GET_REACH} records", seen) from None
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
                raise ReachExceeded("Get Records gave no page_token to go on", seen)

    async def _bulk(
        self, module: str, fields: list[str], flt: RowFilter, seen: set[str] | None
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


def _limit_of(query: str) -> int:
    """Credits of a COQL query by its LIMIT (aggregates: 1)."""
    words = query.lower().split()
    if "limit" in words:
        index = words.index("limit")
        if index + 1 < len(words) and words[index + 1].isdigit():
            return coql_credits(int(words[index + 1]))
    return 1


def _more_records(body: Any) -> bool:
    info = body.get("info") if isinstance(body, dict) else None
    return isinstance(info, dict) and info.get("more_records") is True


__all__ = ["BULK_PAGE", "ModuleReader", "RowFilter", "Strategy"]
