"""What the sync core needs from a CRM client (implemented by ``zoho.client.ZohoClient``).

The core depends on this protocol only, so it can be driven by the real client against
Zoho, against the simulator, or by a fake in unit tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

from fieldsync_tui.zoho.readfilter import ReadFilter
from fieldsync_tui.zoho.types import FieldMeta, OrgInfo, WriteResult


class CrmClient(Protocol):
    label: str  # "A" or "B", used in messages and logs

    async def get_org(self) -> OrgInfo: ...

    async def get_fields(self, module: str) -> list[FieldMeta]: ...

    def read_pages(
        self, module: str, fields: Sequence[str], where: ReadFilter
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every record of ``module`` that ``where`` keeps, page by page, down the read
        ladder of DESIGN §4 (COQL keyset → COQL offset → Get Records → Bulk Read)."""
        ...

    @property
    def last_read(self) -> str:
        """The road the last ``read_pages`` took (``coql_keyset`` … ``bulk``), for the report."""
        ...

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Records by id (chunked ≤ 100 per call); ids that do not exist are simply absent."""
        ...

    async def update_records(
        self, module: str, records: Sequence[dict[str, Any]], trigger: Sequence[str]
    ) -> list[WriteResult]:
        """One ``PUT`` of ≤ 100 records; one result per record sent, in the order sent."""
        ...

    async def search_records(
        self, module: str, criteria: str, fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Search (investigation only): ``criteria`` is already escaped (see zoho.query)."""
        ...
