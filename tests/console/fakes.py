"""A small fake of the sync session for console tests that need exact control."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.core.events import LogLine, Progress, RowsChanged, RunStarted, RunSummary
from fieldsync_tui.core.journal import JournalRow, RunRecord
from fieldsync_tui.core.model import (
    ARecord,
    BRecord,
    Decision,
    DecisionKind,
    DiffKind,
    FieldDiff,
    MatchKind,
    Outcome,
    Plan,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.core.port import Preview
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.fields.rules import FIELD_RULES
from fieldsync_tui.screens.session_port import ConsoleBackend, OnEvent
from fieldsync_tui.widgets.org_header import HeaderInfo, OrgLine

URL = "WorkDrive_URL"
FOLDER = "WorkDrive_Folder_ID"


def make_row(
    a_id: str,
    name: str,
    klass: RowClass = RowClass.READY,
    b_id: str | None = "9000",
    candidates: tuple[str, ...] = (),
    conflict_with: tuple[str, ...] = (),
) -> PlannedRow:
    kind = DiffKind.OVERWRITE if klass is RowClass.OVERWRITE else DiffKind.FILL
    if klass is RowClass.IN_SYNC:
        kind = DiffKind.SAME
    old = "https://old.example" if kind is DiffKind.OVERWRITE else None
    return PlannedRow(
        a=ARecord(a_id, name, f"https://wd.example/{a_id}", f"F{a_id}"),
        norm_name=" ".join(name.casefold().split()),
        klass=klass,
        reason=f"because {klass.value}",
        b_id=b_id,
        b_candidates=candidates or ((b_id,) if b_id else ()),
        match=MatchKind.EXACT if b_id else None,
        diffs=(
            FieldDiff(URL, old, f"https://wd.example/{a_id}", kind),
            FieldDiff(FOLDER, None, f"F{a_id}", DiffKind.FILL),
        ),
        conflict_with=conflict_with,
    )


def sample_rows(extra_ready: int = 0) -> list[PlannedRow]:
    rows = [
        make_row("101", "Ada Lovelace", RowClass.READY, "9101"),
        make_row("102", "Grace Hopper", RowClass.IN_SYNC, "9102"),
        make_row("103", "Alan Turing", RowClass.OVERWRITE, "9103"),
        make_row("104", "Twin Name", RowClass.DUPLICATE, None, candidates=("9201", "9202")),
        make_row("105", "Nobody Known", RowClass.UNMATCHED, None),
        make_row("106", "Clash One", RowClass.CONFLICT, "9301", conflict_with=("107",)),
        make_row("107", "Clash One", RowClass.CONFLICT, "9301", conflict_with=("106",)),
        make_row("108", "[bold]x[/] \x1b[31mEvil", RowClass.INVALID, None),
    ]
    rows += [
        make_row(str(1000 + i), f"Ready {i}", RowClass.READY, str(20000 + i))
        for i in range(extra_ready)
    ]
    return rows


def sample_b_records() -> dict[str, BRecord]:
    out = {
        b: BRecord(b, name, None, None, modified_time=t)
        for b, name, t in (
            ("9101", "Ada Lovelace", "2024-01-01T00:00:00+00:00"),
            ("9201", "Twin Name", "2024-02-01T00:00:00+00:00"),
            ("9202", "twin  name", "2024-03-01T00:00:00+00:00"),
            ("9301", "Clash One", "2024-01-05T00:00:00+00:00"),
            ("9401", "Nobody Knowne", "2024-01-07T00:00:00+00:00"),
        )
    }
    return out


@dataclass
class FakeSession:
    rows: list[PlannedRow] = field(default_factory=sample_rows)
    b_records: dict[str, BRecord] = field(default_factory=sample_b_records)
    dry_run: bool = False
    fail_ids: set[str] = field(default_factory=set)
    decisions: list[tuple[list[str], DecisionKind, str | None]] = field(default_factory=list)
    applied: list[list[str]] = field(default_factory=list)
    unfinished: list[RunRecord] = field(default_factory=list)
    batch_size: int = 2
    gate: asyncio.Event | None = None  # when set: each batch waits for it
    plan_: Plan | None = None

    @property
    def plan(self) -> Plan | None:
        return self.plan_

    async def load(self, on_progress: Callable[[str, int], None]) -> Plan:
        on_progress("Org B index", len(self.b_records))
        on_progress("Org A pending", len(self.rows))
        self.plan_ = Plan(self.rows, self.b_records)
        self.unfinished = []
        return self.plan_

    def decide(
        self,
        a_ids: Sequence[str],
        kind: DecisionKind,
        target: str | None = None,
        approve: bool = False,
    ) -> None:
        self.decisions.append((list(a_ids), kind, target))
        wanted = set(a_ids)
        for row in self.rows:
            if row.a.id in wanted:
                if kind is DecisionKind.SKIP:
                    row.decision = Decision.SKIPPED
                elif kind is DecisionKind.APPROVE or approve:
                    row.decision = Decision.APPROVED
                if kind in (DecisionKind.PICK_DUPLICATE, DecisionKind.MANUAL_MATCH):
                    row.klass, row.b_id = RowClass.READY, target
                if kind is not DecisionKind.APPROVE and kind is not DecisionKind.SKIP:
                    row.operator_decision = kind

    def undo_last_decision(self) -> list[str]:
        if not self.decisions:
            return []
        ids, _, _ = self.decisions.pop()
        for row in self.rows:
            if row.a.id in ids:
                row.decision = Decision.NONE
                row.operator_decision = None
        return ids

    def replan(self) -> Plan:
        self.plan_ = Plan(self.rows, self.b_records)
        return self.plan_

    def apply_preview(self, a_ids: Sequence[str]) -> Preview:
        lines = (
            ("rows per action", f"write_b {len(a_ids)}"),
            ("projected Zoho credits", "2"),
            ("dry run", "yes" if self.dry_run else "no"),
            ("Org B trigger policy", "none"),
        )
        return Preview(len(a_ids), 2, self.dry_run, lines)

    async def apply(
        self, a_ids: Sequence[str], on_event: OnEvent, control: ApplyControl
    ) -> RunSummary:
        self.applied.append(list(a_ids))
        by_id = {r.a.id: r for r in self.rows}
        todo = [by_id[a] for a in a_ids]
        on_event(RunStarted("run-1", len(todo), self.dry_run))
        done = 0
        for start in range(0, len(todo), self.batch_size):
            if not await control.checkpoint():
                break
            if self.gate is not None:
                await self.gate.wait()
            batch = todo[start : start + self.batch_size]
            for row in batch:
                if row.a.id in self.fail_ids:
                    row.outcome, row.code, row.message = Outcome.FAILED, "INVALID_DATA", "bad"
                else:
                    row.outcome = Outcome.DRY_RUN if self.dry_run else Outcome.APPLIED
                on_event(LogLine(20, f"run-1 {row.a.id} {row.a.name} {row.outcome.value}"))
            done += len(batch)
            on_event(RowsChanged(batch))
            on_event(Progress(done, len(todo), 10.0, 0.0))
        for row in todo:
            if row.outcome is None:
                row.outcome, row.code = Outcome.FAILED, "STOPPED"
        return RunSummary("run-1", self.dry_run, {}, {}, {}, self.rows)

    async def retry_failed(self, on_event: OnEvent, control: ApplyControl) -> RunSummary:
        failed = [r.a.id for r in self.rows if r.outcome is Outcome.FAILED]
        self.fail_ids.clear()
        for row in self.rows:
            if row.a.id in failed:
                row.outcome = None
        return await self.apply(failed, on_event, control)

    def unfinished_runs(self) -> list[RunRecord]:
        return list(self.unfinished)


class FakeSuggester:
    def __init__(self, b_records: Iterable[BRecord]) -> None:
        self.b_records = {b.id: b for b in b_records}

    def suggest(self, name: str, limit: int = 5) -> list[tuple[BRecord, float]]:
        return [(self.b_records["9401"], 0.9)]


@dataclass
class FakeHistory:
    runs: list[RunRecord] = field(default_factory=list)
    rows: dict[str, list[JournalRow]] = field(default_factory=dict)

    def list_runs(self, limit: int = 50) -> list[RunRecord]:
        return self.runs

    def run_rows(self, run_id: str) -> list[JournalRow]:
        return self.rows.get(run_id, [])


def run_record(run_id: str, **values: Any) -> RunRecord:
    """A journal run as ``Journal.list_runs`` returns it (defaults for what a test omits)."""
    base: dict[str, Any] = {
        "started": "2024-01-01T00:00:00Z",
        "finished": None,
        "status": "running",
        "mode": "console",
        "command": "fieldsync",
        "dry_run": False,
    }
    return RunRecord(id=run_id, **{**base, **values})


def journal_row(run_id: str, a_id: str, **values: Any) -> JournalRow:
    """A journal row as ``Journal.run_rows`` returns it (defaults for what a test omits)."""
    base: dict[str, Any] = dict.fromkeys(
        ("b_id", "name", "klass", "decision", "action", "updated_from", "outcome", "step"),
    )
    base.update(code=None, message=None, updated=None, old_values={}, new_values={})
    return JournalRow(run_id=run_id, a_id=a_id, **{**base, **values})


def fake_backend(
    session: FakeSession,
    tmp_path: Any,
    history: FakeHistory | None = None,
) -> ConsoleBackend:
    header = HeaderInfo(
        OrgLine("A", "Org [red]A[/]", "com"),
        OrgLine("B", "Org B", "eu"),
        "Contacts",
        session.dry_run,
    )
    return ConsoleBackend(
        session=session,
        rules=FIELD_RULES,
        header=header,
        history=history or FakeHistory(),
        make_control=ApplyControl,
        make_suggester=FakeSuggester,
        export_dir=tmp_path,
    )
