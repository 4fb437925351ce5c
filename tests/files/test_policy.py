"""§9.3's --auto column for every class and option combination, review rows, outcomes."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from fieldsync_tui.core.model import Decision
from fieldsync_tui.files.match import MatchOptions
from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    FileClass,
    FileOutcome,
    FileRow,
    FilesPlan,
    FolderFile,
    WorkDriveFolder,
)
from fieldsync_tui.files.policy import (
    Action,
    AutoOptions,
    auto_action,
    auto_actions,
    class_action,
    is_review_row,
    needs_tick,
    review_rows,
    success_outcome,
)

Build = Callable[..., FilesPlan]


def link(fid: str) -> str:
    return f"https://workdrive.zoho.com/folder/{fid}"


FOLDERS = [
    WorkDriveFolder("r", "Ready", link("r"), 1),
    WorkDriveFolder("s", "Sync", link("s"), 1),
    WorkDriveFolder("o", "Over", link("o"), 1),
    WorkDriveFolder("d1", "Dup", link("d1"), 5),
    WorkDriveFolder("d2", "dup", link("d2"), 9),
    WorkDriveFolder("e", "Empty", link("e"), 1),
    WorkDriveFolder("p", "Points", link("p"), 1),
]
RECORDS = [
    ARecord("1", "Ready", None, None),
    ARecord("2", "Sync", link("s"), "s"),
    ARecord("3", "Over", link("x"), "x"),
    ARecord("4", "Dup", None, None),
    ARecord("5", "Unmatched", None, None),
    ARecord("6", "Empty", None, None),
    ARecord("7", "Points", link("p"), "p"),  # no_files, already pointing
]
DOC = Attachment("a", "doc.pdf", 10)
ATTACHMENTS = {"1": [DOC], "2": [DOC], "3": [DOC], "4": [DOC], "6": [], "7": []}
LISTINGS = {"s": [FolderFile("x", "doc.pdf", 10)]}


def planned(build: Build, on_duplicate: str) -> FilesPlan:
    options = MatchOptions(on_duplicate="newest" if on_duplicate == "newest" else "skip")
    return build(RECORDS, FOLDERS, ATTACHMENTS, LISTINGS, options=options)


def test_the_fixture_covers_every_class(build: Build) -> None:
    classes = [r.klass for r in planned(build, "skip").rows]
    assert classes == [
        FileClass.READY,
        FileClass.IN_SYNC,
        FileClass.OVERWRITE,
        FileClass.DUPLICATE,
        FileClass.UNMATCHED,
        FileClass.NO_FILES,
        FileClass.NO_FILES,
    ]


def expected(a_id: str, allow_overwrite: bool, newest: bool, tick_empty: bool) -> Action:
    """§9.3's --auto column, written out by hand."""
    empty = Action.SET_FOLDER_AND_TICK if tick_empty else Action.SET_FOLDER
    return {
        "1": Action.APPLY,
        "2": Action.TICK,
        "3": Action.APPLY if allow_overwrite else Action.SKIP,
        "4": Action.APPLY if newest else Action.SKIP,  # newest: folder d2, one file to copy
        "5": Action.SKIP,
        "6": empty,
        "7": empty,
    }[a_id]


COMBOS = list(itertools.product([False, True], ["skip", "newest"], [False, True]))


@pytest.mark.parametrize(("allow_overwrite", "on_duplicate", "tick_empty"), COMBOS)
def test_auto_column(
    build: Build, allow_overwrite: bool, on_duplicate: str, tick_empty: bool
) -> None:
    plan = planned(build, on_duplicate)
    options = AutoOptions(allow_overwrite=allow_overwrite, tick_empty=tick_empty)
    actions = auto_actions(plan.rows, options)
    newest = on_duplicate == "newest"
    assert actions == {
        r.a.id: expected(r.a.id, allow_overwrite, newest, tick_empty) for r in plan.rows
    }
    review = {r.a.id for r in plan.rows if is_review_row(r, options)}
    assert review == {"5"} | ({"3"} if not allow_overwrite else set()) | (
        {"4"} if not newest else set()
    )
    assert review_rows(plan.rows, options) == len(review)


def test_newest_takes_the_latest_folder(build: Build) -> None:
    dup = planned(build, "newest").by_a_id()["4"]
    assert dup.klass is FileClass.READY and dup.folder_id == "d2"


def test_skips_and_selection_win(build: Build) -> None:
    plan = planned(build, "skip")
    rows = plan.by_a_id()
    rows["1"].decision = Decision.SKIPPED
    rows["2"].selected = False
    options = AutoOptions(allow_overwrite=True, tick_empty=True)
    assert auto_action(rows["1"], options) is Action.SKIP
    assert auto_action(rows["2"], options) is Action.SKIP
    assert not is_review_row(rows["1"], options)  # a skipped ready row is decided
    rows["3"].decision = Decision.SKIPPED
    assert is_review_row(rows["3"], options)  # a skipped overwrite row is still one to review


def test_a_row_whose_attachments_were_not_listed_is_never_applied(build: Build) -> None:
    row = planned(build, "skip").by_a_id()["1"]
    row.files_loaded = False
    assert class_action(row, tick_empty=True) is Action.SKIP


def outcome_of(row: FileRow, action: Action) -> FileOutcome:
    return success_outcome(row, action)


def test_outcomes_of_a_run_that_landed(build: Build) -> None:
    rows = planned(build, "skip").by_a_id()
    assert outcome_of(rows["1"], Action.APPLY) is FileOutcome.APPLIED
    assert outcome_of(rows["2"], Action.TICK) is FileOutcome.TICKED
    assert outcome_of(rows["6"], Action.SET_FOLDER) is FileOutcome.FOLDER_SET
    assert outcome_of(rows["6"], Action.SET_FOLDER_AND_TICK) is FileOutcome.APPLIED
    assert outcome_of(rows["7"], Action.SET_FOLDER) is FileOutcome.FOLDER_SET
    assert outcome_of(rows["7"], Action.SET_FOLDER_AND_TICK) is FileOutcome.TICKED
    assert outcome_of(rows["5"], Action.SKIP) is FileOutcome.SKIPPED


def test_a_record_already_ticked_needs_no_tick(build: Build) -> None:
    rows = planned(build, "skip").by_a_id()
    assert needs_tick(rows["2"], Action.TICK)
    assert not needs_tick(rows["6"], Action.SET_FOLDER)
    ticked = ARecord("2", "Sync", link("s"), "s", files_checkbox=True)
    rows["2"].a = ticked
    assert not needs_tick(rows["2"], Action.TICK)
