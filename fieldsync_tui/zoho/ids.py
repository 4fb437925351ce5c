"""Re-reading records by id (``GET /crm/v8/{module}?ids=…``), whatever order or cap Zoho
answers with (ZOHO_API.md §3, §17).

Zoho does not say in which order ``ids`` come back (Get Records sorts ``desc`` by default),
nor whether it answers every id asked for. So the answer is matched by id, never by position
or order; every id not answered is asked again, and a record is called gone only when it was
asked for on its own and still not answered. Progress is certain: a call that answers some
ids shrinks what is left; a call that answers none sends its ids one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final

from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.query import coql_id, validate_api_name
from fieldsync_tui.zoho.readfilter import Calls
from fieldsync_tui.zoho.records import rows_of

API: Final = "/crm/v8"
IDS_CHUNK: Final = 100
"""Most ids per ``GET ?ids=`` call (UNCONFIRMED cap: halved on ``LIMIT_EXCEEDED``)."""
LIST_FIELDS_MAX: Final = 50


class IdReader:
    """Records by id for one client; ``chunk`` shrinks for good on ``LIMIT_EXCEEDED``."""

    def __init__(self, client: Calls, logger: logging.Logger | None = None) -> None:
        self._client = client
        self._log = logger or logging.getLogger("fieldsync.zoho")
        self.chunk = IDS_CHUNK

    async def read(
        self, module: str, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Every record of ``ids`` that exists (see module doc); ids asked ascending."""
        validate_api_name(module)
        wanted = sorted(dict.fromkeys(coql_id(i) for i in ids), key=lambda i: (len(i), i))
        names = [validate_api_name(f) for f in dict.fromkeys(fields)]
        if len(names) > LIST_FIELDS_MAX:
            raise ValueError(f"at most {LIST_FIELDS_MAX} fields per list call")
        columns = ",".join(names) or "id"
        found: dict[str, dict[str, Any]] = {}
        pending: list[str] = wanted  # not asked yet
        again: list[str] = []  # not answered by a call that answered others
        alone: list[str] = []  # not answered by a call that answered none: one by one
        while pending or again or alone:
            if again:
                part, again = again[: self.chunk], again[self.chunk :]
            elif pending:
                part, pending = pending[: self.chunk], pending[self.chunk :]
            else:
                part, alone = alone[:1], alone[1:]
            try:
                _, body = await self._client.call(
                    "GET", f"{API}/{module}", params={"ids": ",".join(part), "fields": columns}
                )
            except ZohoAPIError as err:
                if err.code != "LIMIT_EXCEEDED" or err.status_code != 400 or len(part) == 1:
                    raise
                self.chunk = max(1, len(part) // 2)
                self._log.info("Org %s: ids per call lowered to %d", self._client.label, self.chunk)
                again = part + again
                continue
            asked = set(part)
            got = {str(r.get("id")): r for r in rows_of(body) if str(r.get("id")) in asked}
            found.update(got)
            missing = [i for i in part if i not in got]
            if not missing or len(part) == 1:
                continue  # a single id not answered: that record is gone
            if got:
                again = missing + again  # capped or partial: ask again for the rest
            else:
                alone += missing  # none answered: each on its own decides
        return [found[i] for i in wanted if i in found]
