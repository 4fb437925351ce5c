"""The name index (DESIGN.md §4, §9.2): records by normalised name — Org B's records for the
field sync (``BIndex``), WorkDrive folders for the files job. Any record with an ``id`` and
a ``name`` can be indexed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, Protocol, TypeVar

from fieldsync_tui.core.model import BRecord
from fieldsync_tui.core.normalize import id_key, normalise_many


class Named(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str | None: ...


N = TypeVar("N", bound=Named)


class NameIndex(Generic[N]):
    """Records by id and by normalised name, built once per load.

    Records whose normalised name is empty are kept by id but never match a name.
    Candidates of one name are ordered by ascending id (numeric).
    """

    __slots__ = ("_by_id", "_by_name")

    def __init__(self, by_id: dict[str, N], by_name: dict[str, list[N]]) -> None:
        self._by_id = by_id
        self._by_name = by_name

    @classmethod
    def build(cls, records: Iterable[N]) -> NameIndex[N]:
        by_id: dict[str, N] = {}
        for record in records:
            by_id[record.id] = record  # a record loaded twice (paging overlap) counts once
        by_name: dict[str, list[N]] = {}
        keys = normalise_many([r.name for r in by_id.values()])
        for key, record in zip(keys, by_id.values(), strict=True):
            if key:
                by_name.setdefault(key, []).append(record)
        for group in by_name.values():
            if len(group) > 1:
                group.sort(key=lambda r: id_key(r.id))
        return cls(by_id, by_name)

    def candidates(self, norm_name: str) -> list[N]:
        """Every record whose normalised name is ``norm_name`` (a new list)."""
        return list(self._by_name.get(norm_name, ()))

    def get(self, b_id: str) -> N | None:
        return self._by_id.get(b_id)

    def names(self) -> dict[str, list[N]]:
        """Normalised name → its records (a new dict; do not mutate the lists)."""
        return dict(self._by_name)

    @property
    def by_id(self) -> Mapping[str, N]:
        """Every indexed record by id (read-only view; do not mutate)."""
        return self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, b_id: object) -> bool:
        return b_id in self._by_id


BIndex = NameIndex[BRecord]
"""The field sync's index: Org B records by normalised name."""
