"""What a whole-module read keeps (:class:`ReadFilter`) and what it needs from a client
(:class:`Calls`): shared by ``reader.py`` and ``bulk.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Calls(Protocol):
    """What the reader needs from a client (``client.ZohoClient`` implements it)."""

    label: str

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        credits: int = 1,
        raw: bool = False,
    ) -> tuple[int, Any]: ...


@dataclass(frozen=True)
class ReadFilter:
    """Which records a read keeps: every ``false`` boolean is false (unticked), every
    ``present`` field is not empty. Turned into COQL, Bulk Read criteria, or applied here."""

    false: tuple[str, ...] = ()
    present: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (*self.false, *self.present)

    def matches(self, row: dict[str, Any]) -> bool:
        for name in self.false:
            value = row.get(name)
            if value is True or str(value).strip().lower() == "true":
                return False
        for name in self.present:
            value = row.get(name)
            if value is None or (isinstance(value, str) and not value):
                return False
        return True
