"""Operator decisions between the journal and the plan (DESIGN §5, §7). Pure helpers.

A row's *match* decision (duplicate pick, manual match, conflict winner) and its *review*
decision (approve / skip) are kept apart: approving or skipping a row must not drop the
candidate the operator picked for it. Approve/skip only mark rows in place, so a bulk
approve of 100,000 rows and its undo need no reclassification.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.model import (
    Decision,
    DecisionKind,
    OperatorDecision,
    Outcome,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.fields.engine import APPLICABLE

MATCH_KINDS = frozenset(
    {DecisionKind.PICK_DUPLICATE, DecisionKind.MANUAL_MATCH, DecisionKind.CONFLICT_WINNER}
)
REVIEW_KINDS = frozenset({DecisionKind.APPROVE, DecisionKind.SKIP})
SETTLED = frozenset(
    {Outcome.APPLIED, Outcome.TICKED, Outcome.PARTIAL, Outcome.FAILED, Outcome.STALE}
)
"""Outcomes a later apply in the same session keeps (R resets the failed ones)."""

MarkState = tuple[PlannedRow, Decision, DecisionKind | None]
"""A row and its ``decision``/``operator_decision`` before an approve/skip marked it."""


def journalled_decisions(
    journal: Journal,
) -> tuple[dict[str, OperatorDecision], dict[str, OperatorDecision]]:
    """(decisions for classify, late skips): classify takes one decision per row, so a skip
    of a row that also has a match decision is returned apart, for :func:`apply_late_skips`."""
    out: dict[str, OperatorDecision] = {}
    out = journal.active_decisions(MATCH_KINDS)
    late: dict[str, OperatorDecision] = {}
    for a_id, d in journal.active_decisions(REVIEW_KINDS).items():
        if d.kind is not DecisionKind.SKIP:
            continue
        skip = OperatorDecision(a_id, DecisionKind.SKIP, None, d.fingerprint)
        if a_id in out:
            late[a_id] = skip
        else:
            out[a_id] = skip
    return out, late


def apply_late_skips(rows: Iterable[PlannedRow], late: dict[str, OperatorDecision]) -> None:
    """Skip the rows whose late skip still matches their plan (fingerprint unchanged)."""
    for row in rows:
        skip = late.get(row.a.id)
        if skip is not None and skip.fingerprint == row.fingerprint:
            row.decision = Decision.SKIPPED
            row.operator_decision = DecisionKind.SKIP


def approved_by(journal: Journal, batches: Iterable[int]) -> set[str]:
    """A ids whose newest live review decision is an approve made in ``batches``."""
    mine = set(batches)
    return {
        a_id
        for a_id, d in journal.active_decisions(REVIEW_KINDS).items()
        if d.kind == DecisionKind.APPROVE and d.batch_id in mine
    }


def mark_rows(
    rows: dict[str, PlannedRow], ids: Sequence[str], kind: DecisionKind
) -> list[MarkState]:
    """Mark rows approved/skipped in place; returns their marks from before."""
    approve = kind is DecisionKind.APPROVE
    before: list[MarkState] = []
    for a_id in ids:
        row = rows[a_id]
        if row.outcome in SETTLED:
            continue
        before.append((row, row.decision, row.operator_decision))
        row.decision = Decision.APPROVED if approve else Decision.SKIPPED
        if approve and row.operator_decision is DecisionKind.SKIP:
            row.operator_decision = None
        elif not approve:
            row.operator_decision = DecisionKind.SKIP
    return before


def restore_marks(before: Iterable[MarkState]) -> None:
    """Put back the marks :func:`mark_rows` replaced (rows settled since are left alone)."""
    for row, decision, operator_decision in before:
        if row.outcome not in SETTLED:
            row.decision, row.operator_decision = decision, operator_decision


def skip_message(row: PlannedRow) -> str:
    if row.decision is Decision.SKIPPED:
        return f"skipped by operator ({row.reason})"
    if row.klass in APPLICABLE and row.klass is not RowClass.OVERWRITE:
        return "not approved in this run"
    return f"review row ({row.klass}): {row.reason}"
