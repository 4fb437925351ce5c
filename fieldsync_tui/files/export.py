"""``e`` in the files console: the records of the current filter as CSV — the report's CSV
columns and formula guard, plus ``folder_to_create``: an ``unmatched`` record's name, the
folder WorkDrive lacks (DESIGN §9.3: "never created; ``e`` exports the names")."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Final

from fieldsync_tui.core.report import escape_cell
from fieldsync_tui.files.model import FileClass, FileRow
from fieldsync_tui.files.report import CSV_COLUMNS, csv_entry

EXPORT_COLUMNS: Final = (*CSV_COLUMNS, "folder_to_create")


def export_csv(rows: Sequence[FileRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        entry = csv_entry(row)
        entry["folder_to_create"] = row.a.name if row.klass is FileClass.UNMATCHED else None
        writer.writerow([escape_cell(entry[c]) for c in EXPORT_COLUMNS])
    return out.getvalue()


def unmatched_names(rows: Sequence[FileRow]) -> list[str]:
    """The distinct folder names the unmatched records need, in row order."""
    names = (r.a.name for r in rows if r.klass is FileClass.UNMATCHED and r.a.name)
    return list(dict.fromkeys(names))
