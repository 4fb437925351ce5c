"""The files job's detail pane (DESIGN §9.6): A's URL / folder-id diff, the folder
candidates (name, modified time, link), the records sharing the folder, and every
attachment with its size and destination name — renames highlighted, links "not copied",
files already there with how we know.

Names, URLs and messages are untrusted: plain ``Text`` built from ``safe()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.text import Text

from fieldsync_tui.core.model import DiffKind
from fieldsync_tui.files.model import (
    CopyOutcome,
    FileOutcome,
    FilePlan,
    FileRow,
    FilesPlan,
    FileStep,
    WorkDriveFolder,
)
from fieldsync_tui.files.report import file_result, there_text
from fieldsync_tui.text import safe

from .diff_view import DIFF_STYLES
from .flow import Flow, Labelled, units

STEP_WORDS: dict[FileStep, str] = {
    FileStep.RE_READ: "re-reading the record and its folder",
    FileStep.A_FIELDS: "writing A's URL / folder id",
    FileStep.DOWNLOAD: "downloading a file",
    FileStep.UPLOAD: "uploading a file",
    FileStep.A_TICK: "ticking Org A",
}
BAD = frozenset({FileOutcome.FAILED, FileOutcome.PARTIAL, FileOutcome.STALE})
RESULT_STYLES: dict[CopyOutcome, str] = {
    CopyOutcome.COPIED: "bold green",
    CopyOutcome.ALREADY_THERE: "cyan",
    CopyOutcome.FAILED: "bold red",
    CopyOutcome.SKIPPED: "bright_black",
    CopyOutcome.DRY_RUN: "cyan",
}


def human_size(size: int | None) -> str:
    """``512 B``, ``34.1 KB``, ``1.2 MB`` (decimal units, as WorkDrive shows them)."""
    if size is None:
        return "size ?"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def modified(ms: int | None) -> str:
    if ms is None:
        return "(unknown)"
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _value(label: str, value: object, style: str = "") -> Labelled:
    shown = safe(value) if value not in (None, "") else "(empty)"
    return Labelled(label, shown, style or ("dim" if shown == "(empty)" else ""))


def fields_diff(row: FileRow) -> list[RenderableType]:
    """A's URL and folder id: A's value now and what the run writes, coloured."""
    parts: list[RenderableType] = []
    for d in row.diffs:
        style = DIFF_STYLES.get(d.kind, "")
        word = "unchanged" if d.kind is DiffKind.SAME else d.kind.value
        parts.append(Text.assemble((safe(d.api_name), "bold"), "  ", (word, style)))
        parts.append(_value("  A now", d.old, "dim"))
        parts.append(_value("  → new", d.new, style))
    if row.untick_fields_checkbox:
        parts.append(
            Text("The field sync's checkbox is unticked in the same write.", style="yellow")
        )
    return parts


def folder_lines(row: FileRow, folders: Mapping[str, WorkDriveFolder]) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for folder_id in row.folder_candidates or ((row.folder_id,) if row.folder_id else ()):
        folder = folders.get(folder_id)
        mark = "→ " if folder_id == row.folder_id else "  "
        if folder is None:
            parts.append(Text(mark + safe(folder_id), style="bold"))
            continue
        parts.append(
            Flow(
                units(
                    ((mark + safe(folder.name), "bold"),), (("id ", "dim"), (safe(folder.id), ""))
                ),
                gap=2,
            )
        )
        parts.append(_value("  modified", modified(folder.modified_time_ms)))
        parts.append(_value("  link", folder.permalink))
    return parts


def file_line(row: FileRow, plan: FilePlan) -> Flow:
    """``Contract.pdf 1.2 MB  → Contract_20261202_080000.pdf (renamed)  copied`` in units
    that wrap between, never inside."""
    a = plan.attachment
    parts = [Text.assemble((safe(a.file_name), "bold"), " ", (human_size(a.size), "dim"))]
    if plan.renamed:
        parts.append(
            Text.assemble("→ ", (safe(plan.dest_name), "bold yellow"), (" (renamed)", "yellow"))
        )
    result = file_result(row, plan)
    there = there_text(plan)
    if there is not None:
        parts.append(Text(f"already there: {there}", style="cyan"))
    elif plan.skip is not None:
        why = "n: skipped by you" if plan.skip.value == "operator" else f"skipped: {plan.skip}"
        parts.append(Text(why, style="bright_black"))
    elif a.id in row.file_results:
        parts.append(Text(result.outcome.value, style=RESULT_STYLES.get(result.outcome, "")))
        if result.code or result.message:
            parts.append(Text(f"{safe(result.code or '')} {safe(result.message)}", style="red"))
    else:
        parts.append(Text("to copy", style="green"))
    return Flow(parts)


def file_lines(row: FileRow) -> list[RenderableType]:
    parts: list[RenderableType] = [file_line(row, plan) for plan in row.files]
    for link in row.links:
        parts.append(
            Flow(
                units(
                    ((safe(link.file_name), "bold"), (" link, not copied", "bright_black")),
                    ((safe(link.link_url), "dim"),),
                )
            )
        )
    if not row.files_loaded:
        parts.append(Text("Attachments not listed (no single folder, or not selected).", "dim"))
    elif not parts:
        parts.append(Text("No attachments.", style="dim"))
    return parts


def sharing_lines(row: FileRow, names: Mapping[str, str | None]) -> list[RenderableType]:
    return [
        Text.assemble(("  A ", "dim"), safe(a_id), "  ", safe(names.get(a_id)))
        for a_id in row.shares_folder_with
    ]


def files_detail(row: FileRow, plan: FilesPlan | None) -> RenderableType:
    """The whole detail renderable for one record of the files job."""
    folders: Mapping[str, WorkDriveFolder] = plan.folders if plan is not None else {}
    outcome = row.outcome.value if row.outcome else "pending"
    files = len(row.files)
    size = human_size(sum(p.attachment.bytes for p in row.files))
    parts: list[RenderableType] = [
        Flow(
            units(
                (("A ", "bold"), (safe(row.a.id), "")), ((safe(row.a.name) or "(no name)", "bold"),)
            )
        ),
        Flow(
            units(
                (("class ", "dim"), (row.klass.value, "bold")),
                (("match ", "dim"), (row.match.value if row.match else "-", "")),
                (("decision ", "dim"), (row.decision.value, "")),
                (("outcome ", "dim"), (outcome, "bold red" if row.outcome in BAD else "bold")),
                (("files ", "dim"), (f"{files} ({size})", "")),
            )
        ),
        Text.assemble(("why: ", "dim"), (safe(row.reason), "italic")),
    ]
    if row.match_note:
        parts.append(Text.assemble(("folder: ", "dim"), safe(row.match_note)))
    if row.code or row.message:
        step = f" while {STEP_WORDS.get(row.step, str(row.step))}" if row.step else ""
        parts.append(
            Text.assemble(
                (f"Zoho{step}: ", "bold red"),
                (safe(row.code or ""), "bold red"),
                " ",
                (safe(row.message), "red"),
            )
        )
    parts += [Text("A's URL / folder id", style="bold underline"), *fields_diff(row)]
    if not row.diffs:
        parts += [_value("A URL", row.a.url), _value("A folder id", row.a.folder_id)]
    if row.folder_candidates or row.folder_id:
        parts += [Text("Folder candidates", style="bold underline"), *folder_lines(row, folders)]
    if row.shares_folder_with:
        names = {r.a.id: r.a.name for r in plan.rows} if plan is not None else {}
        count = len(row.shares_folder_with)
        title = f"Shares the folder with {count} other record{'s' if count > 1 else ''}"
        parts += [Text(title, style="bold underline"), *sharing_lines(row, names)]
    parts += [Text("Attachments", style="bold underline"), *file_lines(row)]
    return Group(*parts)
