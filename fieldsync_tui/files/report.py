"""The files run's report entries (DESIGN §9.6): pure dicts, written by the core's writer.

§6's row shape with ``folder_id`` / ``folder_candidates`` in place of ``b_id`` /
``b_candidates``, plus ``files[]`` and ``links[]``; totals of files and bytes (planned,
copied, failed) at the top; the CSV keeps one line per record with ``files_total``,
``files_copied``, ``files_failed`` and ``bytes_copied``. A file the protocol has not reported
on (``FileRow.file_results``) is described by its plan: ``already_there``, ``skipped`` with
its reason, ``dry_run`` in a dry run, otherwise ``skipped`` with the record's outcome as the
reason (``not_selected``, ``skipped``, ``stale`` …; ``not_attempted`` when it has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from fieldsync_tui.files.model import (
    CopyOutcome,
    FileOutcome,
    FilePlan,
    FileResult,
    FileRow,
    ThereBy,
)

CSV_COLUMNS: Final = (
    "a_id",
    "name",
    "class",
    "folder_id",
    "folder_candidates",
    "decision",
    "outcome",
    "step",
    "code",
    "message",
    "files_total",
    "files_copied",
    "files_failed",
    "bytes_copied",
)
NOT_PLANNED: Final = frozenset({FileOutcome.SKIPPED, FileOutcome.NOT_SELECTED})


def there_text(plan: FilePlan) -> str | None:
    """How we know a file is already there, as the detail pane and the report say it."""
    if plan.there_by is ThereBy.JOURNAL:
        return f"copied by run {plan.there_run_id}"
    if plan.there_by is ThereBy.NAME_SIZE:
        return "matched by name and size"
    return None


def file_result(row: FileRow, plan: FilePlan) -> FileResult:
    """The protocol's result for the file, else what its plan says."""
    done = row.file_results.get(plan.attachment.id)
    if done is not None:
        return done
    if plan.there_by is not None:
        return FileResult(CopyOutcome.ALREADY_THERE, there_text(plan), plan.existing_id)
    if plan.skip is not None:
        return FileResult(CopyOutcome.SKIPPED, str(plan.skip))
    if row.outcome is FileOutcome.DRY_RUN:
        return FileResult(CopyOutcome.DRY_RUN)
    return FileResult(CopyOutcome.SKIPPED, str(row.outcome or "not_attempted"))


def file_entries(row: FileRow) -> list[dict[str, Any]]:
    out = []
    for plan in row.files:
        result = file_result(row, plan)
        out.append(
            {
                "attachment_id": plan.attachment.id,
                "file_name": plan.attachment.file_name,
                "size": plan.attachment.size,
                "dest_name": result.dest_name or plan.dest_name,
                "outcome": str(result.outcome),
                "reason": result.reason,
                "resource_id": result.resource_id,
                "code": result.code,
                "message": result.message,
            }
        )
    return out


def link_entries(row: FileRow) -> list[dict[str, Any]]:
    return [{"attachment_id": a.id, "title": a.file_name, "url": a.link_url} for a in row.links]


def row_entry(row: FileRow) -> dict[str, Any]:
    """One record of the JSON report."""
    return {
        "a_id": row.a.id,
        "name": row.a.name,
        "class": str(row.klass),
        "folder_id": row.folder_id,
        "folder_candidates": list(row.folder_candidates),
        "decision": str(row.decision),
        "outcome": None if row.outcome is None else str(row.outcome),
        "step": None if row.step is None else str(row.step),
        "code": row.code,
        "message": row.message,
        "files": file_entries(row),
        "links": link_entries(row),
    }


def csv_entry(row: FileRow) -> dict[str, Any]:
    """One record of the CSV report (cells not yet escaped; candidates ``;``-joined)."""
    entry = row_entry(row)
    files = entry.pop("files")
    entry.pop("links")
    entry["folder_candidates"] = ";".join(entry["folder_candidates"])
    copied = [f for f in files if f["outcome"] == CopyOutcome.COPIED]
    entry["files_total"] = len(files)
    entry["files_copied"] = len(copied)
    entry["files_failed"] = sum(1 for f in files if f["outcome"] == CopyOutcome.FAILED)
    entry["bytes_copied"] = sum(f["size"] or 0 for f in copied)
    return entry


def totals(rows: Iterable[FileRow]) -> dict[str, int]:
    """Files and bytes planned (files to copy of records the run meant to touch), copied
    and failed."""
    keys = ("planned", "copied", "failed")
    out = {f"{unit}_{key}": 0 for key in keys for unit in ("files", "bytes")}
    for row in rows:
        if row.outcome not in NOT_PLANNED:
            out["files_planned"] += len(row.files_to_copy)
            out["bytes_planned"] += row.bytes_to_copy
        for plan in row.files:
            outcome = file_result(row, plan).outcome
            if outcome in (CopyOutcome.COPIED, CopyOutcome.FAILED):
                out[f"files_{outcome}"] += 1
                out[f"bytes_{outcome}"] += plan.attachment.bytes
    return out
