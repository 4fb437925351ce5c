"""The ``--report`` file (DESIGN §6): JSON or CSV, written atomically. Pure: no rich.

One row per loaded pending row (in plan order, ascending A id), then one row per
``--record-id`` that is not a pending row: those carry their report-only status
(``already_done``/``not_found``/``no_name``) in ``outcome``, ``null`` as ``class``, and are
outside both counts. ``counts`` always has every class and every outcome key (0 when none);
each adds up to the loaded rows. A row whose outcome was never decided (the run stopped on a
fatal error) has ``outcome: null``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from fieldsync_tui.atomicfile import atomic_write_text
from fieldsync_tui.core.events import RunSummary, count_classes, count_outcomes
from fieldsync_tui.core.model import Outcome, PlannedRow, ReportStatus, RowClass

COLUMNS: Final = (
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
SUFFIXES: Final = (".json", ".csv")
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these gets a leading ``'`` (spreadsheet formula guard)."""


def check_report_path(path: Path) -> None:
    """ValueError unless ``path`` ends in ``.json`` or ``.csv`` (any case)."""
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(
            f"--report: {path.name!r} must end in .json or .csv (got {path.suffix or 'none'!r})"
        )


def summary_from_rows(
    run_id: str | None,
    rows: Sequence[PlannedRow],
    report_only: Mapping[str, ReportStatus] | None = None,
    *,
    dry_run: bool = False,
    stopped_reason: str | None = None,
) -> RunSummary:
    """A summary of the rows known so far (for a run that failed before it finished)."""
    return RunSummary(
        run_id=run_id or "",
        dry_run=dry_run,
        class_counts=count_classes(list(rows)),
        outcome_counts=count_outcomes(list(rows)),
        report_only=dict(report_only or {}),
        rows=list(rows),
        stopped_reason=stopped_reason,
    )


def _row(r: PlannedRow) -> dict[str, Any]:
    return {
        "a_id": r.a.id,
        "name": r.a.name,
        "class": str(r.klass),
        "b_id": r.b_id,
        "b_candidates": list(r.b_candidates),
        "decision": str(r.decision),
        "outcome": None if r.outcome is None else str(r.outcome),
        "step": None if r.step is None else str(r.step),
        "code": r.code,
        "message": r.message,
    }


def _report_only_row(a_id: str, status: ReportStatus, name: str | None) -> dict[str, Any]:
    messages = {
        ReportStatus.ALREADY_DONE: "already ticked in Org A",
        ReportStatus.NOT_FOUND: "no such Org A record",
        ReportStatus.NO_NAME: "the Org A record has an empty name",
    }
    return {
        "a_id": a_id,
        "name": name,
        "class": None,
        "b_id": None,
        "b_candidates": [],
        "decision": "none",
        "outcome": str(status),
        "step": None,
        "code": None,
        "message": messages.get(status, ""),
    }


def report_data(summary: RunSummary) -> dict[str, Any]:
    """The JSON document of DESIGN §6."""
    classes = {str(c): summary.class_counts.get(c, 0) for c in RowClass}
    outcomes = {str(o): summary.outcome_counts.get(o, 0) for o in Outcome}
    rows = [_row(r) for r in summary.rows]
    loaded = {r.a.id for r in summary.rows}
    rows += [
        _report_only_row(a_id, status, summary.report_names.get(a_id))
        for a_id, status in summary.report_only.items()
        if a_id not in loaded
    ]
    return {
        "run_id": summary.run_id or None,
        "reads": dict(summary.reads),
        "counts": {"classes": classes, "outcomes": outcomes},
        "rows": rows,
    }


def escape_cell(value: object) -> str:
    """A CSV cell: ``None`` as empty, formula-looking text prefixed with ``'``."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_text(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in data["rows"]:
        cells = dict(row, b_candidates=";".join(row["b_candidates"]))
        writer.writerow([escape_cell(cells[c]) for c in COLUMNS])
    return out.getvalue()


def rows_csv(rows: Sequence[PlannedRow]) -> str:
    """Plan rows as CSV with the report's columns and formula guard (the console's export)."""
    return _csv_text({"rows": [_row(r) for r in rows]})


def render_report(path: Path, summary: RunSummary) -> str:
    check_report_path(path)
    data = report_data(summary)
    if path.suffix.lower() == ".csv":
        return _csv_text(data)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_report(path: Path, summary: RunSummary) -> None:
    """Write the report (``.json`` or ``.csv``; another suffix: ValueError) atomically."""
    atomic_write_text(path, render_report(path, summary))
