"""The files job's rules for the console (``core.port.JobRules``, DESIGN §9.3, §9.6): what
``A`` approves in bulk, what a resumed run re-applies, why ``y`` refuses a record, its
columns, outcomes and progress unit."""

from __future__ import annotations

from fieldsync_tui.core.port import Column, JobRules
from fieldsync_tui.files import JOB
from fieldsync_tui.files.model import BULK_APPROVE, CLASS_ORDER, FileClass, FileOutcome, FileRow

DONE = frozenset({FileOutcome.APPLIED, FileOutcome.TICKED, FileOutcome.FOLDER_SET})

_NOT_APPROVABLE = {
    FileClass.DUPLICATE: "Several WorkDrive folders have this name: press enter to pick one first.",
    FileClass.UNMATCHED: "No WorkDrive folder has this name: press enter for near-name "
    "folders, or create the folder and reload with r.",
}


def approve_refusal(row: FileRow) -> str | None:
    """Why ``y`` cannot approve ``row`` (and what to do instead), or None when it can."""
    if row.outcome in DONE:
        return "This record is already done in this run."
    refusal = _NOT_APPROVABLE.get(row.klass)
    if refusal is None and row.folder_id is not None and not row.files_loaded:
        return "Its attachments were not listed (not selected): reload with it selected."
    return refusal


CLASS_HELP = (
    (FileClass.READY, "one folder; something to write or copy", "A approves it; x copies, ticks A"),
    (FileClass.IN_SYNC, "every file is already in its folder", "A approves it; x only ticks A"),
    (
        FileClass.OVERWRITE,
        "A's URL or folder id points elsewhere",
        "read the diff, then y or n, one by one",
    ),
    (FileClass.DUPLICATE, "several folders have the name", "enter: pick one (that approves)"),
    (
        FileClass.UNMATCHED,
        "no folder has the name (never created)",
        "enter: pick a near name (approves); e exports the names",
    ),
    (
        FileClass.NO_FILES,
        "one folder; no file attachments (links are never copied)",
        "A approves it; x sets A's folder (ticks with --tick-empty)",
    ),
)
REVIEW_STEPS = (
    "1 then A: approve every ready record (2, 6 then A: in_sync and no_files).",
    "3: read each overwrite's URL / folder-id diff; y to approve, n to skip.",
    "4, 5: enter on a record, pick its folder; the pick approves the record.",
    "enter on any record: its files; n on a file skips that file (journalled).",
    "x: read the dialog (records, files, MB, calls, credits), y to copy. p pauses between files.",
    "f: the failed and partial records and the file's error in the detail; R retries them.",
)

FILES_RULES = JobRules(
    job=JOB,
    bulk_classes=frozenset(BULK_APPROVE),
    resumable=frozenset({FileClass.READY, FileClass.IN_SYNC, FileClass.NO_FILES}),
    approve_refusal=approve_refusal,
    class_keys=CLASS_ORDER,
    columns=(
        Column("klass", "class"),
        Column("match", "match"),
        Column("files", "files"),
        Column("outcome", "outcome"),
    ),
    detail_sections=("fields", "folders", "sharing", "files"),
    progress_unit="files",
    row_noun="records",
    moves_bytes=True,
    pause_between="items",
    outcomes=tuple(FileOutcome),
    retry_outcomes=frozenset({FileOutcome.FAILED.value, FileOutcome.PARTIAL.value}),
    class_help=CLASS_HELP,
    review_steps=REVIEW_STEPS,
)
