"""Drives writes for the review screen: apply, retry failed, pause/resume, stop after batch.

Engine events become typed messages posted to the screen (progress is coalesced); the
work runs in an exclusive worker of the screen (group ``write``, ``exit_on_error=False``)
so an error reaches the app's one error funnel instead of killing the app.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from textual.message import Message
from textual.screen import Screen

from fieldsync_tui.core import events as ev
from fieldsync_tui.core.port import ConsoleRow, RunResult
from fieldsync_tui.core.runner import ApplyControl

from .messages import LogAppended, RowsUpdated, WriteFinished, WriteProgressed, WriteStarted
from .run_clock import RunClock
from .session_port import ConsoleBackend

WRITE_GROUP = "write"
ATTEMPTED = ("applied", "ticked", "folder_set", "failed", "stale", "partial", "dry_run")
"""Outcomes of rows a run attempted (not rows it left alone: skipped, not selected)."""


def event_message(event: object) -> Message | None:
    """The screen message for one engine event (None for events the screen ignores)."""
    if isinstance(event, ev.Progress):
        return WriteProgressed(event.done, event.total, event.rows_per_second, event.eta_seconds)
    if isinstance(event, ev.RowsChanged):
        return RowsUpdated(list(event.rows))
    if isinstance(event, ev.LogLine):
        return LogAppended(logging.getLevelName(event.level), event.text)
    if isinstance(event, ev.RunStarted):
        return WriteStarted(event.run_id, event.total, event.dry_run)
    return None  # RunFinished: the worker posts WriteFinished once it has returned


class WriteController:
    """Owns the apply control of the run in flight (at most one)."""

    def __init__(self, screen: Screen[Any], backend: ConsoleBackend) -> None:
        self.screen = screen
        self.backend = backend
        self.control: ApplyControl | None = None
        self.quit_when_done = False
        self.clock: RunClock | None = None
        """The run in flight (or the last one): done, rate and ETA without paused time."""
        self.touched: dict[str, ConsoleRow] = {}
        """Rows the run in flight (or the last one) changed, by A id."""

    def run_outcomes(self) -> dict[str, int]:
        """This run's own outcome counts (rows it attempted, not rows earlier runs did)."""
        seen = Counter(r.outcome.value for r in self.touched.values() if r.outcome is not None)
        return {o: seen[o] for o in ATTEMPTED if seen[o]}

    @property
    def writing(self) -> bool:
        return self.control is not None

    @property
    def paused(self) -> bool:
        return self.control is not None and self.control.paused

    def on_event(self, event: object) -> None:
        if isinstance(event, ev.RunStarted):
            rules = self.backend.rules
            self.clock = RunClock(
                event.total, event.dry_run, rules.progress_unit, between=rules.pause_between
            )
            self.touched = {}
            if self.control is not None and self.paused:
                self.clock.pause()
        elif isinstance(event, ev.Progress) and self.clock is not None:
            self.clock.done = event.done
            if event.bytes_total is not None:
                self.clock.total = event.total  # files: known once the run has planned
                self.clock.bytes_done = event.bytes_done
                self.clock.bytes_total = event.bytes_total
        elif isinstance(event, ev.RowsChanged):
            self.touched.update((row.a.id, row) for row in event.rows)
        elif isinstance(event, ev.PauseChanged) and self.clock is not None:
            (self.clock.pause if event.paused else self.clock.resume)()
            done, total = self.clock.done, self.clock.total
            self.screen.post_message(WriteProgressed(done, total, 0.0, None))  # a redraw
        message = event_message(event)
        if message is not None:
            self.screen.post_message(message)

    def _start(self, name: str, run: Callable[[ApplyControl], Awaitable[RunResult]]) -> None:
        control = self.backend.make_control()
        self.control = control

        async def work() -> None:
            try:  # the job takes its run guard (lock.<job>) itself while it applies
                summary = await run(control)
                self.screen.post_message(WriteFinished(summary))
            finally:
                self.control = None

        self.screen.run_worker(
            work(),
            name=name,
            group=WRITE_GROUP,
            exclusive=True,
            exit_on_error=False,
            description=f"fieldsync {name}",
        )

    def start_apply(self, a_ids: Sequence[str]) -> None:
        ids = list(a_ids)
        session = self.backend.session
        self._start("apply", lambda c: session.apply(ids, on_event=self.on_event, control=c))

    def start_retry(self) -> None:
        session = self.backend.session
        self._start("retry", lambda c: session.retry_failed(on_event=self.on_event, control=c))

    def toggle_pause(self) -> bool:
        """Pause or resume between batches; returns True when now paused."""
        if self.control is None:
            return False
        if self.paused:
            self.control.resume()
            if self.clock is not None:
                self.clock.resume()
            return False
        self.control.pause()
        if self.clock is not None:
            self.clock.pause()
        return True

    def stop_after_batch(self) -> None:
        """Let the batch in flight finish, then stop (the engine fails the rest as STOPPED)."""
        if self.control is not None:
            self.control.resume()  # a paused run must reach its checkpoint to stop
            self.control.cancel()
            if self.clock is not None:
                self.clock.resume()
