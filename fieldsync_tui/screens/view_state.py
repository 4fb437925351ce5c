"""The review screen's current filter (class, outcome, search text) and what it selects."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from rich.text import Text

from fieldsync_tui.core.filtering import UNDECIDED, RowFilter, filter_rows
from fieldsync_tui.core.model import CLASS_ORDER, Decision, DecisionKind, Outcome
from fieldsync_tui.core.port import ConsoleRow
from fieldsync_tui.text import safe

PENDING = UNDECIDED
"""Outcome filter value: rows with no outcome yet in this session."""


def outcome_cycle(
    outcomes: Sequence[StrEnum], retried: Collection[str] = (Outcome.FAILED.value,)
) -> tuple[str | None, ...]:
    """What ``f`` steps through: any, then what ``R`` retries (failed first: after a run,
    what needs attention), the job's other outcomes, then the rows with none yet."""
    first = [Outcome.FAILED.value, *sorted(set(retried) - {Outcome.FAILED.value})]
    return (None, *first, *(o.value for o in outcomes if o.value not in first), PENDING)


OUTCOME_CYCLE = outcome_cycle(tuple(Outcome))


@dataclass(frozen=True)
class ViewFilter(RowFilter):
    """The core's row filter with the review screen's keys (class keys, outcome cycle)."""

    def with_class_key(self, key: int, keys: Sequence[StrEnum] = CLASS_ORDER) -> ViewFilter:
        """Keys 1–n pick a class in the job's order (0 resets every filter)."""
        return replace(self, klass=keys[key - 1] if key else None, a_ids=None)

    def next_outcome(self, cycle: Sequence[str | None] = OUTCOME_CYCLE) -> ViewFilter:
        """The next outcome filter, over every class (a class key then narrows it)."""
        i = list(cycle).index(self.outcome)
        return replace(self, outcome=cycle[(i + 1) % len(cycle)], klass=None)

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


def select(
    rows: Sequence[ConsoleRow], f: ViewFilter, outcomes: Sequence[StrEnum] = tuple(Outcome)
) -> list[int]:
    """Positions of the rows ``f`` shows, in plan order; filtering is the core's."""
    return filter_rows(rows, f, (o.value for o in outcomes))


def bulk_candidates(
    rows: Sequence[ConsoleRow], index: Sequence[int], bulk: frozenset[StrEnum]
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


def approved_ids(rows: Sequence[ConsoleRow]) -> list[str]:
    """Rows the operator approved that this session has not written yet (what ``x`` applies)."""
    approved = Decision.APPROVED
    return [r.a.id for r in rows if r.decision is approved and r.selected and r.outcome is None]


RESOLVING = frozenset(
    k.value
    for k in (DecisionKind.PICK_DUPLICATE, DecisionKind.MANUAL_MATCH, DecisionKind.CONFLICT_WINNER)
)
"""Decisions that resolve a review row (a pick in detail), for any job."""


def resolved_unapproved(rows: Sequence[ConsoleRow]) -> list[ConsoleRow]:
    """Rows resolved by a pick (this session or an earlier one) that nobody approved or
    skipped: ``x`` leaves them out, and the apply dialog says so."""
    return [
        r
        for r in rows
        if r.operator_decision is not None
        and r.operator_decision.value in RESOLVING
        and r.decision is Decision.NONE
        and r.selected
        and r.outcome is None
    ]


def apply_warnings(rows: Sequence[ConsoleRow]) -> list[Text]:
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
