"""What the console needs from a job, as typed protocols (the field sync's ``SyncSession``
fits; the files job's session will be a second implementation).

Screens drive only these; the app's factory hands in the real objects, tests hand in fakes
that return the same types. The job's domain rules come with it (``core.port.JobRules``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from fieldsync_tui.core.journal import JournalRow, RunRecord
from fieldsync_tui.core.model import DecisionKind
from fieldsync_tui.core.port import ConsolePlan, JobRules, Preview, RunResult
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.widgets.org_header import HeaderInfo

from .fields_view import FIELDS_VIEW
from .job_view import JobView

OnEvent = Callable[[object], None]
"""Gets the job's events: the core's (``core.events``) and any of the job's own."""


class ConsoleSession(Protocol):
    @property
    def plan(self) -> ConsolePlan | None: ...

    async def load(self, on_progress: Callable[[str, int], None]) -> ConsolePlan: ...

    def decide(
        self,
        a_ids: Sequence[str],
        kind: DecisionKind,
        target_b_id: str | None = None,
        approve: bool = False,
    ) -> None: ...

    def undo_last_decision(self) -> list[str]: ...

    def replan(self) -> ConsolePlan: ...

    def apply_preview(self, a_ids: Sequence[str]) -> Preview: ...

    async def apply(
        self, a_ids: Sequence[str], on_event: OnEvent, control: ApplyControl
    ) -> RunResult: ...

    async def retry_failed(self, on_event: OnEvent, control: ApplyControl) -> RunResult: ...

    def unfinished_runs(self) -> list[RunRecord]: ...


@runtime_checkable
class ItemSkipper(Protocol):
    """A job whose rows carry items the operator can skip one by one (the files job)."""

    def skip_item(self, a_id: str, item_id: str, skip: bool) -> None: ...


@runtime_checkable
class SettlesDecisions(Protocol):
    """A job whose picks need a load to take effect (the files job lists the picked folder
    and the record's attachments); the console awaits this after a pick or an undo."""

    async def settle_decisions(self, on_progress: Callable[[str, int], None]) -> bool: ...


@runtime_checkable
class AsksBeforeLoading(Protocol):
    """A job that asks before an expensive load (files: > 1,000 records' attachments); the
    console sets ``ask`` to a (title, question) → yes / no dialog."""

    ask: Callable[[str, str], Awaitable[bool]] | None


class Suggester(Protocol):
    """Near names among the job's targets (B records, folders): (target, score)."""

    def suggest(self, name: str, limit: int = 5) -> list[tuple[Any, float]]: ...


class History(Protocol):
    """``core.journal.Journal``'s read side."""

    def list_runs(self, limit: int = 50) -> list[RunRecord]: ...

    def run_rows(self, run_id: str) -> list[JournalRow]: ...


@dataclass
class ConsoleBackend:
    """Everything the console drives, built by the app's factory after start-up checks."""

    session: ConsoleSession
    rules: JobRules
    header: HeaderInfo
    history: History
    make_suggester: Callable[[Iterable[Any]], Suggester]  # built once per load
    make_control: Callable[[], ApplyControl] = ApplyControl
    discard_run: Callable[[str], None] = lambda run_id: None
    export_dir: Path = field(default_factory=Path.cwd)
    close: Callable[[], Awaitable[None]] | None = None  # closes the clients and journal
    view: JobView = field(default_factory=lambda: FIELDS_VIEW)  # how the console shows the job
