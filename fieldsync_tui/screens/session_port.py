"""What the console needs from a job, as typed protocols (the field sync's ``SyncSession``
fits; the files job's session will be a second implementation).

Screens drive only these; the app's factory hands in the real objects, tests hand in fakes
that return the same types. The job's domain rules come with it (``core.port.JobRules``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from fieldsync_tui.core.events import EngineEvent, RunSummary
from fieldsync_tui.core.journal import JournalRow, RunRecord
from fieldsync_tui.core.model import BRecord, DecisionKind, Plan
from fieldsync_tui.core.port import JobRules, Preview
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.widgets.org_header import HeaderInfo

OnEvent = Callable[[EngineEvent], None]


class ConsoleSession(Protocol):
    @property
    def plan(self) -> Plan | None: ...

    async def load(self, on_progress: Callable[[str, int], None]) -> Plan: ...

    def decide(
        self,
        a_ids: Sequence[str],
        kind: DecisionKind,
        target_b_id: str | None = None,
        approve: bool = False,
    ) -> None: ...

    def undo_last_decision(self) -> list[str]: ...

    def replan(self) -> Plan: ...

    def apply_preview(self, a_ids: Sequence[str]) -> Preview: ...

    async def apply(
        self, a_ids: Sequence[str], on_event: OnEvent, control: ApplyControl
    ) -> RunSummary: ...

    async def retry_failed(self, on_event: OnEvent, control: ApplyControl) -> RunSummary: ...

    def unfinished_runs(self) -> list[RunRecord]: ...


class Suggester(Protocol):
    def suggest(self, name: str, limit: int = 5) -> list[tuple[BRecord, float]]: ...


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
    make_suggester: Callable[[Iterable[BRecord]], Suggester]  # built once per load
    make_control: Callable[[], ApplyControl] = ApplyControl
    discard_run: Callable[[str], None] = lambda run_id: None
    export_dir: Path = field(default_factory=Path.cwd)
    close: Callable[[], Awaitable[None]] | None = None  # closes the clients and journal
