"""The review screen's write keys: ``x`` apply, ``R`` retry, ``p`` pause, ``q`` quit, and
the run's progress, live rows and closing line (the worker lives in ``write_controller``)."""

from __future__ import annotations

from dataclasses import replace

from fieldsync_tui.widgets.org_header import mode_sentence
from fieldsync_tui.widgets.run_progress import RunProgress

from . import view_state as vs
from .choice_modal import ChoiceModal
from .confirm_apply import ConfirmApplyModal
from .messages import LogAppended, RowsUpdated, WriteFinished, WriteProgressed, WriteStarted
from .preview import preview_lines
from .review_base import ReviewBase


class ReviewWrites(ReviewBase):
    def action_apply(self) -> None:
        if not self._ready() or not self._not_while_writing("Applying again"):
            return
        assert self.backend is not None
        ids = vs.approved_ids(self.rows)
        if not ids:
            self.notify("Nothing approved to apply: approve rows with y or A first.")
            return
        preview = self.backend.session.apply_preview(ids)
        dry_run = preview.dry_run
        header = replace(self.backend.header, dry_run=dry_run)
        modal = ConfirmApplyModal(
            f"Apply {len(ids)} approved {self.backend.rules.row_noun}?",
            preview_lines(preview),
            mode_sentence(header),
            vs.apply_warnings(self.rows),
        )

        def confirmed(ok: bool | None) -> None:
            if ok and self.writer is not None:
                self.writer.start_apply(ids)
            elif not ok:
                self.notify("Apply cancelled.")

        self.app.push_screen(modal, confirmed)

    def action_retry(self) -> None:
        if not self._ready() or not self._not_while_writing("Retrying"):
            return
        assert self.writer is not None
        retry = self.backend.rules.retry_outcomes if self.backend else frozenset()
        if not any(r.outcome is not None and r.outcome.value in retry for r in self.rows):
            self.notify(f"Nothing to retry: no {' or '.join(sorted(retry))} row.")
            return
        self.writer.start_retry()

    def action_pause(self) -> None:
        if self.writer is None or not self.writer.writing:
            self.notify("Nothing is being written.")
            return
        paused = self.writer.toggle_pause()
        self.query_one(RunProgress).set_class(paused, "-paused")
        self.show_run_progress()  # "pausing…" at once, not after the batch in flight

    def show_run_progress(self) -> None:
        clock = self.writer.clock if self.writer is not None else None
        if clock is not None:
            self.query_one(RunProgress).show_label(clock.label(), clock.done, clock.total)

    def on_write_started(self, message: WriteStarted) -> None:
        self.sync_plan()  # a retry re-plans its rows before the run starts
        mode = "dry run" if message.dry_run else "writing"
        self.show_run_progress()
        noun = self.backend.rules.row_noun if self.backend is not None else "rows"
        self.log_line("INFO", f"run {message.run_id} started: {mode} {message.total:,} {noun}")

    def on_write_progressed(self, message: WriteProgressed) -> None:
        self.show_run_progress()

    def on_rows_updated(self, message: RowsUpdated) -> None:
        self.table.refresh_rows()
        current = self.table.current_row
        if current is not None and any(r is current for r in message.rows):
            self.show_detail(current)

    def on_log_appended(self, message: LogAppended) -> None:
        self.log_line(message.level, message.text)

    def on_write_finished(self, message: WriteFinished) -> None:
        summary = message.summary
        reason = summary.stopped_reason
        progress = self.query_one(RunProgress)
        progress.remove_class("-paused")
        writer, clock = self.writer, self.writer.clock if self.writer is not None else None
        if writer is not None and clock is not None:
            clock.finish()
            closing = clock.closing(writer.run_outcomes(), reason)
            progress.show_label(closing, clock.total, clock.total)
            run_id = summary.run_id
            self.notify(
                f"Run {run_id}: {closing.plain}",
                severity="warning"
                if reason or "failed" in writer.run_outcomes()
                else "information",
            )
        self.sync_plan()
        if self.writer is not None and self.writer.quit_when_done:
            self.app.exit(0, return_code=0)

    def action_quit(self) -> None:
        items = self.backend is not None and self.backend.rules.pause_between == "items"
        flight = f"{self.backend.rules.progress_unit}" if items and self.backend else "batch"
        if not self.writing:
            self.app.exit(0, return_code=0)
            return

        def answered(choice: str | None) -> None:
            if choice == "quit" and self.writer is not None:
                self.writer.quit_when_done = True
                self.writer.stop_after_batch()
                self.notify(f"Stopping after the {flight} in flight, then quitting.")

        question = f"A write is in progress. Stop after the {flight} in flight and quit?"
        choices = [("y", "quit", "Stop and quit"), ("n", "stay", "Keep writing")]
        self.app.push_screen(
            ChoiceModal("Quit while writing?", question, choices, "stay"), answered
        )
