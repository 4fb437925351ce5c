"""``e``: the current filter's rows as CSV (report columns; spreadsheet formulas defused)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fieldsync_tui.sync.model import PlannedRow

COLUMNS = (
    "a_id",
    "name",
    "class",
    "b_id",
    "b_candidates",
    "decision",
    "outcome",
    "step",
    "code",
    "message",
)


def defuse(cell: str) -> str:
    """Cells starting with ``= + - @`` get a leading ``'`` so spreadsheets do not run them."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def _cells(row: PlannedRow) -> list[str]:
    values = [
        row.a.id,
        row.a.name or "",
        row.klass.value,
        row.b_id or "",
        ";".join(row.b_candidates),
        row.decision.value,
        row.outcome.value if row.outcome else "",
        row.step.value if row.step else "",
        row.code or "",
        row.message,
    ]
    return [defuse(v) for v in values]


def export_path(directory: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return directory / f"fieldsync-export-{stamp}.csv"


def write_csv(rows: Sequence[PlannedRow], path: Path) -> Path:
    """Write atomically (temp file + rename); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(_cells(r) for r in rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
