"""COQL with the two doubts that live inside a query (ZOHO_API.md §5.3, §17), settled from
Zoho's answers and remembered per org (``forms.py``):

* the boolean literal: ``'false'`` (quoted, as in every Zoho example) first; on an error that
  names the boolean (field or literal), once the bare ``false``;
* quoted identifiers: a field name is double-quoted only after Zoho answered a
  ``SYNTAX_ERROR`` naming it (no guessed reserved-word list).

Any other refusal of a query's form is a :class:`RungRefused` for the road that sent it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

from fieldsync_tui.zoho.costs import coql_credits
from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.forms import FormsStore
from fieldsync_tui.zoho.query import coql_and, coql_count, coql_id, coql_ident
from fieldsync_tui.zoho.readfilter import Calls, ReadFilter
from fieldsync_tui.zoho.records import rows_of

API: Final = "/crm/v8"
FORM_CODES: Final = frozenset(
    {"SYNTAX_ERROR", "INVALID_QUERY", "LIMIT_EXCEEDED", "NOT_SUPPORTED", "API_NOT_SUPPORTED"}
)
"""400 codes that say "this form of query is not accepted here" (a rung is refused)."""


class RungRefused(Exception):
    """The org refused this road's form (the answer is kept for the log)."""

    def __init__(self, road: str, error: ZohoAPIError) -> None:
        super().__init__(f"{road} refused: {error.message}")
        self.road = road
        self.error = error


def _detail_names(err: ZohoAPIError) -> list[str]:
    """Words Zoho's details point at: each value whole, and its first word (``near`` may
    hold a fragment such as ``External from``), quotes stripped."""
    out: list[str] = []
    for key in ("column_name", "near", "api_name", "field", "token"):
        value = err.details.get(key)
        if isinstance(value, str) and value.strip():
            whole = value.strip().strip("'\"").strip()
            first = re.split(r"[\s,()=<>!]+", value.strip())[0].strip("'\"")
            out += [whole, first] if first and first != whole else [whole]
    return out


def refusal_cause(
    err: ZohoAPIError, flt: ReadFilter, fields: Sequence[str], quoted: set[str]
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


def _limit_of(query: str) -> int:
    """Credits of a COQL query by its LIMIT (aggregates: 1)."""
    words = query.lower().split()
    if "limit" in words:
        index = words.index("limit")
        if index + 1 < len(words) and words[index + 1].isdigit():
            return coql_credits(int(words[index + 1]))
    return 1


class CoqlForms:
    """COQL queries of one org with the boolean and identifier doubts settled (module doc)."""

    def __init__(self, client: Calls, store: FormsStore, logger: logging.Logger) -> None:
        self._client = client
        self._store = store
        self._log = logger

    def where(self, flt: ReadFilter) -> str:
        forms = self._store.forms
        literal = "false" if forms.boolean == "bare" else "'false'"
        terms = [f"{coql_ident(n, forms.quoted)} = {literal}" for n in flt.false]
        terms += [f"{coql_ident(n, forms.quoted)} is not null" for n in flt.present]
        return coql_and(terms)

    async def ask(
        self, road: str, build: Callable[[], str], flt: ReadFilter, fields: Sequence[str]
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

    def refuse(self, refused: RungRefused) -> None:
        self._store.forms.refused.add(refused.road)
        self._store.save()
        self._log.warning(
            "Org %s: %s refused (%s); next road",
            self._client.label,
            refused.road,
            refused.error.message,
        )

    async def count(self, module: str, flt: ReadFilter, after: str | None = None) -> int | None:
        """Matching records (with ``after``: with a greater id) by ``select COUNT(id)``
        (1 credit); None when refused or not understood."""
        if "count" in self._store.forms.refused:
            return None

        def build() -> str:
            terms = [self.where(flt), f"id > {coql_id(after)}" if after else ""]
            return coql_count(module, coql_and([t for t in terms if t]))

        try:
            _, body = await self.ask("count", build, flt, [])
        except RungRefused as refused:
            self.refuse(refused)
            return None
        except ZohoAPIError as err:
            if err.status_code != 400:  # an aggregate answered with any other 400: no count
                raise
            self.refuse(RungRefused("count", err))
            return None
        rows = rows_of(body)
        if body is None:
            return 0
        for key, value in rows[0].items() if rows else ():
            if not key.lower().startswith("count"):
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.isdigit():
                return int(value)
        return None
