"""``h``: a header row, aligned counts, "no runs yet", and what an interrupted run wrote."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from fieldsync_tui.app import FieldsyncApp
from fieldsync_tui.screens.history import HistoryScreen

from .conftest import fake_app, screen_text, settle
from .fakes import FakeHistory, FakeSession, journal_row, run_record

SIZE = (160, 40)


def app_for(tmp_path: Path, history: FakeHistory) -> FieldsyncApp:
    return fake_app(FakeSession(), tmp_path, history)  # type: ignore[no-any-return]


async def test_no_runs_yet(tmp_path: Path) -> None:
    app = app_for(tmp_path, FakeHistory())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        assert isinstance(app.screen, HistoryScreen)
        assert "no runs yet" in screen_text(app)


async def test_header_row_counts_and_an_interrupted_run(tmp_path: Path) -> None:
    done = run_record(
        "run-1",
        started="2026-12-01T10:00:00Z",
        finished="2026-12-01T10:01:00Z",
        status="failed",
        counts={"outcomes": {"applied": 1197, "failed": 3}},
    )
    cut = run_record("run-2", started="2026-12-01T11:00:00Z", status="interrupted", unconfirmed=1)
    rows = [
        journal_row("run-2", "1", action="write_b", outcome="applied"),
        journal_row("run-2", "2", action="write_b", outcome="applied"),
        journal_row("run-2", "3", action="write_b"),
        journal_row("run-2", "4"),
    ]
    app = app_for(tmp_path, FakeHistory(runs=[cut, done], rows={"run-2": rows}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        table = app.screen.query_one("#history-runs", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["run", "status", "job", "mode", "applied", "failed", "notes"]
        assert str(table.get_row_at(1)[4]) == "1197" and str(table.get_row_at(1)[5]) == "3"
        assert str(table.get_row_at(0)[4]) == "2"  # what the interrupted run wrote
        assert "1 not confirmed" in str(table.get_row_at(0)[-1])
        assert "1197" in screen_text(app)  # not cut
