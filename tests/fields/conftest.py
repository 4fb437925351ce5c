"""Builders for engine tests: hand-made plans over the in-memory fake client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fieldsync_tui.config import OrgSettings, Settings
from fieldsync_tui.core.events import EngineEvent
from fieldsync_tui.core.journal import Journal, new_run_id
from fieldsync_tui.core.model import (
    ARecord,
    BRecord,
    DiffKind,
    FieldDiff,
    FieldMap,
    MatchKind,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.fields.engine import ApplyEngine, EngineConfig
from fieldsync_tui.fields.session import SyncSession
from fieldsync_tui.fields.startup import connect
from fieldsync_tui.secret import Secret

from .fakes import FakeClient

FIELDS = FieldMap()


def diffs(a: ARecord, b: BRecord) -> tuple[FieldDiff, ...]:
    out = []
    for name, new, old in (
        (FIELDS.url, a.url, b.url),
        (FIELDS.folder_id, a.folder_id, b.folder_id),
    ):
        kind = DiffKind.SAME if new == old else DiffKind.FILL if not old else DiffKind.OVERWRITE
        out.append(FieldDiff(name, old, new, kind))
    return tuple(out)


def klass_of(d: tuple[FieldDiff, ...]) -> RowClass:
    kinds = {x.kind for x in d}
    if kinds == {DiffKind.SAME}:
        return RowClass.IN_SYNC
    return RowClass.OVERWRITE if DiffKind.OVERWRITE in kinds else RowClass.READY


class World:
    """Two fake orgs, a journal and a plan built from their current records."""

    def __init__(self, tmp: Path) -> None:
        self.a = FakeClient("A")
        self.b = FakeClient("B")
        self.journal = Journal.open(tmp)
        self.events: list[EngineEvent] = []

    def add_a(self, rid: str, name: str, url: str | None, folder: str | None) -> None:
        self.a.add(
            rid, Name=name, WorkDrive_URL=url, WorkDrive_Folder_ID=folder, Transfer_Complete=False
        )

    def add_b(
        self,
        rid: str,
        name: str,
        url: str | None = None,
        folder: str | None = None,
        updated_from: str | None = None,
    ) -> None:
        self.b.add(
            rid,
            Name=name,
            WorkDrive_URL=url,
            WorkDrive_Folder_ID=folder,
            Record_Updated_From=updated_from,
        )

    def b_record(self, rid: str) -> BRecord:
        r = self.b.records[rid]
        return BRecord(
            rid,
            r["Name"],
            r["WorkDrive_URL"],
            r["WorkDrive_Folder_ID"],
            r.get("Record_Updated_From"),
        )

    def row(self, a_id: str, b_id: str) -> PlannedRow:
        r = self.a.records[a_id]
        a = ARecord(a_id, r["Name"], r["WorkDrive_URL"], r["WorkDrive_Folder_ID"], False)
        d = diffs(a, self.b_record(b_id))
        return PlannedRow(
            a=a,
            norm_name=a.name.casefold() if a.name else "",
            klass=klass_of(d),
            reason="test",
            b_id=b_id,
            b_candidates=(b_id,),
            match=MatchKind.EXACT,
            diffs=d,
        )

    def engine(
        self,
        rows: list[PlannedRow],
        *,
        dry_run: bool = False,
        control: ApplyControl | None = None,
        fields: FieldMap = FIELDS,
        emit: Callable[[EngineEvent], None] | None = None,
    ) -> ApplyEngine:
        run_id = new_run_id()
        self.journal.begin_run(
            run_id, job="fields", mode="auto", command="test", dry_run=dry_run, rows=rows
        )
        b_records = {rid: self.b_record(rid) for rid in self.b.records}
        return ApplyEngine(
            EngineConfig(
                run_id=run_id,
                fields=fields,
                client_a=self.a,
                client_b=self.b,
                triggers_a=(),
                triggers_b=("workflow",),
                journal=self.journal,
                b_records=b_records,
                dry_run=dry_run,
                emit=emit or self.events.append,
                control=control,
            )
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path)
    yield w
    w.journal.close()


def make_settings(state: Path) -> Settings:
    def org(label: str) -> OrgSettings:
        return OrgSettings(label, f"id-{label}", Secret("x"), Secret("y"))

    return Settings(org("A"), org("B"), FieldMap(), state_dir=state)


class Env:
    def __init__(self, tmp: Path) -> None:
        self.settings = make_settings(tmp / "state")
        self.a = FakeClient("A")
        self.b = FakeClient("B")
        self.journal = Journal.open(self.settings.state_dir)
        self.events: list[EngineEvent] = []

    def a_rec(
        self,
        rid: str,
        name: str | None,
        url: str | None = "https://u",
        folder: str | None = "F",
        ticked: bool = False,
    ) -> None:
        self.a.add(
            rid, Name=name, WorkDrive_URL=url, WorkDrive_Folder_ID=folder, Transfer_Complete=ticked
        )

    def b_rec(
        self,
        rid: str,
        name: str,
        url: str | None = None,
        folder: str | None = None,
        modified: str = "2026-01-01T00:00:00+00:00",
    ) -> None:
        self.b.add(
            rid,
            Name=name,
            WorkDrive_URL=url,
            WorkDrive_Folder_ID=folder,
            Record_Updated_From=None,
            Modified_Time=modified,
        )

    async def session(self, **options: object) -> SyncSession:
        connected = await connect(self.settings, self.a, self.b)
        s = SyncSession(self.settings, connected, self.journal, RunOptions(**options))  # type: ignore[arg-type]
        await s.load()
        return s


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    e = Env(tmp_path)
    yield e
    e.journal.close()


def seed_mixed(env: Env) -> None:
    env.a_rec("1", "Ready One", "https://r1", "F1")
    env.b_rec("91", "ready one")
    env.a_rec("2", "In Sync", "https://s", "S")
    env.b_rec("92", "In Sync", "https://s", "S")
    env.a_rec("3", "Over", "https://new", "N")
    env.b_rec("93", "Over", "https://old", "O")
    env.a_rec("4", "Dup")
    env.b_rec("94", "Dup", modified="2026-01-01T00:00:00+00:00")
    env.b_rec("95", "dup", modified="2026-02-01T00:00:00+00:00")
    env.a_rec("5", "Nobody")
    env.a_rec("6", "Bad", url="not a url")
    env.b_rec("96", "Bad")
    env.a_rec("7", "Done", ticked=True)
    env.a_rec("8", "   ")  # empty normalised name: not pending
