"""The files job behind the console's port (``screens.session_port.ConsoleSession``): the
console speaks decisions, previews and runs; the files session speaks folders, files and
actions. This adapter translates, keeps the console's approvals across re-loads (a folder
pick re-plans the record's files; approvals are the session's, not the journal's) and one
``u`` per decision. No textual here: the console hands in its question (``ask``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from fieldsync_tui.core.events import RowsChanged
from fieldsync_tui.core.journal import RunRecord
from fieldsync_tui.core.model import Decision, DecisionKind
from fieldsync_tui.core.port import Preview, RunResult
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.files.events import FileRowsChanged, FilesRunFinished
from fieldsync_tui.files.model import FileRow, FilesPlan, SkipReason
from fieldsync_tui.files.policy import Action
from fieldsync_tui.files.projection import Projection

OnProgress = Callable[[str, int], None]
OnEvent = Callable[[object], None]
Ask = Callable[[str, str], Awaitable[bool]]
"""(title, question) → the operator's yes / no."""
PICKS = frozenset({DecisionKind.PICK_DUPLICATE, DecisionKind.MANUAL_MATCH})


class FilesSessionLike(Protocol):
    """What the adapter uses of ``files.session.FilesSession``."""

    plan: FilesPlan | None

    async def load(
        self,
        on_progress: OnProgress | None = None,
        ask: Callable[[Projection], Awaitable[bool]] | None = None,
    ) -> FilesPlan: ...
    def skip(self, a_ids: Sequence[str]) -> int: ...
    def approve(self, a_ids: Sequence[str]) -> int: ...
    def pick_folder(self, a_id: str, folder_id: str) -> int: ...
    def skip_file(self, a_id: str, attachment_id: str, skip: bool = True) -> int: ...
    def undo_batch(self, batch: int) -> list[str]: ...
    def approved_actions(self, a_ids: Sequence[str]) -> dict[str, Action]: ...
    def preview(self, actions: Mapping[str, Action]) -> Projection: ...
    async def apply(
        self,
        actions: Mapping[str, Action],
        on_event: Callable[[object], None] | None = None,
        control: ApplyControl | None = None,
    ) -> RunResult: ...
    async def retry_failed(
        self, on_event: Callable[[object], None] | None = None, control: ApplyControl | None = None
    ) -> RunResult: ...
    def unfinished_runs(self) -> list[RunRecord]: ...


@dataclass(frozen=True)
class FilesConsoleOptions:
    dry_run: bool
    tick_empty: bool
    a_triggers: str = "none"


def mb(count: int) -> str:
    return f"{count / 1_000_000:,.1f} MB"


def preview_lines(p: Projection, options: FilesConsoleOptions) -> tuple[tuple[str, str], ...]:
    """The apply dialog's lines (DESIGN §9.6): records, files, bytes, calls, credits."""
    return (
        (
            "records",
            f"{p.records:,} (A's folder written on {p.field_writes:,}, ticked {p.ticks:,})",
        ),
        ("files to copy", f"{p.files:,} ({mb(p.bytes)})"),
        ("projected calls", f"{p.calls:,} ({p.crm_calls:,} CRM, {p.workdrive_calls:,} WorkDrive)"),
        ("projected Zoho credits", f"{p.credits:,} (Org A)"),
        ("no_files records", "ticked (--tick-empty)" if options.tick_empty else "not ticked"),
        ("Org A trigger policy", options.a_triggers),
        ("dry run", "yes: nothing is downloaded, uploaded or written" if options.dry_run else "no"),
    )


def load_question(p: Projection) -> str:
    return (
        f"Listing the attachments of {p.records:,} selected records takes about "
        f"{p.calls:,} calls and {p.credits:,} Org A credits. Load them now? "
        "(n: their files are not listed and nothing of theirs is applied; "
        "--limit or --record-id narrow the selection)"
    )


class FilesConsoleSession:
    """``ConsoleSession`` over a files session (see module doc)."""

    def __init__(self, session: FilesSessionLike, options: FilesConsoleOptions) -> None:
        self.session = session
        self.options = options
        self.ask: Ask | None = None
        self.approved: set[str] = set()
        self._undo: list[tuple[DecisionKind, list[str], int | None, dict[str, Decision]]] = []
        self.reload_pending = False
        """A folder pick (or its undo) changed what the plan should hold."""
        self.load_answer: bool | None = None

    @property
    def plan(self) -> FilesPlan | None:
        return self.session.plan

    async def ask_load(self, cost: Projection) -> bool:
        """The operator's answer, asked once a session: the load a folder pick or ``R``
        needs does not ask again."""
        if self.ask is None:
            return True
        if self.load_answer is None:
            self.load_answer = await self.ask("Load the attachments?", load_question(cost))
        return self.load_answer

    async def load(self, on_progress: OnProgress) -> FilesPlan:
        plan = await self.session.load(on_progress, ask=self.ask_load)
        self._mark_approved(plan)
        return plan

    def _mark_approved(self, plan: FilesPlan) -> None:
        for row in plan.rows:
            if row.a.id in self.approved and row.decision is not Decision.SKIPPED:
                row.decision = Decision.APPROVED

    def _rows(self, a_ids: Sequence[str]) -> list[FileRow]:
        wanted = set(a_ids)
        return [r for r in (self.plan.rows if self.plan else []) if r.a.id in wanted]

    def decide(
        self,
        a_ids: Sequence[str],
        kind: DecisionKind,
        target_b_id: str | None = None,
        approve: bool = False,
    ) -> None:
        ids = list(a_ids)
        before = {r.a.id: r.decision for r in self._rows(ids)}
        batch: int | None = None
        if kind is DecisionKind.SKIP:
            batch = self.session.skip(ids)
            self.approved.difference_update(ids)
        elif kind in PICKS and target_b_id is not None:
            batch = self.session.pick_folder(ids[0], target_b_id)
            self.reload_pending = True
        if kind is DecisionKind.APPROVE or approve:
            self.session.approve(ids)
            self.approved.update(ids)
        self._undo.append((kind, ids, batch, before))

    async def settle_decisions(self, on_progress: OnProgress) -> bool:
        """A folder pick (or its undo) re-plans the record's files: load again, approvals
        kept. Returns whether it loaded."""
        if not self.reload_pending:
            return False
        self.reload_pending = False
        await self.load(on_progress)
        return True

    def undo_last_decision(self) -> list[str]:
        if not self._undo:
            return []
        kind, ids, batch, before = self._undo.pop()
        if batch is not None:
            self.session.undo_batch(batch)
            self.reload_pending = self.reload_pending or kind in PICKS
        for row in self._rows(ids):
            row.decision = before.get(row.a.id, Decision.NONE)
            if row.decision is Decision.APPROVED:
                self.approved.add(row.a.id)
            else:
                self.approved.discard(row.a.id)
        return ids

    def skip_item(self, a_id: str, item_id: str, skip: bool) -> None:
        """``n`` on a file: journalled; the record's plan shows it at once."""
        self.session.skip_file(a_id, item_id, skip)
        for row in self._rows([a_id]):
            row.files = tuple(
                replace(p, skip=SkipReason.OPERATOR if skip else None)
                if p.attachment.id == item_id and p.skip in (None, SkipReason.OPERATOR)
                else p
                for p in row.files
            )

    def replan(self) -> FilesPlan:
        return self.plan or FilesPlan([])

    def _actions(self, a_ids: Sequence[str]) -> dict[str, Action]:
        return self.session.approved_actions(a_ids)

    def apply_preview(self, a_ids: Sequence[str]) -> Preview:
        p = self.session.preview(self._actions(a_ids))
        return Preview(
            items=p.records,
            projected_credits=p.credits,
            dry_run=self.options.dry_run,
            lines=preview_lines(p, self.options),
            bytes=None,
        )

    @staticmethod
    def _events(on_event: OnEvent) -> OnEvent:
        """The files job's events in the console's terms (records changed → rows changed)."""

        def forward(event: object) -> None:
            if isinstance(event, FileRowsChanged):
                on_event(RowsChanged(list(event.rows)))
            elif not isinstance(event, FilesRunFinished):
                on_event(event)

        return forward

    async def apply(
        self, a_ids: Sequence[str], on_event: OnEvent, control: ApplyControl
    ) -> RunResult:
        return await self.session.apply(self._actions(a_ids), self._events(on_event), control)

    async def retry_failed(self, on_event: OnEvent, control: ApplyControl) -> RunResult:
        summary = await self.session.retry_failed(self._events(on_event), control)
        if self.plan is not None:
            self._mark_approved(self.plan)
        return summary

    def unfinished_runs(self) -> list[RunRecord]:
        return self.session.unfinished_runs()
