"""The console against the in-process simulator through the real client and session."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from fieldsync_tui.app import ConsoleOptions, FieldsyncApp, live_connector, make_app
from fieldsync_tui.config import load_settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.model import Decision, Outcome, RowClass
from fieldsync_tui.screens.choice_modal import ChoiceModal
from fieldsync_tui.screens.confirm_apply import ConfirmApplyModal
from fieldsync_tui.screens.detail import DetailScreen
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.dataset import populate_demo
from fieldsync_tui.widgets.class_counts import ClassCounts
from fieldsync_tui.widgets.log_pane import LogPane
from fieldsync_tui.widgets.record_table import RecordTable

from .conftest import screen_text, settle, widget_text
from .fakes import make_row

BASE = "http://127.0.0.1"
SIZE = (120, 40)
URL = {"WorkDrive_URL": "https://workdrive.example/r", "WorkDrive_Folder_ID": "fold1"}


def seed(sim: Simulator) -> dict[str, str]:
    a, b = sim.org("A"), sim.org("B")
    ids: dict[str, str] = {}

    def pair(name: str, a_vals: dict[str, Any], b_vals: dict[str, Any] | None) -> None:
        ids[name] = a.add_record({"Full_Name": name, **a_vals})
        if b_vals is not None:
            ids["b:" + name] = b.add_record({"Full_Name": name, **b_vals})

    pair("Ready Rita", URL, {})
    pair("Sync Sam", URL, dict(URL))
    pair("Over Olga", URL, {"WorkDrive_URL": "https://other.example/x"})
    pair("[bold]Mark[/] Up", URL, {})
    ids["Twin"] = a.add_record({"Full_Name": "Twin Tom", **URL})
    ids["b:Twin1"] = b.add_record({"Full_Name": "Twin Tom"})
    ids["b:Twin2"] = b.add_record({"Full_Name": "twin  tom"})
    ids["Nobody"] = a.add_record({"Full_Name": "Nobody Ned", **URL})
    ids["b:Near"] = b.add_record({"Full_Name": "Nobody Nedd"})
    ids["c1"] = a.add_record({"Full_Name": "Clash Carl", **URL})
    ids["c2"] = a.add_record(
        {
            "Full_Name": "clash carl",
            "WorkDrive_URL": "https://other.example/c",
            "WorkDrive_Folder_ID": "f2",
        }
    )
    ids["b:Clash"] = b.add_record({"Full_Name": "Clash Carl"})
    return ids


class Rig:
    def __init__(self, tmp: Path, env_extra: dict[str, str] | None = None, **options: Any) -> None:
        self.sim = Simulator(SimConfig(seed=3))
        self.tmp = tmp
        env = dict(self.sim.env(BASE))
        env.update(
            FIELDSYNC_STATE_DIR=str(tmp / "state"),
            LOG_DIR=str(tmp / "logs"),
            ZOHO_RETRY_SECONDS="1",
        )
        env.update(env_extra or {})
        self.settings = load_settings(environ=env, cwd=tmp)
        self.options = ConsoleOptions(**options)

    def app(self) -> FieldsyncApp:
        connect = live_connector(self.settings, self.options, self.sim.transport(), self.tmp)
        return make_app(connect)

    def a(self, rid: str) -> dict[str, Any]:
        rec = self.sim.org("A").get(rid)
        assert rec is not None
        return rec

    def b(self, rid: str) -> dict[str, Any]:
        rec = self.sim.org("B").get(rid)
        assert rec is not None
        return rec


def rows_by_name(app: FieldsyncApp) -> dict[str, Any]:
    return {r.a.name: r for r in app.review.rows}


def shown(app: FieldsyncApp) -> list[str]:
    return [r.a.name or "" for r in app.review.query_one(RecordTable).visible_rows]


def go_to(app: FieldsyncApp, name: str) -> None:
    table = app.review.query_one(RecordTable)
    table.cursor = [r.a.name for r in table.visible_rows].index(name)


async def test_demo_data_counts_add_up(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    populate_demo(rig.sim, records=300, seed=7)
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.review.rows
        assert len(rows) > 250
        counts = widget_text(app.review.query_one(ClassCounts))
        assert f"= {len(rows)} loaded" in counts
        total = 0
        for key in range(1, 8):
            await pilot.press(str(key))
            total += len(shown(app))
        assert total == len(rows)
        assert "Org" in widget_text(app.review.query_one("#org-header"))


async def test_approve_apply_confirm_writes_both_orgs(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    ids = seed(rig.sim)
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")  # nothing is invalid here
        assert shown(app) == []
        await pilot.press("1")
        assert set(shown(app)) == {"Ready Rita", "[bold]Mark[/] Up"}
        row_y = shown(app).index("[bold]Mark[/] Up")
        line = app.review.query_one(RecordTable).render_line(row_y).text
        assert "[bold]Mark[/] Up" in line
        await pilot.press("2", "A")  # bulk approve the in_sync row
        await settle(pilot)
        await pilot.press("1")
        go_to(app, "Ready Rita")
        await pilot.press("y", "x")
        assert isinstance(app.screen, ConfirmApplyModal)
        assert "projected Zoho credits" in widget_text(app.screen.query_one("#confirm-body"))
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmApplyModal)
        assert rig.b(ids["b:Ready Rita"]).get("WorkDrive_URL") in (None, "")
        await pilot.press("y")
        await settle(pilot)
        rows = rows_by_name(app)
        assert rows["Ready Rita"].outcome is Outcome.APPLIED
        assert rows["Sync Sam"].outcome is Outcome.TICKED
        assert rig.b(ids["b:Ready Rita"])["WorkDrive_URL"] == URL["WorkDrive_URL"]
        assert rig.a(ids["Ready Rita"])["Transfer_Complete"] is True
        assert rig.a(ids["Sync Sam"])["Transfer_Complete"] is True
        assert rig.a(ids["Over Olga"])["Transfer_Complete"] is False
        log = "\n".join(app.review.query_one(LogPane).texts)
        assert "Ready Rita" in log and "applied" in log


async def test_picks_duplicate_suggestion_conflict(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    ids = seed(rig.sim)
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "enter")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("down", "enter")
        await settle(pilot)
        twin = rows_by_name(app)["Twin Tom"]
        assert twin.klass is RowClass.READY and twin.b_id == ids["b:Twin2"]
        await pilot.press("5")
        assert shown(app) == ["Nobody Ned"]
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.choices and app.screen.choices[0].target_b_id == ids["b:Near"]
        await pilot.press("enter")
        await settle(pilot)
        assert rows_by_name(app)["Nobody Ned"].b_id == ids["b:Near"]
        await pilot.press("6")
        assert sorted(shown(app)) == ["Clash Carl", "clash carl"]
        go_to(app, "clash carl")
        await pilot.press("enter", "enter")  # the row itself is offered first
        await settle(pilot)
        rows = rows_by_name(app)
        assert rows["clash carl"].klass is not RowClass.CONFLICT
        await pilot.press("u")
        await settle(pilot)
        assert rows_by_name(app)["clash carl"].klass is RowClass.CONFLICT


async def test_failure_display_and_retry(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    ids = seed(rig.sim)
    rig.sim.org("B").lock_record(ids["b:Ready Rita"])
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        go_to(app, "Ready Rita")
        await pilot.press("y", "x", "y")
        await settle(pilot)
        row = rows_by_name(app)["Ready Rita"]
        assert row.outcome is Outcome.FAILED and row.code
        await pilot.press("f")  # the first outcome filter is failed
        assert shown(app) == ["Ready Rita"]
        assert row.code in widget_text(app.review.query_one("#detail"))
        rig.sim.org("B").unlock_record(ids["b:Ready Rita"])
        await pilot.press("R")
        await settle(pilot)
        assert rows_by_name(app)["Ready Rita"].outcome is Outcome.APPLIED
        assert rig.b(ids["b:Ready Rita"])["WorkDrive_URL"] == URL["WorkDrive_URL"]


async def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    rig = Rig(tmp_path, dry_run=True)
    ids = seed(rig.sim)
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "DRY RUN" in widget_text(app.review.query_one("#org-header"))
        await pilot.press("1", "A", "x", "y")
        await settle(pilot)
        assert rows_by_name(app)["Ready Rita"].outcome is Outcome.DRY_RUN
        assert rig.a(ids["Ready Rita"])["Transfer_Complete"] is False
        assert not (tmp_path / "state" / "lock").exists()
        assert not (tmp_path / "state" / "lock.fields").exists()  # the job's lock (issue 7)


async def test_unfinished_run_is_offered_and_resumed(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    ids = seed(rig.sim)
    journal = Journal.open(rig.settings.state_dir)
    old = make_row(ids["Ready Rita"], "Ready Rita", RowClass.READY, ids["b:Ready Rita"])
    journal.begin_run(
        "20240101T000000Z-dead",
        job="fields",
        mode="console",
        command="fieldsync",
        dry_run=False,
        rows=[old],
    )
    journal.close()
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is app.review and len(shown(app)) == len(app.review.rows)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmApplyModal)
        await pilot.press("y")
        await settle(pilot)
        assert rows_by_name(app)["Ready Rita"].outcome is Outcome.APPLIED
    assert rig.a(ids["Ready Rita"])["Transfer_Complete"] is True
    journal = Journal.open(rig.settings.state_dir)
    assert journal.unfinished_runs() == []
    journal.close()


class GatedTransport(httpx.AsyncBaseTransport):
    """Holds every PUT until ``gate`` is set; ``reached`` tells the test a PUT is waiting."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.gate = asyncio.Event()
        self.reached = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.reached.set()
            await self.gate.wait()
        return await self.inner.handle_async_request(request)


async def test_pause_and_quit_while_writing_finishes_the_batch(tmp_path: Path) -> None:
    rig = Rig(tmp_path, {"ZOHO_MAX_CONCURRENCY": "1"})  # one batch in flight at a time
    ids = {}
    a, b = rig.sim.org("A"), rig.sim.org("B")
    for i in range(150):  # two batches of ≤ 100
        ids[i] = a.add_record({"Full_Name": f"Person {i:03}", **URL})
        b.add_record({"Full_Name": f"Person {i:03}"})
    gated = GatedTransport(rig.sim.transport())
    app = make_app(live_connector(rig.settings, rig.options, gated, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A", "x", "y")
        await gated.reached.wait()  # the first batch's B write is in flight
        writer = app.review.writer
        assert writer is not None and app.review.writing
        await pilot.press("p")
        assert writer.paused
        await pilot.press("p")
        assert not writer.paused
        await pilot.press("p", "r")  # paused again; reload is refused while writing
        assert app.review.plan is not None
        await pilot.press("q")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("y")
        gated.gate.set()  # the batch in flight finishes
        await settle(pilot)
    assert app.return_code == 0
    done = [i for i in range(150) if rig.a(ids[i])["Transfer_Complete"]]
    assert len(done) == 100  # the first batch, nothing after it
    by_name = {r.a.name: r for r in app.review.rows}
    assert by_name["Person 149"].outcome is Outcome.FAILED
    assert by_name["Person 000"].outcome is Outcome.APPLIED


async def test_demo_connector_loads_every_class(tmp_path: Path) -> None:
    from fieldsync_tui.app import demo_connector

    _, connect = demo_connector(ConsoleOptions(dry_run=True), tmp_path, latency_ms=0)
    app = make_app(connect)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        counts = app.review.plan.class_counts() if app.review.plan else {}
        assert all(counts[k] > 0 for k in RowClass)
        assert sum(counts.values()) == len(app.review.rows) > 1000
        assert "loaded" in app.review.query_one("#progress").label_text  # type: ignore[attr-defined]


async def test_a_pick_approves_the_row_and_one_u_undoes_both(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    ids = seed(rig.sim)
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "enter", "down", "enter")
        await settle(pilot)
        twin = rows_by_name(app)["Twin Tom"]
        assert twin.decision is Decision.APPROVED and twin.b_id == ids["b:Twin2"]
        log = "\n".join(app.review.query_one(LogPane).texts)
        assert f"picked B record {ids['b:Twin2']} 'twin  tom' for row {ids['Twin']}" in log
        await pilot.press("u")
        await settle(pilot)
        twin = rows_by_name(app)["Twin Tom"]
        assert twin.klass is RowClass.DUPLICATE and twin.decision is Decision.NONE
        await pilot.press("enter", "down", "enter")  # pick again, then apply: it is included
        await settle(pilot)
        await pilot.press("x", "y")
        await settle(pilot)
        assert rows_by_name(app)["Twin Tom"].outcome is Outcome.APPLIED
        assert rig.b(ids["b:Twin2"])["WorkDrive_URL"] == URL["WorkDrive_URL"]


async def test_apply_dialog_lists_rows_resolved_in_an_earlier_session(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    ids = seed(rig.sim)
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:  # session 1: a pick (journalled)
        await settle(pilot)
        await pilot.press("4", "enter", "down", "enter")
        await settle(pilot)
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:  # session 2: the pick holds, not the approve
        await settle(pilot)
        twin = rows_by_name(app)["Twin Tom"]
        assert twin.b_id == ids["b:Twin2"] and twin.decision is Decision.NONE
        await pilot.press("2", "A")
        await settle(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmApplyModal)
        assert "Not included: 1 rows resolved by a pick" in screen_text(app)
        assert "Twin Tom" in screen_text(app)
