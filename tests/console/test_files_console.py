"""The files job's console (issue 12, DESIGN §9.6) at 80×24 and 160×45: counts that add
up, the detail with a rename and a link, approve / skip / bulk, a duplicate pick that then
applies, a per-file skip, apply with confirm, progress to "done", pause, quit while
transferring, and R on the file that fails once. Driven through the real adapter
(``files.console``) over a fake files session."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from fieldsync_tui.core.model import Decision
from fieldsync_tui.files.model import FileClass, FileOutcome, SkipReason
from fieldsync_tui.files.policy import Action
from fieldsync_tui.screens.choice_modal import ChoiceModal
from fieldsync_tui.screens.confirm_apply import ConfirmApplyModal
from fieldsync_tui.screens.files_detail import FilesDetailScreen
from fieldsync_tui.widgets.run_progress import RunProgress

from .conftest import screen_text, settle, widget_text
from .files_fakes import FakeFilesSession, files_app

SIZES = [(80, 24), (160, 45)]


def by_id(fake: FakeFilesSession) -> dict[str, Any]:
    return {r.a.id: r for r in fake.rows}


def label(app: Any) -> str:
    return str(app.review.query_one(RunProgress).label_text)


async def open_row(pilot: Any, app: Any, a_id: str) -> None:
    table = app.review.table
    table.cursor = next(i for i, r in enumerate(table.visible_rows) if r.a.id == a_id)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
async def test_counts_add_up_columns_and_header(tmp_path: Path, size: tuple[int, int]) -> None:
    fake = FakeFilesSession()
    app = files_app(fake, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        counts = widget_text(app.review.query_one("#class-counts"))
        flat = " ".join(counts.split())
        found = {k: int(n) for k, n in re.findall(r"\d ([a-z_]+) (\d+)", flat)}
        assert list(found) == [k.value for k in FileClass]  # keys 1–6 in §9.3 order
        assert found == {
            "ready": 3,
            "in_sync": 1,
            "overwrite": 1,
            "duplicate": 1,
            "unmatched": 1,
            "no_files": 2,
        }
        assert sum(found.values()) == len(fake.rows) and f"= {len(fake.rows)} loaded" in flat
        assert "(4 records share 2 folders)" in flat
        screen = screen_text(app)
        assert "files" in screen and "--tick-empty" in " ".join(screen.split())
        assert "DEMO" not in screen and "LIVE" in screen
        assert "4 · 2.3 MB" in screen or size[0] < 100  # count · size (MB, decimal)
        assert "[bold]" in screen and "\x1b" not in screen  # names literal, escapes escaped
        await pilot.press("6")
        assert {r.a.id for r in app.review.table.visible_rows} == {"106", "109"}
        await pilot.press("7")  # the files job has six classes
        assert {r.a.id for r in app.review.table.visible_rows} == {"106", "109"}


@pytest.mark.parametrize("size", SIZES)
async def test_detail_rename_link_and_how_we_know(tmp_path: Path, size: tuple[int, int]) -> None:
    app = files_app(FakeFilesSession(), tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_row(pilot, app, "101")
        assert isinstance(app.screen, FilesDetailScreen)
        text = " ".join(widget_text(app.screen.query_one("#detail-diff")).split())
        assert "Contract_20261202_080000.pdf (renamed)" in text
        assert "Spec page link, not copied" in text
        assert "already there: matched by name and size" in text
        assert "https://workdrive.zoho.eu/folder/f201" in text
        assert "Folder candidates" in text and "Attachments" in text
        await pilot.press("escape")
        await open_row(pilot, app, "102")
        text = " ".join(widget_text(app.screen.query_one("#detail-diff")).split())
        assert "copied by run 20261201-070000-ab12" in text
        await pilot.press("escape")
        await open_row(pilot, app, "107")
        text = " ".join(widget_text(app.screen.query_one("#detail-diff")).split())
        assert "Shares the folder with 1 other record" in text and "108" in text


async def test_approve_skip_and_bulk(tmp_path: Path) -> None:
    fake = FakeFilesSession()
    app = files_app(fake, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = by_id(fake)
        await pilot.press("1", "A")
        await settle(pilot)
        assert {a for a, r in rows.items() if r.decision is Decision.APPROVED} == {
            "101",
            "107",
            "108",
        }
        await pilot.press("0", "6", "A")  # no_files is bulk-approvable too
        await settle(pilot)
        assert rows["106"].decision is Decision.APPROVED
        await pilot.press("0", "3", "y")  # overwrite: one by one
        await settle(pilot)
        assert rows["103"].decision is Decision.APPROVED
        await pilot.press("0", "5", "y")  # unmatched cannot be approved
        await settle(pilot)
        assert rows["105"].decision is Decision.NONE
        assert any("near-name folders" in n.message for n in app._notifications)
        await pilot.press("n")
        await settle(pilot)
        assert rows["105"].decision is Decision.SKIPPED
        assert ("skip", ("105",), None) in fake.decisions
        await pilot.press("u")
        await settle(pilot)
        assert rows["105"].decision is Decision.NONE


@pytest.mark.parametrize("size", SIZES)
async def test_duplicate_pick_then_apply_includes_the_row(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    fake = FakeFilesSession()
    app = files_app(fake, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("4", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FilesDetailScreen)
        await pilot.press("down", "enter")  # the second candidate
        await settle(pilot)
        assert ("pick", ("104",), "f204b") in fake.decisions
        assert fake.loads == 2  # the pick re-planned the record's files
        picked = by_id(fake)["104"]
        assert picked.klass is FileClass.READY and picked.decision is Decision.APPROVED
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmApplyModal)
        await pilot.press("y")
        await settle(pilot)
        assert fake.applied[-1] == {"104": Action.APPLY}
        assert picked.outcome is FileOutcome.APPLIED


async def test_n_on_a_file_skips_that_file(tmp_path: Path) -> None:
    fake = FakeFilesSession()
    app = files_app(fake, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_row(pilot, app, "101")
        await pilot.press("down", "down", "n")  # the third file: Site photo.jpg
        await settle(pilot)
        assert ("skip_file", ("101",), "a3") in fake.decisions
        plans = {p.attachment.id: p for p in by_id(fake)["101"].files}
        assert plans["a3"].skip is SkipReason.OPERATOR and plans["a1"].skip is None
        await open_row(pilot, app, "101")
        text = " ".join(widget_text(app.screen.query_one("#detail-diff")).split())
        assert "Site photo.jpg 800.0 KB n: skipped by you" in text
        await pilot.press("escape", "y", "x")
        await settle(pilot)
        body = " ".join(widget_text(app.screen.query_one("#confirm-body")).split())
        assert "files to copy: 2 (1.5 MB)" in body  # the skipped file left out


@pytest.mark.parametrize("size", SIZES)
async def test_apply_confirm_progress_done_and_retry_of_the_failing_file(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    fake = FakeFilesSession()
    app = files_app(fake, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("1", "A", "0", "x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmApplyModal)
        body = " ".join(screen_text(app).split())
        for words in (
            "records: 3",
            "files to copy: 5 (2.3 MB)",
            "projected calls",
            "projected Zoho credits",
            "ticked (--tick-empty)",
            "Org A trigger policy: workflow",
            "LIVE",
        ):
            assert words in body, words
        await pilot.press("enter")  # never confirms
        assert isinstance(app.screen, ConfirmApplyModal)
        await pilot.press("y")
        await settle(pilot)
        rows = by_id(fake)
        assert rows["101"].outcome is FileOutcome.PARTIAL  # Site photo.jpg failed once
        assert rows["107"].outcome is FileOutcome.APPLIED
        done = label(app)
        assert done.startswith("done in") and "applied 2" in done and "partial 1" in done
        await pilot.press("f")
        assert [r.a.id for r in app.review.table.visible_rows] == []  # failed: none
        await pilot.press("f")  # what R retries comes first: failed, then partial
        assert [r.a.id for r in app.review.table.visible_rows] == ["101"]
        await pilot.press("R")
        await settle(pilot)
        assert fake.applied[-1] == {"101": Action.APPLY}
        assert rows["101"].outcome is FileOutcome.APPLIED
        assert "done in" in label(app)
        await pilot.press("R")
        await settle(pilot)
        assert any("Nothing to retry" in n.message for n in app._notifications)


async def test_pause_between_files_shows_mb_and_quit_lets_the_file_finish(
    tmp_path: Path,
) -> None:
    fake = FakeFilesSession()
    gate = asyncio.Event()
    fake.gate = gate
    app = files_app(fake, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "A", "x", "y")
        for _ in range(5):
            await pilot.pause()
        assert app.review.writing
        await pilot.press("p")
        assert "pausing… (files in flight finish; p resumes)" in label(app)
        gate.set()
        for _ in range(10):
            await pilot.pause()
        assert "MB" in label(app) and "files" in label(app)
        assert "left" not in label(app)  # no ETA while paused
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert "Stop after the files in flight and quit?" in " ".join(screen_text(app).split())
        await pilot.press("y")
        await settle(pilot)
    assert app.return_code == 0
    outcomes = {r.outcome for r in fake.rows if r.a.id in ("101", "107", "108")}
    assert FileOutcome.FAILED in outcomes  # files not started: not copied, for R


async def test_export_has_the_folders_to_create(tmp_path: Path) -> None:
    app = files_app(FakeFilesSession(), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        help_text = " ".join(widget_text(app.screen.query_one("#help-body")).split())
        assert "1–6" in help_text and "no_files" in help_text and "n on a file" in help_text
        await pilot.press("escape")
        titles = {c.title for c in app.get_system_commands(app.review)}
        assert "Only no_files (6)" in titles and not any("(7)" in t for t in titles)
        await pilot.press("5", "e")
        await settle(pilot)
    (export,) = (tmp_path / "exports").glob("fieldsync-export-*.csv")
    lines = export.read_text().splitlines()
    assert lines[0].endswith(",folder_to_create")
    assert lines[1].startswith("105,Nobody Known,unmatched") and lines[1].endswith(",Nobody Known")


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_loading_more_than_1000_records_attachments_asks(tmp_path: Path, answer: str) -> None:
    fake = FakeFilesSession(ask_above=5)  # the fake's nine records stand for > 1,000
    app = files_app(fake, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(10):
            await pilot.pause()
            if isinstance(app.screen, ChoiceModal):
                break
        assert isinstance(app.screen, ChoiceModal)
        text = " ".join(screen_text(app).replace("█", " ").replace("▌", " ").split())
        assert "Listing the attachments of 9 selected records takes about 16 calls" in text
        assert "9 Org A credits" in text
        await pilot.press(answer)
        await settle(pilot)
        assert fake.answers == ["yes" if answer == "y" else "no"]
        assert (by_id(fake)["101"].files != ()) == (answer == "y")
        await pilot.press("4", "enter")  # a pick loads again: the answer stands
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert fake.loads == 2 and len(fake.answers) == 2
        assert not isinstance(app.screen, ChoiceModal)
