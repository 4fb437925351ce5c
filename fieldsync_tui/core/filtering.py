"""Filtering and sorting of planned rows for the console's virtual table (DESIGN §7).

Both work on indices into the row list, so the table keeps one list of rows and swaps only
an index list; a pass over 100,000 rows takes tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fieldsync_tui.core.model import CLASS_ORDER, Outcome, PlannedRow, RowClass
from fieldsync_tui.core.normalize import id_key, normalise_name

UNDECIDED = "undecided"
"""``RowFilter.outcome`` value for rows with no outcome yet in this run."""

SortKey = Literal["id", "name", "class", "outcome"]
_CLASS_RANK = {k: i for i, k in enumerate(CLASS_ORDER)}
_OUTCOME_RANK = {k: i + 1 for i, k in enumerate(Outcome)}  # no outcome (None) sorts first


@dataclass(frozen=True)
class RowFilter:
    """What the table shows. ``klass``/``outcome`` ``None`` = any; ``outcome`` may also be an
    ``Outcome`` value as text or ``UNDECIDED``; ``text`` is matched as a substring of the
    normalised name (the query is normalised the same way)."""

    klass: RowClass | None = None
    outcome: Outcome | str | None = None
    text: str = ""


def filter_rows(rows: Sequence[PlannedRow], f: RowFilter) -> list[int]:
    """Indices of the rows ``f`` lets through, in the order of ``rows``."""
    tests: list[Callable[[PlannedRow], bool]] = []
    if f.klass is not None:
        klass = RowClass(f.klass)
        tests.append(lambda r: r.klass is klass)
    if f.outcome is not None:
        tests.append(_outcome_test(f.outcome))
    query = normalise_name(f.text)
    if query:
        tests.append(lambda r: query in r.norm_name)
    if not tests:
        return list(range(len(rows)))
    if len(tests) == 1:
        only = tests[0]
        return [i for i, r in enumerate(rows) if only(r)]
    return [i for i, r in enumerate(rows) if all(t(r) for t in tests)]


def _outcome_test(outcome: Outcome | str) -> Callable[[PlannedRow], bool]:
    if outcome == UNDECIDED:
        return lambda r: r.outcome is None
    wanted = Outcome(outcome)  # ValueError for an unknown outcome name
    return lambda r: r.outcome is wanted


def sort_rows(
    rows: Sequence[PlannedRow],
    indices: Sequence[int],
    key: SortKey,
    reverse: bool = False,
) -> list[int]:
    """``indices`` ordered by ``key`` (ties by ascending A id; ``reverse`` flips the whole
    order). ``class`` follows DESIGN §5's table order; ``outcome`` puts undecided rows first."""
    make = _SORT_KEYS[key]
    return sorted(indices, key=lambda i: make(rows[i]), reverse=reverse)


def _by_id(r: PlannedRow) -> Any:
    return id_key(r.a.id)


def _by_name(r: PlannedRow) -> Any:
    return (r.norm_name, id_key(r.a.id))


def _by_class(r: PlannedRow) -> Any:
    return (_CLASS_RANK[r.klass], id_key(r.a.id))


def _by_outcome(r: PlannedRow) -> Any:
    rank = 0 if r.outcome is None else _OUTCOME_RANK[r.outcome]
    return (rank, id_key(r.a.id))


_SORT_KEYS: dict[str, Callable[[PlannedRow], Any]] = {
    "id": _by_id,
    "name": _by_name,
    "class": _by_class,
    "outcome": _by_outcome,
}
