"""progress: plain and rich progress on stderr, the stdout summary, history lines."""

from __future__ import annotations

import io

from fieldsync_tui.core.events import (
    BatchStarted,
    Progress,
    RunFinished,
    RunStarted,
    RunSummary,
    count_classes,
    count_outcomes,
)
from fieldsync_tui.core.journal import RunRecord
from fieldsync_tui.core.model import ARecord, Outcome, PlannedRow, ReportStatus, RowClass
from fieldsync_tui.progress import ProgressPrinter, format_history, format_summary, print_problems


def summary(stopped: str | None = None) -> RunSummary:
    rows = []
    for i, (klass, outcome) in enumerate(
        [(RowClass.READY, Outcome.APPLIED), (RowClass.UNMATCHED, Outcome.SKIPPED)]
    ):
        row = PlannedRow(a=ARecord(str(i), "n", None, None), norm_name="n", klass=klass, reason="")
        row.outcome = outcome
        rows.append(row)
    return RunSummary(
        run_id="R1",
        dry_run=False,
        class_counts=count_classes(rows),
        outcome_counts=count_outcomes(rows),
        report_only={"9": ReportStatus.NOT_FOUND},
        rows=rows,
        stopped_reason=stopped,
    )


def test_plain_progress_lines() -> None:
    out = io.StringIO()
    p = ProgressPrinter(out, use_rich=False)
    p.loading("A", 2000)
    p.loaded(1990)
    p.event(RunStarted("R1", 150, False))
    p.event(BatchStarted("R1", 0, 100))
    p.event(Progress(100, 150, 50.0, 1.0))
    p.event(RunFinished(summary()))
    text = out.getvalue()
    assert all(line.startswith("fieldsync: ") for line in text.splitlines())
    assert "Org A: 2000 unticked records read" in text
    assert "1990 pending rows from 2000 unticked Org A records (10 with a blank name" in text
    assert "run R1: 150 rows to apply" in text and "batch 1: 100 rows" in text
    assert "progress: 100/150 rows (50.0 rows/s, ETA 1s)" in text


def test_rich_progress_renders_to_its_stream() -> None:
    out = io.StringIO()
    p = ProgressPrinter(out, use_rich=True)
    p.event(RunStarted("R2", 10, True))
    p.event(Progress(10, 10, 5.0, 0.0))
    p.line("a line with [red]markup[/red]")
    p.close()
    text = out.getvalue()
    assert "dry run R2: 10 rows to apply" in text
    assert "[red]markup[/red]" in text  # never interpreted as markup


def test_summary_lines_add_up() -> None:
    text = format_summary(summary(), title="fieldsync --auto")
    lines = dict(line.split(": ", 1) for line in text.splitlines()[1:])
    assert lines["rows loaded"] == "2"
    classes = dict(p.split("=") for p in lines["classes"].split())
    outcomes = dict(p.split("=") for p in lines["outcomes"].split())
    assert list(classes) == [c.value for c in RowClass]
    assert list(outcomes) == [o.value for o in Outcome]
    assert sum(map(int, classes.values())) == sum(map(int, outcomes.values())) == 2
    assert lines["report-only"] == "9=not_found"
    assert lines["review rows"] == "1"
    assert text.startswith("fieldsync --auto: run R1\n")
    assert "stopped: credits\x1b" not in format_summary(summary("credits\x1b"), title="t")


def test_history_lines() -> None:
    runs = [
        RunRecord(
            "R2", "2026-11-27T10:00:00Z", None, "interrupted", "auto", "c", False, unconfirmed=3
        ),
        RunRecord(
            "R1",
            "2026-11-26T10:00:00Z",
            "x",
            "done",
            "auto",
            "c",
            True,
            counts={"outcomes": {"dry_run": 4, "failed": 0}},
        ),
    ]
    text = format_history(runs)
    header, r2, r1 = text.splitlines()[:3]
    assert header.split()[:6] == ["run", "started", "status", "job", "mode", "applied"]
    assert r2.startswith("R2") and "3 not confirmed" in r2
    assert "dry run" in r1 and "dry_run" in header
    column = header.index("dry_run") + len("dry_run")  # counts right-aligned under it
    assert r1[column - 1] == "4" and r2[column - 1] == "0"
    assert format_history([]) == "no runs yet\n"


def test_print_problems() -> None:
    out = io.StringIO()
    assert print_problems("configuration", ["A: x", "B: y"], stream=out) == 1
    assert out.getvalue().splitlines() == [
        "fieldsync: configuration problems (2):",
        "  - A: x",
        "  - B: y",
    ]
