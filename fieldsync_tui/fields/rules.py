"""The field sync's rules for the console (``core.port.JobRules``): what ``A`` approves in
bulk, what a resumed run re-applies, why ``y`` refuses a row, its columns and detail pane."""

from __future__ import annotations

from fieldsync_tui.core.model import Outcome, PlannedRow, RowClass
from fieldsync_tui.core.port import Column, JobRules
from fieldsync_tui.fields import JOB
from fieldsync_tui.fields.engine import APPLICABLE

_NOT_APPROVABLE = {
    RowClass.DUPLICATE: "Several Org B records have this name: press enter to pick one first.",
    RowClass.UNMATCHED: "No Org B record has this name: press enter for near-name suggestions.",
    RowClass.CONFLICT: "Other rows write different values to this B record: press enter to "
    "pick the winning row.",
    RowClass.INVALID: "This row's values cannot be written (see 'why'): fix them in Org A, "
    "then reload with r.",
}


def approve_refusal(row: PlannedRow) -> str | None:
    """Why ``y`` cannot approve ``row`` (and what to do instead), or None when it can."""
    if row.outcome in (Outcome.APPLIED, Outcome.TICKED):
        return "This row is already done in this run."
    return _NOT_APPROVABLE.get(row.klass)


FIELD_RULES = JobRules(
    job=JOB,
    bulk_classes=frozenset({RowClass.READY, RowClass.IN_SYNC}),
    resumable=APPLICABLE,
    approve_refusal=approve_refusal,
    columns=(Column("klass", "class"), Column("b_id", "Org B id"), Column("outcome", "outcome")),
    detail_sections=("values", "candidates", "why"),
)
