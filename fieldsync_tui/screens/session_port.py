"""What the console needs from the sync core, as protocols (the real ``SyncSession`` fits).

Screens drive only these; the app's factory hands in the real objects, tests hand in fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fieldsync_tui.core.model import BRecord, DecisionKind, Plan
from fieldsync_tui.widgets.org_header import HeaderInfo


class ConsoleSession(Protocol):
    @property
    def plan(self) -> Plan | None: ...

    async def load(self, on_progress: Callable[[str, int], None]) -> Plan: ...

    def decide(
        self, a_ids: Sequence[str], kind: DecisionKind, target_b_id: str | None = None
    ) -> Any: ...

    def undo_last_decision(self) -> list[str]: ...

    def replan(self) -> Plan: ...

    def apply_preview(self, a_ids: Sequence[str]) -> Any: ...

    async def apply(
        self, a_ids: Sequence[str], on_event: Callable[[Any], None], control: Any
    ) -> Any: ...

    async def retry_failed(self, on_event: Callable[[Any], None], control: Any) -> Any: ...

    def unfinished_runs(self) -> list[Any]: ...


class Suggester(Protocol):
    def suggest(self, name: str, limit: int = 5) -> list[tuple[BRecord, float]]: ...


class History(Protocol):
    """``sync.journal.Journal``'s read side."""

    def list_runs(self, limit: int = 50) -> list[Any]: ...

    def run_rows(self, run_id: str) -> list[Any]: ...


@dataclass
class ConsoleBackend:
    """Everything the console drives, built by the app's factory after start-up checks."""

    session: ConsoleSession
    header: HeaderInfo
    history: History
    make_control: Callable[[], Any]
    make_suggester: Callable[[Iterable[BRecord]], Suggester]  # built once per load
    lock: Callable[[], AbstractContextManager[Any]] | None = None  # None: dry run, no lock
    discard_run: Callable[[str], None] = lambda run_id: None
    export_dir: Path = field(default_factory=Path.cwd)
    close: Callable[[], Awaitable[None]] | None = None  # closes the clients and journal
