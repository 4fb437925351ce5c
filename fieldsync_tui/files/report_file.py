"""The files run's ``--report`` (DESIGN §9.6): JSON with ``files[]``, ``links[]`` and totals,
or CSV with one line per record; written atomically by the core, formula-guarded cells.
Report-only ``--record-id`` records (``already_done`` / ``not_found`` / ``no_name``) follow
the loaded records, outside both counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from fieldsync_tui.atomicfile import atomic_write_text
from fieldsync_tui.core.model import ReportStatus
from fieldsync_tui.core.report import check_report_path, escape_cell
from fieldsync_tui.files.events import FilesSummary
from fieldsync_tui.files.model import FileClass, FileOutcome
from fieldsync_tui.files.report import CSV_COLUMNS, csv_entry, row_entry


def _report_only(a_id: str, status: ReportStatus, name: str | None) -> dict[str, Any]:
    return {
        "a_id": a_id,
        "name": name,
        "class": None,
        "folder_id": None,
        "folder_candidates": [],
        "decision": "none",
        "outcome": str(status),
        "step": None,
        "code": None,
        "message": "",
        "files": [],
        "links": [],
    }


def report_data(summary: FilesSummary) -> dict[str, Any]:
    rows = [row_entry(r) for r in summary.rows]
    loaded = {r.a.id for r in summary.rows}
    rows += [
        _report_only(a_id, status, summary.report_names.get(a_id))
        for a_id, status in summary.report_only.items()
        if a_id not in loaded
    ]
    counts = summary.class_counts, summary.outcome_counts
    data: dict[str, Any] = {
        "run_id": summary.run_id or None,
        "job": "files",
        "totals": summary.totals,
        "counts": {
            "classes": {str(c): counts[0][c] for c in FileClass},
            "outcomes": {str(o): counts[1][o] for o in FileOutcome},
        },
        "rows": rows,
    }
    if summary.stopped_reason:
        data["stopped_reason"] = summary.stopped_reason
    if summary.projection is not None and summary.dry_run:
        p = summary.projection
        data["projected"] = {
            "records": p.records,
            "files": p.files,
            "bytes": p.bytes,
            "calls": p.calls,
            "credits": p.credits,
        }
    return data


def report_csv(summary: FilesSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in summary.rows:
        entry = csv_entry(row)
        writer.writerow([escape_cell(entry[c]) for c in CSV_COLUMNS])
    for a_id, status in summary.report_only.items():
        entry = _report_only(a_id, status, summary.report_names.get(a_id))
        entry.update(folder_candidates="", files_total=0, files_copied=0, files_failed=0)
        entry["bytes_copied"] = 0
        writer.writerow([escape_cell(entry[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def write_files_report(path: Path, summary: FilesSummary) -> None:
    check_report_path(path)
    if path.suffix.lower() == ".csv":
        text = report_csv(summary)
    else:
        text = json.dumps(report_data(summary), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(path, text)
