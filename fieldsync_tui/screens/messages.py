"""Messages the console's workers post to the review screen (past tense; coalesced if noisy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.worker import Worker

from fieldsync_tui.core.port import ConsolePlan, ConsoleRow, RunResult


@dataclass
class LoadProgressed(Message):
    """Loading reached ``count`` records of ``stage``; only the newest one waits in the queue."""

    stage: str
    count: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LoadProgressed)


@dataclass
class LoadSettled(Message):
    """A load a decision needed (the files job's folder pick) is done: ``count`` rows."""

    count: int


@dataclass
class PlanLoaded(Message):
    plan: ConsolePlan


@dataclass
class WriteProgressed(Message):
    done: int
    total: int
    rows_per_second: float
    eta_seconds: float | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WriteProgressed)


@dataclass
class RowsUpdated(Message):
    """Rows whose outcome changed (the same objects as in the plan)."""

    rows: list[ConsoleRow]


@dataclass
class LogAppended(Message):
    level: str
    text: str


@dataclass
class WriteStarted(Message):
    run_id: str
    total: int
    dry_run: bool


@dataclass
class WriteFinished(Message):
    summary: RunResult


@dataclass
class DecisionsChanged(Message):
    """Decisions were recorded or undone for these A ids."""

    a_ids: list[str]
    note: str
    marks_only: bool = False
    """Only approve/skip marks changed (rows in place): no class, outcome or row moved."""


@dataclass
class WorkerFailed(Message):
    """A screen's worker raised; bubbles up to the app's one error funnel.

    (``Worker.StateChanged`` does not bubble, so each screen with workers forwards it.)
    """

    worker: Worker[Any]
