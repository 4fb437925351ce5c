"""The Org B index: every loaded B record by normalised name (DESIGN.md §4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fieldsync_tui.core.model import BRecord
from fieldsync_tui.core.normalize import id_key, normalise_many


class BIndex:
    """Org B records by id and by normalised name, built once per load.

    Records whose normalised name is empty are kept by id but never match a name.
    Candidates of one name are ordered by ascending id (numeric).
    """

    __slots__ = ("_by_id", "_by_name")

    def __init__(self, by_id: dict[str, BRecord], by_name: dict[str, list[BRecord]]) -> None:
        self._by_id = by_id
        self._by_name = by_name

    @classmethod
    def build(cls, records: Iterable[BRecord]) -> BIndex:
        by_id: dict[str, BRecord] = {}
        for record in records:
            by_id[record.id] = record  # a record loaded twice (paging overlap) counts once
        by_name: dict[str, list[BRecord]] = {}
        keys = normalise_many([r.name for r in by_id.values()])
        for key, record in zip(keys, by_id.values(), strict=True):
            if key:
                by_name.setdefault(key, []).append(record)
        for group in by_name.values():
            if len(group) > 1:
                group.sort(key=lambda r: id_key(r.id))
        return cls(by_id, by_name)

    def candidates(self, norm_name: str) -> list[BRecord]:
        """Every B record whose normalised name is ``norm_name`` (a new list)."""
        return list(self._by_name.get(norm_name, ()))

    def get(self, b_id: str) -> BRecord | None:
        return self._by_id.get(b_id)

    def names(self) -> dict[str, list[BRecord]]:
        """Normalised name → its records (a new dict; do not mutate the lists)."""
        return dict(self._by_name)

    @property
    def by_id(self) -> Mapping[str, BRecord]:
        """Every indexed record by id (read-only view; do not mutate)."""
        return self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, b_id: object) -> bool:
        return b_id in self._by_id
