"""Plain data the Zoho client returns. No behaviour, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class OrgInfo:
    """``GET /crm/v8/org`` — who we are talking to."""

    id: str
    name: str
    domain_name: str | None = None
    time_zone: str | None = None
    edition: str | None = None


@dataclass(frozen=True, slots=True)
class FieldMeta:
    """One entry of ``GET /crm/v8/settings/fields?module=…``."""

    api_name: str
    data_type: str
    label: str = ""
    length: int | None = None
    read_only: bool = False
    field_read_only: bool = False
    pick_list_values: tuple[str, ...] = ()

    @property
    def writable(self) -> bool:
        return not (self.read_only or self.field_read_only)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome of one record of a batch update, mapped back to the record we sent.

    ``id`` is the record id we asked to update (from ``details.id`` or by position).
    """

    id: str
    ok: bool
    code: str | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)
