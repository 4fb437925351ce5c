"""Keys an operator expects: clearing filters, the cursor staying put, help, palette, export."""

from __future__ import annotations

from pathlib import Path

from fieldsync_tui.app import ConsoleOptions, FieldsyncApp, live_connector, make_app
from fieldsync_tui.core.model import CLASS_ORDER
from fieldsync_tui.screens.help import HelpScreen
from fieldsync_tui.widgets.record_table import RecordTable

from .conftest import fake_app, settle, widget_text
from .fakes import FakeSession

SIZE = (120, 40)


def app_for(session: FakeSession, tmp_path: Path) -> FieldsyncApp:
    return fake_app(session, tmp_path)  # type: ignore[no-any-return]


def shown(app: FieldsyncApp) -> list[str]:
    return [r.a.id for r in app.review.query_one(RecordTable).visible_rows]


async def test_escape_clears_the_search_and_zero_resets_every_filter(tmp_path: Path) -> None:
    app = app_for(FakeSession(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"clash", "enter")
        assert shown(app) == ["106", "107"]
        assert "escape clears" in widget_text(app.review.query_one("#filter-line"))
        await pilot.press("escape")
        assert len(shown(app)) == 8
        app.review.show_only(frozenset({"103"}))  # as "review the unfinished run's rows"
        assert shown(app) == ["103"]
        await pilot.press("escape")
        assert len(shown(app)) == 8
        await pilot.press("6", "f", "slash", *"x", "enter")
        await pilot.press("0")
        assert len(shown(app)) == 8 and app.review.filter.outcome is None
        assert app.review.filter.klass is None and app.review.filter.text == ""


async def test_cursor_stays_on_its_record_or_goes_to_the_top(tmp_path: Path) -> None:
    app = app_for(FakeSession(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.review.query_one(RecordTable)
        await pilot.press("down", "down")  # 103, an overwrite row
        assert table.current_row is not None and table.current_row.a.id == "103"
        await pilot.press("3")
        assert table.current_row is not None and table.current_row.a.id == "103"
        await pilot.press("0")
        assert table.current_row is not None and table.current_row.a.id == "103"
        await pilot.press("end", "1")  # 108 (invalid) is filtered out: the top
        assert table.cursor == 0 and shown(app)[0] == "101"


async def test_help_explains_classes_keys_and_steps_palette_describes(tmp_path: Path) -> None:
    app = app_for(FakeSession(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = widget_text(app.screen.query_one("#help-body"))
        for klass in CLASS_ORDER:
            assert klass.value in text
        for words in ("approves only ready and in_sync", "pick", "escape clears the search"):
            assert words in text, words
        assert "step by step" in text and "Deciding" in text and "Writing" in text
        await pilot.press("escape")
        commands = {c.title: c.help for c in app.get_system_commands(app.review)}
        assert commands["Apply (x)"].startswith("Apply the approved rows")
        assert not any(h.startswith("Same as") for h in commands.values())


async def test_export_goes_under_the_state_dir(tmp_path: Path) -> None:
    from fieldsync_tui.config import load_settings
    from fieldsync_tui.simulator import SimConfig, Simulator
    from fieldsync_tui.simulator.dataset import populate_demo

    sim = Simulator(SimConfig(seed=3))
    populate_demo(sim, records=60, seed=7)
    env = dict(sim.env("http://127.0.0.1"), FIELDSYNC_STATE_DIR=str(tmp_path / "state"))
    settings = load_settings(environ=env, cwd=tmp_path / "work")
    app = make_app(live_connector(settings, ConsoleOptions(dry_run=True), sim.transport()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
    exports = list((tmp_path / "state" / "exports").glob("fieldsync-export-*.csv"))
    assert len(exports) == 1
    assert not (tmp_path / "work").exists()
