"""Terminal output of the headless commands: progress on stderr, the summary on stdout.

Progress uses rich on a terminal and plain lines otherwise (rich is imported only then).
Nothing here prints record names: they stay in the log file and the report.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from fieldsync_tui.config import ConfigErrors, Settings, load_settings
from fieldsync_tui.core.events import (
    BatchStarted,
    EngineEvent,
    Progress,
    RunFinished,
    RunStarted,
    RunSummary,
)
from fieldsync_tui.core.history import HISTORY_HEADER, HISTORY_NUMERIC, history_rows
from fieldsync_tui.core.journal import JournalRow, RunRecord
from fieldsync_tui.core.model import Outcome, RowClass
from fieldsync_tui.text import safe


def print_problems(what: str, problems: Sequence[str], stream: TextIO | None = None) -> int:
    """Every problem on stderr (or ``stream``), one a line; returns exit code 1."""
    lines = [f"fieldsync: {what} problems ({len(problems)}):"]
    lines += [f"  - {p}" for p in problems]
    out = stream or sys.stderr
    out.write("\n".join(lines) + "\n")
    out.flush()
    return 1


def settings_or_exit_code(env_file: Path | None) -> Settings | int:
    """Settings from the environment and ``env_file`` — the one place every entry point
    loads them — or, after printing every problem (each names its variable), exit code 1."""
    try:
        return load_settings(env_file=env_file)
    except ConfigErrors as err:
        return print_config_errors(err.problems, err.warnings)


def print_config_errors(
    problems: Sequence[str], warnings: Sequence[str] = (), stream: TextIO | None = None
) -> int:
    """Configuration warnings (e.g. a group-readable ``.env``), then every problem; 1."""
    out = stream or sys.stderr
    for warning in warnings:
        out.write(f"fieldsync: warning: {warning}\n")
    return print_problems("configuration", problems, stream=out)


PREFIX = "fieldsync: "


class ProgressPrinter:
    """Load and apply progress on ``stream`` (rich bar on a terminal, else plain lines)."""

    def __init__(self, stream: TextIO, *, use_rich: bool | None = None) -> None:
        self.stream = stream
        self.use_rich = stream.isatty() if use_rich is None else use_rich
        self._bar: Any = None
        self._task: Any = None
        self.read: dict[str, int] = {}  # records read per org label, while loading

    def line(self, text: str) -> None:
        """One line, prefixed ``fieldsync: `` like every other line on stderr."""
        text = PREFIX + text
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
            return
        self.stream.write(text + "\n")
        self.stream.flush()

    def loading(self, label: str, count: int) -> None:
        self.read[label] = count
        what = "unticked records" if label == "A" else "records"
        self.line(f"Org {label}: {count} {what} read")

    def loaded(self, pending: int) -> None:
        """The rows the run works on, and why Org A's read count may be higher."""
        read = self.read.get("A", pending)
        blank = read - pending
        why = f" ({blank} with a blank name are not pending)" if blank > 0 else ""
        self.line(f"{pending} pending rows from {read} unticked Org A records{why}")

    def event(self, event: EngineEvent) -> None:
        if isinstance(event, RunStarted):
            self._started(event)
        elif isinstance(event, BatchStarted):
            if self._bar is None:
                self.line(f"batch {event.index + 1}: {event.size} rows")
        elif isinstance(event, Progress):
            self._progress(event)
        elif isinstance(event, RunFinished):
            self.close()

    def _started(self, event: RunStarted) -> None:
        what = "dry run" if event.dry_run else "run"
        self.line(f"{what} {event.run_id}: {event.total} rows to apply")
        if self.use_rich and event.total:
            from rich.console import Console
            from rich.progress import Progress as Bar

            self._bar = Bar(console=Console(file=self.stream), transient=False)
            self._bar.start()
            self._task = self._bar.add_task(PREFIX + "applying", total=event.total)

    def _progress(self, event: Progress) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=event.done, total=event.total)
            return
        eta = "" if event.eta_seconds is None else f", ETA {event.eta_seconds:.0f}s"
        self.line(
            f"progress: {event.done}/{event.total} rows ({event.rows_per_second:.1f} rows/s{eta})"
        )

    def close(self) -> None:
        bar, self._bar = self._bar, None
        if bar is not None:
            bar.stop()


def pairs(counts: dict[Any, int], keys: Sequence[Any]) -> str:
    return " ".join(f"{k}={counts.get(k, 0)}" for k in keys)


def format_summary(
    summary: RunSummary,
    *,
    title: str,
    report: Path | None = None,
    status: str | None = None,
) -> str:
    """The stdout summary: run id, counts per class and per outcome (each adding up to the
    rows loaded), report-only statuses, review rows left."""
    loaded = len(summary.rows)
    run_id = summary.run_id or "(none: stopped before the run started)"
    lines = [
        f"{title}: run {run_id}" + (" (dry run)" if summary.dry_run else ""),
        f"status: {status or ('failed' if summary.exit_code else 'done')}",
        f"rows loaded: {loaded}",
        f"classes: {pairs(dict(summary.class_counts), list(RowClass))}",
        f"outcomes: {pairs(dict(summary.outcome_counts), list(Outcome))}",
    ]
    undecided = sum(1 for r in summary.rows if r.outcome is None)
    if undecided:
        lines.append(f"undecided: {undecided} (the run stopped before deciding them)")
    if summary.report_only:
        shown = " ".join(f"{safe(a)}={s}" for a, s in summary.report_only.items())
        lines.append(f"report-only: {shown}")
    lines.append(f"review rows: {summary.review_rows()}")
    if summary.stopped_reason:
        lines.append(f"stopped: {safe(summary.stopped_reason)}")
    if report is not None:
        lines.append(f"report: {safe(str(report))}")
    return "\n".join(lines) + "\n"


def format_undo_summary(summary: RunSummary, undone: str) -> str:
    """``fieldsync undo``: what was (or, dry, would be) restored in B and unticked in A."""
    rows = summary.rows
    restores = [r for r in rows if r.klass is RowClass.OVERWRITE]  # B written back, A unticked
    unticks = [r for r in rows if r.klass is RowClass.IN_SYNC]  # A unticked only
    b_records = len({r.b_id for r in restores})
    title = f"fieldsync undo {safe(undone)}: run {summary.run_id or '(none)'}"
    lines = [title + (" (dry run: nothing written)" if summary.dry_run else "")]
    lines.append(f"status: {'failed' if summary.exit_code else 'done'}")
    if summary.dry_run:
        lines.append(
            f"would restore: {len(restores)} rows ({b_records} Org B records get their old "
            "values back; their Org A rows are unticked), where nobody changed them since"
        )
        lines.append(f"would untick only: {len(unticks)} Org A rows (their B was not written)")
    else:
        done = summary.outcome_counts
        lines.append(f"restored (B put back, A unticked): {done.get(Outcome.APPLIED, 0)} rows")
        lines.append(f"unticked only (A): {done.get(Outcome.TICKED, 0)} rows")
        lines.append(
            f"left alone (changed since the run): {done.get(Outcome.STALE, 0)} rows; "
            f"failed: {done.get(Outcome.FAILED, 0)}; partial (B put back, A still ticked): "
            f"{done.get(Outcome.PARTIAL, 0)}"
        )
    if summary.stopped_reason:
        lines.append(f"stopped: {safe(summary.stopped_reason)}")
    return "\n".join(lines) + "\n"


def format_history(
    runs: Sequence[RunRecord], rows_of: Callable[[str], Sequence[JournalRow]] | None = None
) -> str:
    """``fieldsync history``: a header row and one aligned line per run, newest first."""
    if not runs:
        return "no runs yet\n"
    table = [HISTORY_HEADER, *history_rows(runs, rows_of)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HISTORY_HEADER) - 1)]
    lines = []
    for row in table:
        cells = [
            cell.rjust(width) if name in HISTORY_NUMERIC else cell.ljust(width)
            for cell, width, name in zip(row, widths, HISTORY_HEADER, strict=False)
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"
