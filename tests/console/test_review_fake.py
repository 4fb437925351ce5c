"""The review screen driven by an operator's keys, against a fake session."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import OptionList

from fieldsync_tui.app import FieldsyncApp, make_app
from fieldsync_tui.core.model import Decision, DecisionKind, Outcome, RowClass
from fieldsync_tui.screens.choice_modal import ChoiceModal
from fieldsync_tui.screens.confirm_apply import ConfirmApplyModal
from fieldsync_tui.screens.detail import DetailScreen
from fieldsync_tui.screens.errors import ErrorModal
from fieldsync_tui.screens.help import HelpScreen
from fieldsync_tui.screens.history import HistoryScreen
from fieldsync_tui.screens.review import ReviewScreen
from fieldsync_tui.screens.view_state import ViewFilter
from fieldsync_tui.widgets.class_counts import ClassCounts
from fieldsync_tui.widgets.log_pane import LogPane
from fieldsync_tui.widgets.record_table import RecordTable

from .conftest import settle, widget_text
from .fakes import FakeHistory, FakeSession, fake_backend, journal_row, run_record

SIZE = (120, 40)


def app_for(
    session: FakeSession, tmp_path: Path, history: FakeHistory | None = None
) -> FieldsyncApp:
    backend = fake_backend(session, tmp_path, history)

    async def connect() -> object:
        return backend

    return make_app(connect)  # type: ignore[arg-type]


def table(app: FieldsyncApp) -> RecordTable:
    return app.review.query_one(RecordTable)


def shown_ids(app: FieldsyncApp) -> list[str]:
    return [r.a.id for r in table(app).visible_rows]


def log_text(app: FieldsyncApp) -> str:
    return "\n".join(app.review.query_one(LogPane).texts)


async def test_loads_counts_add_up_and_filters_by_class(tmp_path: Path) -> None:
    session = FakeSession()
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(shown_ids(app)) == 8
        counts = widget_text(app.review.query_one(ClassCounts))
        assert "= 8 loaded" in counts
        await pilot.press("4")
        assert shown_ids(app) == ["104"]
        await pilot.press("6")
        assert shown_ids(app) == ["106", "107"]
        await pilot.press("7")
        assert shown_ids(app) == ["108"]
        await pilot.press("0")
        assert len(shown_ids(app)) == 8


async def test_search_and_outcome_filter(tmp_path: Path) -> None:
    app = app_for(FakeSession(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"  GRACE ", "enter")
        assert shown_ids(app) == ["102"]
        await pilot.press("slash", "ctrl+u", "enter")  # an empty search clears it
        assert len(shown_ids(app)) == 8
        await pilot.press("f")  # failed: none yet
        assert shown_ids(app) == []
        await pilot.press("f")  # applied: none yet
        assert shown_ids(app) == []
        await pilot.press("0")
        assert len(shown_ids(app)) == 8


async def test_approve_skip_undo(tmp_path: Path) -> None:
    session = FakeSession()
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")  # approves 101, moves down
        await pilot.press("n")  # skips 102
        await pilot.pause()
        rows = {r.a.id: r for r in session.rows}
        assert rows["101"].decision is Decision.APPROVED
        assert rows["102"].decision is Decision.SKIPPED
        assert session.decisions[-1] == (["102"], DecisionKind.SKIP, None)
        await pilot.press("u")
        await pilot.pause()
        assert rows["102"].decision is Decision.NONE
        assert rows["101"].decision is Decision.APPROVED
        assert "undid" in log_text(app)


async def test_bulk_approve_is_one_decision_over_the_filter(tmp_path: Path) -> None:
    session = FakeSession(rows=None) if False else FakeSession()
    from .fakes import sample_rows

    session.rows = sample_rows(extra_ready=500)
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bindings = app.review._bindings.key_to_bindings["A"]
        assert "502" in bindings[0].description  # ready + in_sync in "all"
        await pilot.press("1")  # only ready
        assert "501" in app.review._bindings.key_to_bindings["A"][0].description
        await pilot.press("A")
        await settle(pilot)
        assert len(session.decisions) == 1
        ids, kind, _ = session.decisions[0]
        assert kind is DecisionKind.APPROVE and len(ids) == 501 and "102" not in ids
        await pilot.press("u")
        await pilot.pause()
        assert all(r.decision is Decision.NONE for r in session.rows)


async def test_duplicate_pick_and_unmatched_suggestion_and_conflict_winner(tmp_path: Path) -> None:
    session = FakeSession()
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "enter")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("down", "enter")  # the second candidate
        await pilot.pause()
        assert session.decisions[-1] == (["104"], DecisionKind.PICK_DUPLICATE, "9202")
        await pilot.press("5", "enter")
        assert isinstance(app.screen, DetailScreen)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert session.decisions[-1] == (["105"], DecisionKind.MANUAL_MATCH, "9401")
        await pilot.press("6", "enter")
        await pilot.press("down", "enter")  # the peer row 107 wins
        await pilot.pause()
        assert session.decisions[-1] == (["107"], DecisionKind.CONFLICT_WINNER, None)
        await pilot.press("3", "enter", "escape")  # overwrite: nothing to pick, escape closes
        assert app.screen is app.review
        assert session.decisions[-1][0] == ["107"]


async def test_apply_confirm_enter_never_confirms_y_does(tmp_path: Path) -> None:
    session = FakeSession()
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        assert app.screen is app.review  # nothing approved yet: a notification only
        await pilot.press("1", "y", "2", "y", "0", "x")
        assert isinstance(app.screen, ConfirmApplyModal)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmApplyModal) and session.applied == []
        await pilot.press("n")
        assert app.screen is app.review and session.applied == []
        await pilot.press("x", "escape")
        assert session.applied == []
        await pilot.press("x", "y")
        await settle(pilot)
        assert session.applied == [["101", "102"]]
        rows = {r.a.id: r for r in session.rows}
        assert rows["101"].outcome is Outcome.APPLIED
        assert "101 Ada Lovelace applied" in log_text(app)
        await pilot.press("f", "f")  # outcome filter: failed, then applied
        assert shown_ids(app) == ["101", "102"]


async def test_failure_shown_and_retry(tmp_path: Path) -> None:
    session = FakeSession(fail_ids={"101"})
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", "x", "y")
        await settle(pilot)
        row = session.rows[0]
        assert row.outcome is Outcome.FAILED
        table(app).cursor = 0
        await pilot.pause()
        detail = app.review.query_one("#detail")
        assert "INVALID_DATA" in widget_text(detail)
        await pilot.press("R")
        await settle(pilot)
        assert row.outcome is Outcome.APPLIED and session.applied[-1] == ["101"]


async def test_pause_resume_and_quit_while_writing(tmp_path: Path) -> None:
    session = FakeSession(batch_size=1)
    gate = asyncio.Event()
    session.gate = gate
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "y", "2", "y", "0", "x", "y")
        await pilot.pause()
        assert app.review.writing
        await pilot.press("p")
        assert app.review.writer is not None and app.review.writer.paused
        await pilot.press("p")
        assert not app.review.writer.paused
        await pilot.press("r")  # reload refused while writing
        assert app.review.plan is not None
        await pilot.press("q")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("y")
        gate.set()  # the batch in flight finishes
        await settle(pilot)
        assert app.return_code == 0
    rows = {r.a.id: r for r in session.rows}
    assert rows["101"].outcome is Outcome.APPLIED
    assert rows["102"].outcome is Outcome.FAILED and rows["102"].code == "STOPPED"


async def test_unfinished_run_review_then_discard(tmp_path: Path) -> None:
    run = run_record("run-0", started="2024-01-01", unconfirmed=1)
    history = FakeHistory(rows={"run-0": [journal_row("run-0", "103", outcome=None)]})
    session = FakeSession(unfinished=[run])
    app = app_for(session, tmp_path, history)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        keys = widget_text(app.screen.query_one("#choice-keys")).splitlines()
        assert all(line.strip().startswith(("r ", "v ", "d ")) for line in keys if line.strip())
        await pilot.press("v")
        await settle(pilot)
        assert shown_ids(app) == ["103"]
        await pilot.press("escape")
        assert len(shown_ids(app)) == 8


async def test_unfinished_run_resume_approves_and_asks(tmp_path: Path) -> None:
    run = run_record("run-0", started="2024-01-01", unconfirmed=2)
    history = FakeHistory(
        rows={
            "run-0": [
                journal_row("run-0", "101", outcome=None),
                journal_row("run-0", "104", outcome=None),
            ]
        }
    )
    session = FakeSession(unfinished=[run])
    app = app_for(session, tmp_path, history)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is app.review  # no dialog opens on its own
        assert app.review.filter == ViewFilter() and len(shown_ids(app)) == 8  # no filter
        assert {r.a.id: r for r in session.rows}["101"].decision is Decision.APPROVED
        assert any("Press x to apply" in n.message for n in app._notifications)
        await pilot.press("x")  # the next key does what it says
        assert isinstance(app.screen, ConfirmApplyModal)
        await pilot.press("y")
        await settle(pilot)
        assert session.applied == [["101"]]


async def test_markup_names_literal_help_history_export_log(tmp_path: Path) -> None:
    run = run_record(
        "run-9",
        started="s",
        finished="f",
        status="done",
        mode="console",
        dry_run=False,
        counts={"outcomes": {"applied": 3}},
        unconfirmed=0,
    )
    history = FakeHistory(runs=[run], rows={"run-9": [journal_row("run-9", "1", name="[b]n[/b]")]})
    app = app_for(FakeSession(), tmp_path, history)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        line = table(app).render_line(0).text
        assert "[bold]x[/]" in line and "\\x1b" in line
        assert "Org [red]A[/]" in widget_text(app.review.query_one("#org-header"))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "h")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape", "0", "e")
        await settle(pilot)
        exports = list(tmp_path.glob("fieldsync-export-*.csv"))
        assert len(exports) == 1
        assert exports[0].read_text().count("\n") == 9
        assert any("Exported 8 rows" in n.message for n in app._notifications)
        await pilot.press("l")
        assert app.review.query_one(LogPane).has_class("-hidden")


async def test_connect_error_shows_modal_and_exits_1(tmp_path: Path) -> None:
    from fieldsync_tui.fields.startup import StartupError

    async def connect() -> object:
        raise StartupError(["ORG_A_CLIENT_ID: Zoho refused the client id"])

    app = make_app(connect)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "ORG_A_CLIENT_ID" in app.screen.report.message
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 1


async def test_worker_error_does_not_kill_the_app(tmp_path: Path) -> None:
    from fieldsync_tui.zoho.errors import CreditsExhaustedError

    session = FakeSession()

    async def boom(*args: object, **kwargs: object) -> None:
        raise CreditsExhaustedError("no credits left", org="B")

    session.apply = boom  # type: ignore[method-assign]
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", "x", "y")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "credits" in app.screen.report.check
        await pilot.press("escape")
        assert not app.review.writing
        assert app.is_running


async def test_palette_lists_review_commands(tmp_path: Path) -> None:
    app = app_for(FakeSession(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.review)]
        assert "Approve (y)" in titles and "Apply (x)" in titles and "Help (?)" in titles
        del titles
        assert RowClass.READY


async def test_y_on_a_review_row_explains_instead_of_approving(tmp_path: Path) -> None:
    session = FakeSession()
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")  # unmatched rows
        [unmatched] = shown_ids(app)
        before = list(session.decisions)
        await pilot.press("y")
        await pilot.pause()
        assert session.decisions == before  # nothing journalled
        assert {r.a.id: r for r in session.rows}[unmatched].decision is Decision.NONE
        messages = [n.message for n in app._notifications]
        assert any("press enter for near-name suggestions" in m for m in messages)


async def test_no_second_decision_while_one_is_being_applied(tmp_path: Path) -> None:
    session = FakeSession()
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        screen.deciding = True  # as while a pick re-plans in its worker
        before = list(session.decisions)
        await pilot.press("y", "A", "x")
        await pilot.pause()
        assert session.decisions == before
        assert any("still being applied" in n.message for n in app._notifications)
