"""One apply of the files job (DESIGN §9.5): journal the run, run the batches of up to 100
records (a folder's records in one batch) on the core's batch runner, two at a time, files in
parallel across them, emit progress in files and bytes, close the run with its counts. A dry
run writes nothing to Zoho.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fieldsync_tui.core.events import BatchStarted, LogLine, PauseChanged, Progress, RunStarted
from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal, new_run_id
from fieldsync_tui.core.journal_items import RowState, begin_job_run, record_states
from fieldsync_tui.core.model import Decision
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.core.runner import CANCELLED, ApplyControl, run_batches
from fieldsync_tui.files import JOB
from fieldsync_tui.files.batches import PARALLEL_BATCHES, FolderLocks, folder_batches
from fieldsync_tui.files.events import (
    FileRowsChanged,
    FileSettled,
    FilesEvent,
    FilesRunFinished,
    FilesSummary,
)
from fieldsync_tui.files.model import FileOutcome, FilePlan, FileResult, FileRow, FilesPlan
from fieldsync_tui.files.policy import Action, AutoOptions
from fieldsync_tui.files.projection import BATCH_SIZE, project_apply
from fieldsync_tui.files.protocol import FilesWriteContext, Item, set_outcome, write_batch
from fieldsync_tui.files.settings import FilesSettings
from fieldsync_tui.files.transfer import Copier
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.workdrive import WorkDrive

OnEvent = Callable[[FilesEvent], None]


@dataclass(slots=True)
class Meter:
    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    started: float = field(default_factory=time.monotonic)

    def progress(self) -> Progress:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.bytes_done / elapsed
        left = self.bytes_total - self.bytes_done
        eta = left / rate if rate > 0 else None
        return Progress(
            self.files_done,
            self.files_total,
            self.files_done / elapsed,
            eta,
            self.bytes_done,
            self.bytes_total,
        )


@dataclass(slots=True)
class ApplyInputs:
    settings: FilesSettings
    client_a: ZohoClient
    attachments: CrmAttachments
    drive: WorkDrive
    journal: Journal
    options: RunOptions
    auto: AutoOptions
    logger: logging.Logger
    plan: FilesPlan
    planned_at: datetime | None
    guard: RunGuard | None


def row_state(row: FileRow) -> RowState:
    def opt(v: object) -> str | None:
        return None if v is None else str(v)

    return RowState(
        row.a.id,
        row.folder_id,
        row.a.name,
        str(row.klass),
        str(row.decision),
        opt(row.outcome),
        opt(row.step),
        row.code,
        row.message,
    )


def clean_temp(settings: FilesSettings) -> None:
    """Temporary files a killed run left (we hold ``lock.files``: nobody else writes there)."""
    shutil.rmtree(settings.temp_dir, ignore_errors=True)


def counts_json(summary: FilesSummary) -> dict[str, Any]:
    return {
        "classes": {str(k): v for k, v in summary.class_counts.items()},
        "outcomes": {str(k): v for k, v in summary.outcome_counts.items()},
        "totals": summary.totals,
    }


class ApplyRun:
    def __init__(
        self,
        inputs: ApplyInputs,
        actions: Mapping[str, Action],
        on_event: OnEvent | None,
        control: ApplyControl,
    ) -> None:
        self.i = inputs
        self.actions = dict(actions)
        self.on_event = on_event
        self.control = control
        self.run_id = new_run_id()
        self.meter = Meter()

    def emit(self, event: FilesEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def say(self, level: int, text: str) -> None:
        self.i.logger.log(level, "%s", text)
        self.emit(LogLine(level, safe(text)))

    async def run(self) -> FilesSummary:
        i = self.i
        rows = i.plan.rows
        chosen = [r for r in rows if self.actions.get(r.a.id, Action.SKIP) is not Action.SKIP]
        for r in rows:
            if r.selected and r.a.id not in {c.a.id for c in chosen}:
                r.outcome = FileOutcome.SKIPPED
        projection = project_apply(i.plan, self.actions)
        self.meter.files_total, self.meter.bytes_total = projection.files, projection.bytes
        if i.options.dry_run:
            for r in chosen:
                r.outcome = FileOutcome.DRY_RUN
            return self._close(projection, None, "done")
        guard = i.guard
        own_guard = guard is None or not guard.held
        if own_guard:
            guard = RunGuard(i.journal, i.settings.state_dir, JOB, i.options.command)
            guard.acquire()
        try:
            clean_temp(i.settings)
            return await self._apply(chosen, projection)
        finally:
            if own_guard and guard is not None:
                guard.release()
            clean_temp(i.settings)

    def _begin(self) -> None:
        i = self.i
        begin_job_run(
            i.journal,
            self.run_id,
            job=JOB,
            mode=i.options.mode,
            command=i.options.command,
            dry_run=i.options.dry_run,
            rows=[row_state(r) for r in i.plan.rows],
        )

    async def _apply(self, chosen: Sequence[FileRow], projection: Any) -> FilesSummary:
        i = self.i
        self._begin()
        self.emit(RunStarted(self.run_id, len(chosen), False))
        copier = Copier(
            self.run_id,
            i.settings.fields.module,
            i.attachments,
            i.drive,
            i.journal,
            i.settings.temp_dir,
            i.planned_at or datetime.now(UTC).replace(microsecond=0),
            on_bytes=self._bytes,
        )
        ctx = FilesWriteContext(
            run_id=self.run_id,
            fields=i.settings.fields,
            client_a=i.client_a,
            attachments=i.attachments,
            drive=i.drive,
            journal=i.journal,
            copier=copier,
            control=self.control,
            concurrency=i.settings.max_concurrency,
            a_triggers=i.settings.a_triggers,
            settle=self._settle,
            file_settled=self._file_settled,
        )
        items: list[Item] = [(r, self.actions[r.a.id]) for r in chosen]
        batches = folder_batches(items, lambda item: item[0].folder_id, BATCH_SIZE)
        locks = FolderLocks()

        async def write(index: int, batch: list[Item]) -> str | None:
            async with locks.holding(row.folder_id for row, _ in batch):
                self.emit(BatchStarted(self.run_id, index, len(batch)))
                return await write_batch(ctx, batch)

        try:
            result = await run_batches(
                batches,
                write,
                parallel=PARALLEL_BATCHES,
                control=self.control,
                on_settled=lambda: self.emit(self.meter.progress()),
                on_pause=lambda paused: self.emit(PauseChanged(paused)),
            )
        except BaseException as err:
            self._settle([r for r in chosen if r.outcome is not None])
            i.journal.finish_run(self.run_id, "failed", {}, f"{type(err).__name__}: {err}")
            raise
        reason = result.reason
        left = [row for batch in result.not_started for row, _ in batch]
        for row in left:
            set_outcome(row, FileOutcome.FAILED, None, "NOT_ATTEMPTED", f"not attempted: {reason}")
        if left:
            self._settle(left)
            self.say(logging.WARNING, f"{len(left)} records not attempted: {reason}")
        cancelled = result.cancelled or self.control.cancelled
        if cancelled and reason is None:
            reason = CANCELLED  # cancelled between files inside the last batch
        status = "done" if reason is None else ("stopped" if cancelled else "failed")
        stopped = reason
        return self._close(projection, stopped, status)

    def _close(self, projection: Any, stopped: str | None, status: str) -> FilesSummary:
        i = self.i
        summary = FilesSummary(
            self.run_id,
            i.options.dry_run,
            i.plan.rows,
            dict(i.plan.report_only),
            dict(i.plan.report_names),
            stopped,
            projection,
            i.auto,
        )
        if i.options.dry_run:
            self._begin()
            record_states(i.journal, self.run_id, [row_state(r) for r in i.plan.rows])
        i.journal.finish_run(self.run_id, status, counts_json(summary), stopped)
        self.emit(FilesRunFinished(summary))
        return summary

    def _bytes(self, n: int) -> None:
        self.meter.bytes_done += n

    def _settle(self, rows: Sequence[FileRow]) -> None:
        record_states(self.i.journal, self.run_id, [row_state(r) for r in rows])
        for r in rows:
            level = (
                logging.WARNING
                if r.outcome in (FileOutcome.FAILED, FileOutcome.PARTIAL)
                else logging.INFO
            )
            self.i.logger.log(level, "record %s: %s %s", r.a.id, r.outcome, safe(r.message)[:200])
        self.emit(FileRowsChanged(list(rows)))

    def _file_settled(self, row: FileRow, plan: FilePlan, result: FileResult) -> None:
        self.meter.files_done += 1
        self.emit(FileSettled(row.a.id, plan.attachment.id, result))
        self.emit(self.meter.progress())


__all__ = ["ApplyInputs", "ApplyRun", "Decision"]
