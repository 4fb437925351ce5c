"""A journalled run's start and end: ids, events, counts, status (shared by apply and undo)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence

from fieldsync_tui.core.events import (
    EngineEvent,
    LogLine,
    RunFinished,
    RunStarted,
    RunSummary,
    count_classes,
    count_outcomes,
)
from fieldsync_tui.core.journal import Journal, new_run_id
from fieldsync_tui.core.model import Outcome, Plan, PlannedRow
from fieldsync_tui.text import safe


class RunRecorder:
    """Creates the run in the journal, and closes it with its counts and status."""

    def __init__(
        self,
        journal: Journal,
        job: str,
        mode: str,
        command: str,
        dry_run: bool,
        emit: Callable[[EngineEvent], None] | None,
        logger: logging.Logger,
        undo_of: str | None = None,
    ) -> None:
        self.journal = journal
        self.job = job
        self.mode = mode
        self.command = command
        self.dry_run = dry_run
        self.emit = emit
        self.logger = logger
        self.undo_of = undo_of
        self.run_id = new_run_id()

    def _send(self, event: EngineEvent) -> None:
        if self.emit is not None:
            self.emit(event)

    def _log(self, level: int, text: str) -> None:
        self.logger.log(level, "%s", text)
        self._send(LogLine(level, text))

    def begin(self, rows: Sequence[PlannedRow], total: int) -> None:
        self.journal.begin_run(
            self.run_id,
            job=self.job,
            mode=self.mode,
            command=self.command,
            dry_run=self.dry_run,
            rows=rows,
            undo_of=self.undo_of,
        )
        self._log(
            logging.INFO,
            f"run {self.run_id} started ({self.mode}{', dry run' if self.dry_run else ''}):"
            f" {total} of {len(rows)} rows to apply",
        )
        self._send(RunStarted(self.run_id, total, self.dry_run))

    def finish(
        self, plan: Plan, stopped_reason: str | None, earlier: Collection[str] = ()
    ) -> RunSummary:
        """Close the run. Rows an ``earlier`` run of the same session settled are not this
        run's: they count as ``not_selected``, so a retry of 3 rows reports those 3."""
        outcomes = count_outcomes([r for r in plan.rows if r.a.id not in earlier])
        outcomes[Outcome.NOT_SELECTED] += sum(1 for r in plan.rows if r.a.id in earlier)
        summary = RunSummary(
            run_id=self.run_id,
            dry_run=self.dry_run,
            class_counts=count_classes(plan.rows),
            outcome_counts=outcomes,
            report_only=dict(plan.report_only),
            rows=plan.rows,
            stopped_reason=stopped_reason,
            mode=self.mode,
            report_names=dict(plan.report_names),
        )
        outcomes = summary.outcome_counts
        failed = outcomes[Outcome.FAILED] + outcomes[Outcome.PARTIAL]
        status = "stopped" if stopped_reason else "failed" if failed else "done"
        self.journal.finish_run(self.run_id, status, counts_json(summary), stopped_reason)
        level = logging.ERROR if summary.exit_code else logging.INFO
        text = f"run {self.run_id} {status}: " + ", ".join(
            f"{k} {v}" for k, v in outcomes.items() if v
        )
        if stopped_reason:
            text += f" — stopped: {safe(stopped_reason)}"
        self._log(level, text)
        self._send(RunFinished(summary))
        return summary

    def abort(self, rows: Sequence[PlannedRow], err: BaseException) -> None:
        """An unexpected error (or task cancellation): journal what is known, mark failed."""
        self.journal.record_outcomes(self.run_id, [r for r in rows if r.outcome is not None])
        reason = f"{type(err).__name__}: {safe(str(err))}"
        counts = {"outcomes": {str(k): v for k, v in count_outcomes(list(rows)).items()}}
        self.journal.finish_run(self.run_id, "failed", counts, reason)
        self._log(logging.ERROR, f"run {self.run_id} failed: {reason}")


def counts_json(summary: RunSummary) -> dict[str, dict[str, int]]:
    return {
        "classes": {str(k): v for k, v in summary.class_counts.items()},
        "outcomes": {str(k): v for k, v in summary.outcome_counts.items()},
    }
