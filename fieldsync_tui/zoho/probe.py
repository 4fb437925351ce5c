"""``fieldsync check --probe``: which undocumented query forms this org accepts (DESIGN §3).

Each form is tried on its own with the smallest query (``LIMIT 1``, one credit each; about
seven per org): field names unquoted, the boolean literal quoted and bare, COQL keyset
paging, COQL ``offset``, ``COUNT(id)``, Get Records with ``per_page=1``. Bulk Read is not
tried (a job costs 50 credits): the read ladder tries it when a read needs it. What is
learnt is stored like the ladder's own findings (``forms.py``), so later runs go straight to
the forms that work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from fieldsync_tui.zoho.coql_forms import FORM_CODES, refusal_cause
from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.forms import FormsStore
from fieldsync_tui.zoho.query import coql_ident, validate_api_name
from fieldsync_tui.zoho.readfilter import Calls, ReadFilter

API: Final = "/crm/v8"


@dataclass(frozen=True)
class Finding:
    form: str  # what was tried, in words
    accepted: bool | None  # None: not tried
    note: str = ""  # Zoho's code when refused, or why not tried


def _refusal(err: ZohoAPIError) -> bool:
    if err.status_code == 401 and err.code == "OAUTH_SCOPE_MISMATCH":
        return True
    return err.status_code == 400 and err.code in FORM_CODES


class Prober:
    def __init__(self, client: Calls, store: FormsStore, module: str) -> None:
        self._client = client
        self._store = store
        self._module = validate_api_name(module)
        self.calls = 0

    async def _try(self, query: str) -> ZohoAPIError | None:
        self.calls += 1
        try:
            await self._client.call("POST", f"{API}/coql", json={"select_query": query})
        except ZohoAPIError as err:
            if _refusal(err):
                return err
            raise
        return None

    async def _fields(self, fields: Sequence[str]) -> Finding:
        """Select every configured field; quote a name only when Zoho names it."""
        forms = self._store.forms
        for _ in range(len(fields) + 1):
            select = ", ".join(coql_ident(f, forms.quoted) for f in fields)
            err = await self._try(
                f"select {select} from {self._module} where id is not null limit 1"
            )
            if err is None:
                quoted = sorted(forms.quoted & set(fields))
                return Finding("field names unquoted", True, ", ".join(quoted) or "")
            kind, name = refusal_cause(err, ReadFilter(), fields, forms.quoted)
            if kind != "ident" or name is None:
                return Finding("selecting the configured fields", False, str(err.code))
            forms.quoted.add(name)
        return Finding("selecting the configured fields", False, "quoting did not help")

    async def run(self, fields: Sequence[str], checkbox: str | None) -> list[Finding]:
        forms = self._store.forms
        m = self._module
        found = [await self._fields(fields)]
        if checkbox:
            box = coql_ident(checkbox, forms.quoted)
            quoted = await self._try(f"select id from {m} where {box} = 'false' limit 1")
            bare = await self._try(f"select id from {m} where {box} = false limit 1")
            found.append(Finding("boolean literal 'false' (quoted)", quoted is None, _code(quoted)))
            found.append(Finding("boolean literal false (bare)", bare is None, _code(bare)))
            forms.boolean = "quoted" if quoted is None else "bare" if bare is None else None
        tries = (
            (
                "coql_keyset",
                "COQL keyset paging (id > N order by id)",
                "where id > 0 order by id asc",
            ),
            ("coql_offset", "COQL limit/offset paging", "where id is not null order by id asc"),
        )
        for road, words, tail in tries:
            suffix = " offset 1" if road == "coql_offset" else ""
            err = await self._try(f"select id from {m} {tail} limit 1{suffix}")
            found.append(self._road(road, words, err))
        err = await self._try(f"select COUNT(id) from {m} where id is not null")
        found.append(self._road("count", "COQL COUNT(id) (read planning)", err))
        found.append(await self._get_records(fields[0] if fields else "id"))
        bulk = "refused earlier" if "bulk" in forms.refused else "a job costs 50 credits"
        found.append(Finding("Bulk Read", None, bulk))
        self._store.save()
        return found

    def _road(self, road: str, words: str, err: ZohoAPIError | None) -> Finding:
        forms = self._store.forms
        if err is None:
            forms.refused.discard(road)
            forms.accepted.add(road)
        else:
            forms.refused.add(road)
            forms.accepted.discard(road)
        return Finding(words, err is None, _code(err))

    async def _get_records(self, field: str) -> Finding:
        self.calls += 1
        params = {"fields": field, "per_page": "1"}
        try:
            await self._client.call("GET", f"{API}/{self._module}", params=params)
        except ZohoAPIError as err:
            if err.status_code != 400:
                raise
            return self._road("get_records", "Get Records (fields, page_token)", err)
        return self._road("get_records", "Get Records (fields, page_token)", None)


def _code(err: ZohoAPIError | None) -> str:
    return "" if err is None else str(err.code or f"HTTP {err.status_code}")


async def probe_forms(
    client: Calls, store: FormsStore, module: str, fields: Sequence[str], checkbox: str | None
) -> tuple[list[Finding], int]:
    """Try each form (see module doc); returns the findings and the number of calls."""
    prober = Prober(client, store, module)
    findings = await prober.run([validate_api_name(f) for f in fields], checkbox)
    return findings, prober.calls
