"""The files job's view (``job_view.JobView``, DESIGN §9.6): table columns A id, name,
class, match, files (count and total size), outcome; its detail pane and dialog; near-name
folders; the export with the unmatched folder names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.screen import ModalScreen

from fieldsync_tui.core.model import DecisionKind
from fieldsync_tui.core.port import ConsoleRow
from fieldsync_tui.files.export import export_csv
from fieldsync_tui.files.model import FileRow, FilesPlan
from fieldsync_tui.files.rules import FILES_RULES
from fieldsync_tui.widgets.files_detail import files_detail, human_size
from fieldsync_tui.widgets.record_table import (
    TableColumn,
)

from .files_detail import FilesDetailScreen
from .job_view import DetailRequest, JobView, table_for


def files_cell(row: ConsoleRow, width: int) -> tuple[str, str]:
    """``3 · 1.2 MB`` (files and their total size); links are not counted."""
    if not isinstance(row, FileRow) or not row.files_loaded:
        return "", "dim"
    count = len(row.files)
    if not count:
        return "0", "dim"
    size = human_size(sum(p.attachment.bytes for p in row.files))
    full = f"{count} · {size}"
    return (full if len(full) <= width else str(count)), ""


FILES_COLUMN = TableColumn("files", 12, files_cell, 5)
FILES_TABLE = table_for(FILES_RULES, {"files": FILES_COLUMN})


def _open(request: DetailRequest) -> ModalScreen[Any]:
    return FilesDetailScreen(request.row, request.plan, request.suggestions)


def _pool(plan: FilesPlan) -> list[Any]:
    return list(plan.folders.values())


def _export(rows: Sequence[FileRow], plan: FilesPlan | None) -> str:
    return export_csv(rows)


def _note(
    kind: DecisionKind, a_id: str, row: FileRow | None, target: str | None, plan: FilesPlan | None
) -> str:
    what = f"record {a_id}" + (f" '{row.a.name}'" if row is not None and row.a.name else "")
    folder = plan.folders.get(target or "") if plan is not None else None
    where = f"folder {target}" + (f" '{folder.name}'" if folder is not None else "")
    if kind is DecisionKind.MANUAL_MATCH:
        return f"matched {what} to {where} (a near name)"
    return f"picked {where} for {what}"


def _counts(plan: FilesPlan) -> list[Text]:
    shared = plan.shared_folders()
    if not shared:
        return []
    records = sum(len(ids) for ids in shared.values())
    folders = f"{len(shared)} folder" + ("s" if len(shared) > 1 else "")
    return [Text(f"({records} records share {folders})", style="dim")]


def _detail(row: FileRow, plan: FilesPlan | None) -> Any:
    return files_detail(row, plan)


FILES_VIEW = JobView(
    table=FILES_TABLE,
    detail=_detail,
    open_detail=_open,
    suggestion_pool=_pool,
    export_csv=_export,
    pick_note=_note,
    count_extra=_counts,
)
