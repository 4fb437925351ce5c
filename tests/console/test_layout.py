"""What an operator sees at ordinary terminal sizes (80×24 up to 200×60)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsync_tui.app import FieldsyncApp
from fieldsync_tui.core.model import CLASS_ORDER, RowClass
from fieldsync_tui.widgets.log_pane import LogPane
from fieldsync_tui.widgets.record_table import RecordTable

from .conftest import fake_app, screen_text, settle, widget_text
from .fakes import FakeSession, make_row, sample_rows

LONG_ID = "5725767001000000{:03d}"
URL_60 = "https://workdrive.zoho.com/folder/" + "a" * 26  # 60 characters


def app_for(session: FakeSession, tmp_path: Path) -> FieldsyncApp:
    return fake_app(session, tmp_path)  # type: ignore[no-any-return]


def many_rows() -> FakeSession:
    rows = sample_rows()
    rows += [
        make_row(LONG_ID.format(i), f"Company number {i} Limited", RowClass.READY, str(20000 + i))
        for i in range(40)
    ]
    return FakeSession(rows=rows)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
async def test_flag_counts_and_keys_visible_at_every_size(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_for(many_rows(), tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        assert "LIVE" in lines[0].split()[0]  # the safety flag comes first
        shown = "\n".join(lines)
        counts = app.review.plan.class_counts() if app.review.plan else {}
        for key, klass in enumerate(CLASS_ORDER, start=1):
            assert f"{key} {klass.value} {counts[klass]}" in shown
        assert "= 48 loaded" in shown
        footer = lines[-1]
        for key, label in (("x", "Apply"), ("?", "Help"), ("q", "Quit")):
            assert f"{key} {label}" in footer, footer
        table = app.review.query_one(RecordTable)
        rows_visible = table.scrollable_content_region.height
        assert rows_visible >= (12 if size == (80, 24) else 15)
        assert any(LONG_ID.format(0)[-6:] in line for line in lines)


async def test_small_terminal_shortens_ids_and_hides_the_log(tmp_path: Path) -> None:
    app = app_for(many_rows(), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "…" + LONG_ID.format(0)[-9:] in shown and LONG_ID.format(0) not in shown
        assert "Company number 0 Limited" in shown  # the name keeps its room
        log = app.review.query_one(LogPane)
        assert not log.display or log.has_class("-hidden")
        await pilot.press("l")  # the operator can still ask for it
        assert not log.has_class("-hidden")
        await pilot.press("l")
        assert log.has_class("-hidden")
    app = app_for(many_rows(), tmp_path)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert LONG_ID.format(0) in shown
        assert not app.review.query_one(LogPane).has_class("-hidden")


async def test_a_60_character_url_stays_on_one_line_at_160_columns(tmp_path: Path) -> None:
    row = make_row(LONG_ID.format(1), "Long Url Ltd", RowClass.READY, "9101")
    row.a = type(row.a)(row.a.id, row.a.name, URL_60, "F1")
    session = FakeSession(rows=[row, *sample_rows()])
    app = app_for(session, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        detail = widget_text(app.review.query_one("#detail"))
        assert any(URL_60 in line for line in detail.splitlines()), detail
        assert LONG_ID.format(1) in detail


def _row_colours(app: FieldsyncApp, name: str) -> tuple[object, object]:
    table = app.review.query_one(RecordTable)
    y = [r.a.name for r in table.visible_rows].index(name)
    segment = next(s for s in table.render_line(y) if s.text.strip() and s.style)
    assert segment.style is not None
    return segment.style.bgcolor, segment.style.color


async def test_themes_reach_the_table_and_the_cursor_row_stays_readable(tmp_path: Path) -> None:
    from textual.color import Color

    app = app_for(FakeSession(), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for theme, light in (("textual-light", True), ("textual-dark", False)):
            app.theme = theme
            await pilot.pause()
            bg, _ = _row_colours(app, "Grace Hopper")
            assert (Color.from_rich_color(bg).brightness > 0.5) is light, theme  # type: ignore[arg-type]
            cursor_bg, cursor_fg = _row_colours(app, "Ada Lovelace")  # the cursor row
            contrast = abs(
                Color.from_rich_color(cursor_bg).brightness  # type: ignore[arg-type]
                - Color.from_rich_color(cursor_fg).brightness  # type: ignore[arg-type]
            )
            assert contrast > 0.5, (theme, cursor_bg, cursor_fg)
