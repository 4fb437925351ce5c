"""Classification, second half: files of the selected records (DESIGN §9.2–§9.4).

``match.match_records`` classified every pending record as far as the folder index allows;
selection chose the records of this run; the loader then listed the attachments of those
with one folder (``load_targets``) and each such folder's contents once. ``plan_files`` plans
every file — already there (and how we know), skipped (``too_large`` / operator), or its
destination name, all the files of one folder at once — and settles the provisional
``ready`` rows as ``ready``, ``in_sync`` or ``no_files``. ``overwrite`` keeps precedence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from fieldsync_tui.core.model import DiffKind
from fieldsync_tui.files.decisions import NO_DECISIONS, RecordDecisions, group_decisions
from fieldsync_tui.files.match import changed_labels, overwrite_text, rows_by_folder, set_reason
from fieldsync_tui.files.model import (
    Attachment,
    AttachmentKind,
    FileClass,
    FilePlan,
    FileRow,
    FilesDecision,
    FilesPlan,
    FolderFile,
    SkipReason,
)
from fieldsync_tui.files.names import Placement, plan_folder
from fieldsync_tui.files.presence import NO_EVIDENCE, JournalEvidence, points_at

MIB = 1024 * 1024


def max_file_bytes(max_file_mb: float | None) -> int | None:
    """``--max-file-mb N`` in bytes (1 MB = 1,048,576 bytes, as Zoho states its limits)."""
    if max_file_mb is None:
        return None
    if max_file_mb <= 0:
        raise ValueError("--max-file-mb must be greater than 0")
    return int(max_file_mb * MIB)


def load_targets(plan: FilesPlan) -> tuple[list[str], list[str]]:
    """What the loader lists next: (A ids whose attachments, folder ids whose contents).

    Only selected records with exactly one folder (a single match or a pick) cost a call
    (§9.2); each folder is listed once however many records share it.
    """
    rows = [r for r in plan.rows if r.selected and r.folder_id is not None]
    return [r.a.id for r in rows], list(rows_by_folder(rows))


def plan_files(
    plan: FilesPlan,
    attachments: Mapping[str, Sequence[Attachment]],
    listings: Mapping[str, Sequence[FolderFile]],
    planned_at: datetime,
    *,
    evidence: JournalEvidence = NO_EVIDENCE,
    decisions: Sequence[FilesDecision] = (),
    max_bytes: int | None = None,
) -> FilesPlan:
    """Plan the files of every selected record with one folder whose attachments
    (``attachments[a_id]``) and folder contents (``listings[folder_id]``) were loaded, and
    settle its class. Changes ``plan.rows`` in place and returns ``plan``.

    ``planned_at`` (timezone-aware) stamps clash names; ``evidence`` is the journal's
    confirmed uploads and reserved names; ``decisions`` (oldest first) supply file skips;
    ``max_bytes`` is ``--max-file-mb`` in bytes.
    """
    by_record = group_decisions(decisions)
    loaded = [
        r
        for r in plan.rows
        if r.selected
        and r.folder_id is not None
        and r.a.id in attachments
        and r.folder_id in listings
    ]
    for folder_id, rows in rows_by_folder(loaded).items():
        placements: list[Placement] = []
        for row in rows:
            decided = by_record.get(row.a.id, NO_DECISIONS)
            for att in attachments[row.a.id]:
                if att.kind is AttachmentKind.FILE:
                    placements.append(Placement(att, _skip(att, decided, max_bytes)))
        plans = plan_folder(folder_id, listings[folder_id], placements, planned_at, evidence)
        plan.listing_sizes[folder_id] = len(listings[folder_id])
        for row in rows:
            _settle(row, attachments[row.a.id], plans, plan)
    return plan


def _skip(att: Attachment, decided: RecordDecisions, max_bytes: int | None) -> SkipReason | None:
    if decided.skips_file(att):
        return SkipReason.OPERATOR
    if max_bytes is not None and att.size is not None and att.size > max_bytes:
        return SkipReason.TOO_LARGE
    return None


def _settle(
    row: FileRow, atts: Sequence[Attachment], plans: Mapping[str, FilePlan], plan: FilesPlan
) -> None:
    row.files_loaded = True
    files = [a for a in dict((a.id, a) for a in atts).values() if a.kind is AttachmentKind.FILE]
    row.files = tuple(plans[a.id] for a in files)
    row.links = tuple(a for a in atts if a.kind is AttachmentKind.LINK)
    folder = plan.folders.get(row.folder_id or "")
    pointing = folder is not None and points_at(row.a, folder)
    if row.klass is FileClass.OVERWRITE:
        set_reason(row, f"{overwrite_text(row)}; {files_summary(row)}")
    elif not row.files:
        row.klass = FileClass.NO_FILES
        set_reason(row, f"no file attachments{_links_text(row)}; {_fields_text(row)}")
    elif pointing and not row.files_to_copy:
        row.klass = FileClass.IN_SYNC
        set_reason(row, f"A points at the folder; {files_summary(row)}; only the tick remains")
    else:
        row.klass = FileClass.READY
        set_reason(row, f"{_fields_text(row)}; {files_summary(row)}")


def files_summary(row: FileRow) -> str:
    """``"copies 2 of 3 files (1,234 bytes); 1 already there"`` and the like."""
    total = len(row.files)
    copy = row.files_to_copy
    there = sum(1 for f in row.files if f.there_by is not None)
    skipped = sum(1 for f in row.files if f.there_by is None and f.skip is not None)
    noun = "file" if total == 1 else "files"
    if copy:
        parts = [f"copies {len(copy)} of {total} {noun} ({row.bytes_to_copy:,} bytes)"]
    else:
        parts = [f"nothing to copy of {total} {noun}"]
    if there:
        parts.append(f"{there} already there")
    if skipped:
        parts.append(f"{skipped} skipped")
    return "; ".join(parts) + _links_text(row)


def _links_text(row: FileRow) -> str:
    n = len(row.links)
    if not n:
        return ""
    return f"; {n} link{'s' if n > 1 else ''} not copied"


def _fields_text(row: FileRow) -> str:
    changes = changed_labels(row, DiffKind.FILL, DiffKind.OVERWRITE)
    if not changes:
        return "A points at the folder"
    return "sets A's " + " and ".join(changes)
