"""The README walk-through's promises on the built-in demo (``fieldsync --demo``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fieldsync_tui.app import ConsoleOptions, demo_connector, make_app
from fieldsync_tui.core.model import Outcome, RowClass
from fieldsync_tui.screens.confirm_apply import ConfirmApplyModal
from fieldsync_tui.screens.session_port import ConsoleBackend
from fieldsync_tui.widgets.record_table import RecordTable

from .conftest import screen_text, settle, widget_text
from .fakes import FakeSession, fake_backend

SIZE = (120, 40)


async def test_demo_apply_says_demo_then_locked_rows_fail_and_succeed_on_retry(
    tmp_path: Path,
) -> None:
    _, connect = demo_connector(ConsoleOptions(), tmp_path, latency_ms=0)
    app = make_app(connect)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "A")
        await settle(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmApplyModal)
        shown = screen_text(app)
        assert "DEMO" in shown and "LIVE" not in shown
        await pilot.press("y")
        await settle(pilot)
        failed = [r for r in app.review.rows if r.outcome is Outcome.FAILED]
        assert len(failed) == 3 and {r.code for r in failed} == {"RECORD_LOCKED"}
        assert all(r.klass is RowClass.READY for r in failed)
        await pilot.press("3", "f")  # from any class filter, one press reaches failed
        table = app.review.query_one(RecordTable)
        assert [r.a.id for r in table.visible_rows] == [r.a.id for r in failed]
        assert "RECORD_LOCKED" in widget_text(app.review.query_one("#detail"))
        await pilot.press("R")
        await settle(pilot)
        by_id = {r.a.id: r for r in app.review.rows}  # a retry re-plans into new rows
        assert all(by_id[r.a.id].outcome is Outcome.APPLIED for r in failed)
        assert app.review.backend is not None
        newest = app.review.backend.history.list_runs()[0]  # the retry: its own counts
        assert (
            newest.counts["outcomes"]["applied"] == 3 and newest.counts["outcomes"]["failed"] == 0
        )
        runs = len(app.review.backend.history.list_runs())
        await pilot.press("R")  # nothing failed now: a notification, no run
        await settle(pilot)
        assert app.review.backend is not None
        assert len(app.review.backend.history.list_runs()) == runs
        assert any("Nothing to retry" in n.message for n in app._notifications)


async def test_apply_dialog_names_what_is_written(tmp_path: Path) -> None:
    for dry_run, demo, says, never in (
        (True, True, "DRY RUN", "LIVE"),
        (False, True, "DEMO", "LIVE"),
        (False, False, "LIVE", "DEMO"),
    ):
        session = FakeSession(dry_run=dry_run)
        backend: ConsoleBackend = fake_backend(session, tmp_path)
        backend.header = replace(backend.header, demo=demo)

        async def connect(backend: ConsoleBackend = backend) -> ConsoleBackend:
            return backend

        app = make_app(connect)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("y", "x")
            assert isinstance(app.screen, ConfirmApplyModal)
            text = widget_text(app.screen.query_one("#confirm-mode"))
            assert says in text and never not in text
