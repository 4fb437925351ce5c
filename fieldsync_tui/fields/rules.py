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


CLASS_HELP = (
    (RowClass.READY, "one B match; B's fields are empty", "A approves it; x writes B, ticks A"),
    (RowClass.IN_SYNC, "B already holds A's values", "A approves it; x only ticks A"),
    (RowClass.OVERWRITE, "B holds a different value", "read the diff, then y or n, one by one"),
    (RowClass.DUPLICATE, "several B records have the name", "enter: pick one (that approves)"),
    (RowClass.UNMATCHED, "no B record has the name", "enter: pick a near name (that approves)"),
    (
        RowClass.CONFLICT,
        "several A rows, one B record, different values",
        "enter: pick the winning row (that approves)",
    ),
    (RowClass.INVALID, "A's URL or folder id cannot be written", "fix it in Org A, then r"),
)
REVIEW_STEPS = (
    "1 then A: approve every ready row (2 then A: the in_sync rows).",
    "3: read each overwrite's diff; y to approve, n to skip.",
    "4, 5, 6: enter on a row, pick the B record or winning row; the pick approves the row.",
    "x: read the dialog (rows, B writes, credits, triggers), y to write. p pauses.",
    "f: the failed rows and Zoho's code in the detail; fix the cause, then R retries them.",
)

FIELD_RULES = JobRules(
    job=JOB,
    bulk_classes=frozenset({RowClass.READY, RowClass.IN_SYNC}),
    resumable=APPLICABLE,
    approve_refusal=approve_refusal,
    columns=(Column("klass", "class"), Column("match", "match"), Column("outcome", "outcome")),
    detail_sections=("values", "candidates", "why"),
    class_help=CLASS_HELP,
    review_steps=REVIEW_STEPS,
)
