"""The review screen's current filter (class, outcome, search text) and what it selects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.text import Text

from fieldsync_tui.core.filtering import UNDECIDED, RowFilter, filter_rows
from fieldsync_tui.core.model import (
    CLASS_ORDER,
    Decision,
    DecisionKind,
    Outcome,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.text import safe

PENDING = UNDECIDED
"""Outcome filter value: rows with no outcome yet in this session."""

OUTCOME_CYCLE: tuple[str | None, ...] = (
    None,
    Outcome.FAILED.value,  # first: after a run, f shows what needs attention
    *(o.value for o in Outcome if o is not Outcome.FAILED),
    PENDING,
)


@dataclass(frozen=True)
class ViewFilter(RowFilter):
    """The core's row filter with the review screen's keys (class keys, outcome cycle)."""

    def with_class_key(self, key: int) -> ViewFilter:
        """Keys 1–7 pick a class in §5 order (0 resets every filter: :class:`ViewFilter`)."""
        return replace(self, klass=CLASS_ORDER[key - 1] if key else None, a_ids=None)

    def next_outcome(self) -> ViewFilter:
        """The next outcome filter, over every class (a class key then narrows it)."""
        i = OUTCOME_CYCLE.index(self.outcome)
        return replace(self, outcome=OUTCOME_CYCLE[(i + 1) % len(OUTCOME_CYCLE)], klass=None)

    def cleared(self) -> ViewFilter:
        """``escape``: no search text and no chosen-rows filter (class and outcome stay)."""
        return replace(self, text="", a_ids=None)

    @property
    def narrowed(self) -> bool:
        """A search or a chosen-rows filter is on (``escape`` clears them)."""
        return bool(self.text) or self.a_ids is not None

    def describe(self) -> str:
        parts = [
            f"class {self.klass.value}" if self.klass else "all classes",
            f"outcome {self.outcome}" if self.outcome else "any outcome",
        ]
        if self.text:
            parts.append(f"name contains {self.text!r}")
        if self.a_ids is not None:
            parts.append(f"{len(self.a_ids):,} chosen rows")
        return " · ".join(parts)


def select(rows: Sequence[PlannedRow], f: ViewFilter) -> list[int]:
    """Positions of the rows ``f`` shows, in plan order; filtering is the core's."""
    return filter_rows(rows, f)


def bulk_candidates(
    rows: Sequence[PlannedRow], index: Sequence[int], bulk: frozenset[RowClass]
) -> list[str]:
    """A ids ``A`` would approve: of the job's bulk classes, selected, undecided so far, not
    yet done."""
    approved = Decision.APPROVED
    return [
        row.a.id
        for row in map(rows.__getitem__, index)
        if row.klass in bulk
        and row.selected
        and row.outcome is None
        and row.decision is not approved
    ]


def approved_ids(rows: Sequence[PlannedRow]) -> list[str]:
    """Rows the operator approved that this session has not written yet (what ``x`` applies)."""
    approved = Decision.APPROVED
    return [r.a.id for r in rows if r.decision is approved and r.selected and r.outcome is None]


RESOLVING = frozenset(
    {DecisionKind.PICK_DUPLICATE, DecisionKind.MANUAL_MATCH, DecisionKind.CONFLICT_WINNER}
)
"""Decisions that resolve a review row (a pick in detail), for any job."""


def resolved_unapproved(rows: Sequence[PlannedRow]) -> list[PlannedRow]:
    """Rows resolved by a pick (this session or an earlier one) that nobody approved or
    skipped: ``x`` leaves them out, and the apply dialog says so."""
    return [
        r
        for r in rows
        if r.operator_decision in RESOLVING
        and r.decision is Decision.NONE
        and r.selected
        and r.outcome is None
    ]


def apply_warnings(rows: Sequence[PlannedRow]) -> list[Text]:
    left_out = resolved_unapproved(rows)
    if not left_out:
        return []
    names = ", ".join(f"{r.a.id} '{safe(r.a.name)}'" for r in left_out[:3])
    more = f" and {len(left_out) - 3} more" if len(left_out) > 3 else ""
    return [
        Text(
            f"Not included: {len(left_out)} rows resolved by a pick but not approved "
            f"({names}{more}). To include them: n, then y on each in the table.",
            style="bold yellow",
        )
    ]
