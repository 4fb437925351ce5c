"""Keys that must stay cheap at 100,000 rows: approve/skip only redraw, the name index is
built after the table is shown."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widgets._footer import FooterKey

from fieldsync_tui.app import FieldsyncApp, make_app
from fieldsync_tui.core.model import BRecord, Decision
from fieldsync_tui.screens.detail import DetailScreen
from fieldsync_tui.screens.session_port import ConsoleBackend, Suggester
from fieldsync_tui.widgets.record_table import RecordTable

from .conftest import settle, widget_text
from .fakes import FakeSession, FakeSuggester, fake_backend
from .test_review_fake import SIZE, app_for


def footer_label(app: FieldsyncApp, key: str) -> str:
    [item] = [k for k in app.review.query(FooterKey) if k.key == key]
    return item.description


async def test_approve_and_skip_keep_the_filtered_index(tmp_path: Path) -> None:
    session = FakeSession()
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.review.query_one(RecordTable)
        index = table.index
        assert footer_label(app, "A") == "Approve 2"
        await pilot.press("y", "n")
        await settle(pilot)
        assert table.index is index  # marks changed in place: no re-filter
        assert [r.decision for r in table.visible_rows[:2]] == [
            Decision.APPROVED,
            Decision.SKIPPED,
        ]
        assert "1 approved to apply" in widget_text(app.review.query_one("#filter-line"))
        assert footer_label(app, "A") == "Approve 1"  # relabelled in place
        await pilot.press("A")
        await settle(pilot)
        assert table.index is index
        await pilot.press("u")  # an undo re-reads the plan (it may have re-planned)
        await settle(pilot)
        assert table.index is not index
        assert "1 approved to apply" in widget_text(app.review.query_one("#filter-line"))


async def test_pick_refilters_and_suggester_follows_the_first_paint(tmp_path: Path) -> None:
    session = FakeSession()
    backend = fake_backend(session, tmp_path)
    shown_when_indexing: list[int] = []

    def make_suggester(records: Iterable[BRecord]) -> Suggester:
        shown_when_indexing.append(len(app.review.query_one(RecordTable).index))
        return FakeSuggester(records)

    backend.make_suggester = make_suggester

    async def connect() -> ConsoleBackend:
        return backend

    app = make_app(connect)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown_when_indexing == [len(session.rows)]  # the table came first
        assert app.review.suggester is not None
        await pilot.press("4")  # duplicates
        await settle(pilot)
        table = app.review.query_one(RecordTable)
        index = table.index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("enter")  # pick the first candidate
        await settle(pilot)
        assert table.index is not index  # a pick re-plans: the filter runs again
        assert table.index == []  # the row became ready: it left the duplicate filter
