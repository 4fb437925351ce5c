"""The engine and session against the in-process simulator through the real ZohoClient."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fieldsync_tui.config import OrgSettings, Settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.model import FieldMap, Outcome, RowClass, Step
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.fields.session import SyncSession, recover_unfinished
from fieldsync_tui.fields.startup import StartupError, connect
from fieldsync_tui.fields.undo import undo_run
from fieldsync_tui.secret import Secret
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.types import WriteResult

BASE = "http://sim.test"
FIELDS = FieldMap(name="Full_Name")


async def _no_sleep(seconds: float) -> None:
    return None


@dataclass
class Rig:
    sim: Simulator
    settings: Settings
    clients: dict[str, ZohoClient]
    journal: Journal

    def rec(self, org: str, rid: str) -> dict[str, Any]:
        record = self.sim.org(org).get(rid)
        assert record is not None
        return record

    async def session(self, wrap: Any = None, **options: Any) -> SyncSession:
        a: Any = self.clients["A"]
        b: Any = self.clients["B"]
        if wrap is not None:
            a, b = wrap(a), wrap(b)
        connected = await connect(self.settings, a, b)
        s = SyncSession(self.settings, connected, self.journal, RunOptions(**options))
        await s.load()
        return s


def _client(sim: Simulator, label: str, **overrides: Any) -> ZohoClient:
    org = sim.org(label)
    options: dict[str, Any] = {"sleep": _no_sleep, "retry_seconds": 1.0, **overrides}
    return ZohoClient(
        label=label,
        client_id=org.client_id,
        client_secret=Secret(org.client_secret),
        refresh_token=Secret(org.refresh_token),
        accounts_url=BASE,
        api_url=BASE,
        api_url_overridden=True,
        transport=sim.transport(),
        **options,
    )


def _settings(state: Path) -> Settings:
    def org(label: str) -> OrgSettings:
        return OrgSettings(label, "x", Secret("x"), Secret("x"), accounts_url=BASE, api_url=BASE)

    return Settings(org("A"), org("B"), FIELDS, state_dir=state)


async def _rig(tmp: Path) -> Rig:
    sim = Simulator(SimConfig(real_time=False))
    return Rig(
        sim,
        _settings(tmp / "state"),
        {x: _client(sim, x) for x in "AB"},
        Journal.open(tmp / "state"),
    )


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    r = await _rig(tmp_path)
    yield r
    for c in r.clients.values():
        await c.aclose()
    r.journal.close()


def seed(sim: Simulator) -> dict[str, str]:
    """A pair of orgs with one row of each kind; returns name → id (A ids, B ids as b:…)."""
    a, b = sim.org("A"), sim.org("B")
    ids: dict[str, str] = {}

    def pair(name: str, a_vals: dict[str, Any], b_vals: dict[str, Any] | None) -> None:
        ids[name] = a.add_record({"Full_Name": name, **a_vals})
        if b_vals is not None:
            ids["b:" + name] = b.add_record({"Full_Name": name, **b_vals})

    url = {"WorkDrive_URL": "https://workdrive.example/r", "WorkDrive_Folder_ID": "fold1"}
    pair("Ready Rita", url, {})
    pair("Sync Sam", url, dict(url))
    pair("Over Olga", url, {"WorkDrive_URL": "https://other.example/x"})
    pair("Nobody Ned", url, None)
    pair("Locked Lou", url, {})
    ids["grp1"] = a.add_record({"Full_Name": "Group Gus", **url})
    ids["grp2"] = a.add_record({"Full_Name": "group  gus", **url})
    ids["b:Group Gus"] = b.add_record({"Full_Name": "Group Gus"})
    return ids


async def test_auto_run_against_the_simulator(rig: Rig) -> None:
    ids = seed(rig.sim)
    s = await rig.session()
    counts = s.plan.class_counts()
    assert counts[RowClass.READY] == 4 and counts[RowClass.IN_SYNC] == 1
    assert counts[RowClass.OVERWRITE] == 1 and counts[RowClass.UNMATCHED] == 1
    rig.sim.org("B").lock_record(ids["b:Locked Lou"])
    summary = await s.apply(s.auto_rows())
    out = {r.a.name: r for r in summary.rows}
    assert out["Ready Rita"].outcome is Outcome.APPLIED
    assert out["Sync Sam"].outcome is Outcome.TICKED
    assert out["Over Olga"].outcome is Outcome.SKIPPED
    lou = out["Locked Lou"]
    assert (lou.outcome, lou.step, lou.code) == (Outcome.FAILED, Step.B_WRITE, "RECORD_LOCKED")
    assert not rig.rec("A", ids["Locked Lou"])["Transfer_Complete"]
    rita_b = rig.rec("B", ids["b:Ready Rita"])
    assert rita_b["WorkDrive_URL"] == "https://workdrive.example/r"
    assert rita_b["Record_Updated_From"] == ids["Ready Rita"]
    gus = rig.rec("B", ids["b:Group Gus"])
    assert gus["Record_Updated_From"] == min(ids["grp1"], ids["grp2"], key=lambda i: (len(i), i))
    assert rig.rec("A", ids["grp1"])["Transfer_Complete"]
    assert rig.rec("A", ids["grp2"])["Transfer_Complete"]
    b_puts = [w for w in rig.sim.stats.writes if w.org == "B"]
    assert len(b_puts) == 1 and all(w.trigger == () for w in rig.sim.stats.writes)
    assert summary.exit_code == 1


async def test_stale_rows_against_the_simulator(rig: Rig) -> None:
    ids = seed(rig.sim)
    s = await rig.session()
    rig.sim.org("B").edit_as_other_user(ids["b:Ready Rita"], {"WorkDrive_Folder_ID": "mine"})
    rig.sim.org("A").edit_as_other_user(ids["grp2"], {"WorkDrive_URL": "https://changed.example"})
    rig.sim.org("A").edit_as_other_user(ids["Sync Sam"], {"Transfer_Complete": True})
    summary = await s.apply(s.auto_rows())
    out = {r.a.id: r.outcome for r in summary.rows}
    assert out[ids["Ready Rita"]] is Outcome.STALE
    assert out[ids["grp1"]] is Outcome.STALE and out[ids["grp2"]] is Outcome.STALE
    assert out[ids["Sync Sam"]] is Outcome.STALE
    assert rig.rec("B", ids["b:Ready Rita"])["WorkDrive_URL"] is None
    assert not rig.rec("A", ids["grp1"])["Transfer_Complete"]


async def test_dropped_write_after_apply_is_not_repeated(rig: Rig) -> None:
    ids = seed(rig.sim)
    s = await rig.session()
    rig.sim.faults.drop_next(1, after_apply=True, org="B", method="PUT")
    summary = await s.apply([ids["Ready Rita"]])
    assert {r.a.id: r.outcome for r in summary.rows}[ids["Ready Rita"]] is Outcome.APPLIED
    assert rig.rec("B", ids["b:Ready Rita"])["WorkDrive_Folder_ID"] == "fold1"


async def test_spent_credits_stop_the_run(rig: Rig) -> None:
    seed(rig.sim)
    s = await rig.session()
    rig.sim.faults.spend_credits("B")
    summary = await s.apply(s.auto_rows())
    assert summary.stopped_reason is not None and summary.exit_code == 1
    assert summary.outcome_counts[Outcome.APPLIED] == 0
    assert not any(r["Transfer_Complete"] for r in rig.sim.org("A").records().values())


async def test_startup_against_the_simulator(rig: Rig, tmp_path: Path) -> None:
    connected = await connect(rig.settings, rig.clients["A"], rig.clients["B"])
    assert connected.a.info.id != connected.b.info.id
    bad = _settings(tmp_path)
    from dataclasses import replace

    bad = replace(bad, fields=FieldMap())  # Name instead of Full_Name
    with pytest.raises(StartupError) as info:
        await connect(bad, rig.clients["A"], rig.clients["B"])
    assert any("Full_Name" in p for p in info.value.problems)


async def test_undo_against_the_simulator(rig: Rig) -> None:
    ids = seed(rig.sim)
    s = await rig.session()
    summary = await s.apply(s.auto_rows())
    connected = await connect(rig.settings, rig.clients["A"], rig.clients["B"])
    undone = await undo_run(rig.settings, connected, rig.journal, summary.run_id)
    assert undone.outcome_counts[Outcome.APPLIED] == 4  # Rita, Lou and the group of two
    assert rig.rec("B", ids["b:Ready Rita"])["WorkDrive_URL"] is None
    assert not rig.rec("A", ids["Ready Rita"])["Transfer_Complete"]
    assert not rig.rec("A", ids["Sync Sam"])["Transfer_Complete"]


class Crash(BaseException):
    """Stands for a kill: nothing after it runs."""


class CrashAfter:
    """Delegates to a client; the ``n``-th update (counted over both orgs) crashes, either
    before it is sent or after Zoho applied it."""

    counter = 0

    def __init__(self, inner: ZohoClient, n: int, after: bool) -> None:
        self.inner, self.n, self.after = inner, n, after
        self.label = inner.label

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def update_records(
        self, module: str, records: Sequence[dict[str, Any]], trigger: Sequence[str]
    ) -> list[WriteResult]:
        CrashAfter.counter += 1
        if CrashAfter.counter == self.n and not self.after:
            raise Crash
        result = await self.inner.update_records(module, records, trigger)
        if CrashAfter.counter == self.n:
            raise Crash
        return result


def _state(sim: Simulator) -> list[tuple[Any, ...]]:
    keys = (
        "Full_Name",
        "WorkDrive_URL",
        "WorkDrive_Folder_ID",
        "Transfer_Complete",
        "Record_Updated_From",
    )
    return [
        (org, rid, *(rec.get(k) for k in keys))
        for org in "AB"
        for rid, rec in sim.org(org).records().items()
    ]


@pytest.mark.parametrize(("n", "after"), [(1, False), (1, True), (2, False), (2, True)])
async def test_a_kill_at_any_write_then_a_new_run_ends_like_an_uninterrupted_run(
    tmp_path: Path, n: int, after: bool
) -> None:
    reference = await _rig(tmp_path / "ref")
    seed(reference.sim)
    s = await reference.session()
    await s.apply(s.auto_rows())
    expected = _state(reference.sim)

    rig = await _rig(tmp_path / "crash")
    seed(rig.sim)
    CrashAfter.counter = 0
    crashing = await rig.session(wrap=lambda c: CrashAfter(c, n, after))
    with pytest.raises(Crash):
        await crashing.apply(crashing.auto_rows())
    recover_unfinished(rig.journal, rig.settings.state_dir)
    again = await rig.session()
    second = await again.apply(again.auto_rows())
    assert (
        second.outcome_counts[Outcome.FAILED] == 0 and second.outcome_counts[Outcome.PARTIAL] == 0
    )
    assert _state(rig.sim) == expected
    for r in (reference, rig):
        for c in r.clients.values():
            await c.aclose()
        r.journal.close()


async def test_batches_run_concurrently_and_each_record_is_written_once(rig: Rig) -> None:
    a, b = rig.sim.org("A"), rig.sim.org("B")
    url = {"WorkDrive_URL": "https://workdrive.example/p", "WorkDrive_Folder_ID": "f"}
    a_ids = [a.add_record({"Full_Name": f"Par {i:04d}", **url}) for i in range(450)]
    b_ids = [b.add_record({"Full_Name": f"Par {i:04d}"}) for i in range(450)]
    rig.sim.faults.latency(5)
    s = await rig.session()
    summary = await s.apply(s.auto_rows())
    assert summary.outcome_counts[Outcome.APPLIED] == 450
    assert rig.sim.gate.peak["B"] >= 2  # several batches were in flight at once
    assert all(rig.rec("A", i)["Transfer_Complete"] for i in a_ids)
    assert all(rig.rec("B", i)["WorkDrive_URL"] == url["WorkDrive_URL"] for i in b_ids)
    assert max(n for (org, _), n in rig.sim.stats.writes_per_record.items() if org == "B") == 1


async def test_a_stop_in_one_batch_leaves_unstarted_batches_unattempted(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = rig.sim.org("A"), rig.sim.org("B")
    url = {"WorkDrive_URL": "https://workdrive.example/p", "WorkDrive_Folder_ID": "f"}
    a_ids = [a.add_record({"Full_Name": f"Stop {i:04d}", **url}) for i in range(1000)]
    for i in range(1000):
        b.add_record({"Full_Name": f"Stop {i:04d}"})
    s = await rig.session()
    rig.sim.faults.spend_credits("B")
    summary = await s.apply(s.auto_rows())
    assert summary.stopped_reason is not None and summary.exit_code == 1
    assert summary.outcome_counts[Outcome.FAILED] == 1000
    assert not any(rig.rec("A", i)["Transfer_Complete"] for i in a_ids)
    # the operator gets one line for the rows never attempted, not one ERROR per row
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("rows not attempted" in r.getMessage() for r in loud)
    assert len(loud) < 20
