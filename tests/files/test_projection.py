"""Projected calls and credits of a files apply and of its attachment load (§9.2, §9.5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fieldsync_tui.files.folders import FolderIndex
from fieldsync_tui.files.match import MatchOptions, match_records
from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    FilesFieldMap,
    FilesPlan,
    FolderFile,
    WorkDriveFolder,
)
from fieldsync_tui.files.policy import Action, AutoOptions, auto_actions
from fieldsync_tui.files.projection import (
    Projection,
    listing_calls,
    project_apply,
    project_load,
)
from fieldsync_tui.files.selection import select

Build = Callable[..., FilesPlan]


def link(fid: str) -> str:
    return f"https://workdrive.zoho.com/folder/{fid}"


def many(build: Build, n: int, files: int) -> FilesPlan:
    records = [ARecord(str(i), f"R{i}", None, None) for i in range(1, n + 1)]
    folders = [WorkDriveFolder(f"f{i}", f"R{i}", link(f"f{i}"), None) for i in range(1, n + 1)]
    atts = {
        str(i): [Attachment(f"{i}-{k}", f"d{k}.pdf", 10) for k in range(files)]
        for i in range(1, n + 1)
    }
    return build(records, folders, atts)


def test_ready_records_in_three_batches(build: Build) -> None:
    plan = many(build, 250, 2)
    p = project_apply(plan, auto_actions(plan.rows, AutoOptions()))
    assert p == Projection(
        records=250,
        batches=3,
        field_writes=250,
        ticks=250,
        files=500,
        bytes=5000,
        # per batch: re-read, field write, tick (3 × 3) + 500 downloads + 250 re-lists
        crm_calls=9 + 500 + 250,
        workdrive_calls=250 + 500,  # one listing per folder + 500 uploads
        # re-reads 3 + writes 10+10+5 + downloads 500 + re-lists 250 + ticks 10+10+5
        credits=3 + 25 + 500 + 250 + 25,
    )
    assert p.calls == p.crm_calls + p.workdrive_calls


def test_batched_a_writes_stay_below_the_target_per_record(build: Build) -> None:
    plan = many(build, 1000, 0)
    p = project_apply(plan, auto_actions(plan.rows, AutoOptions(tick_empty=True)))
    a_writes = p.crm_calls - p.ticks  # everything but the per-record attachment re-lists
    assert a_writes == 30 and a_writes / p.records <= 0.03  # issue 12's bench target


def test_in_sync_and_no_files_and_already_ticked(build: Build) -> None:
    records = [
        ARecord("1", "Sync", link("s"), "s"),
        ARecord("2", "Empty", None, None),
        ARecord("3", "Old", link("o"), "o", files_checkbox=True),  # --include-ticked repair
    ]
    folders = [
        WorkDriveFolder("s", "Sync", link("s"), 1),
        WorkDriveFolder("e", "Empty", link("e"), 1),
        WorkDriveFolder("o", "Old", link("o"), 1),
    ]
    atts = {"1": [Attachment("a", "x.pdf", 4)], "3": [Attachment("b", "y.pdf", 7)]}
    others = [FolderFile(f"q{i}", f"q{i}", 1) for i in range(120)]
    listing = {"s": [FolderFile("r", "x.pdf", 4), *others]}
    plan = build(records, folders, atts, listing, options=MatchOptions(include_ticked=True))
    actions = auto_actions(plan.rows, AutoOptions())
    assert actions == {"1": Action.TICK, "2": Action.SET_FOLDER, "3": Action.APPLY}
    p = project_apply(plan, actions)
    assert (p.records, p.field_writes, p.ticks, p.files, p.bytes) == (3, 1, 1, 1, 7)
    # re-read + field write + 1 download + 1 re-list + tick
    assert p.crm_calls == 5 and p.credits == 1 + 1 + 1 + 1 + 1
    assert p.workdrive_calls == listing_calls(121) + 1 + 1 + 1  # listings s, e, o; 1 upload


def test_a_shared_folder_is_listed_once_per_batch_and_skips_cost_nothing(build: Build) -> None:
    records = [ARecord(str(i), "Acme", None, None) for i in range(1, 4)]
    plan = build(records, [WorkDriveFolder("f", "Acme", link("f"), 1)], {})
    actions = auto_actions(plan.rows, AutoOptions())
    actions["3"] = Action.SKIP
    p = project_apply(plan, actions)
    assert (p.records, p.workdrive_calls) == (2, 1)
    assert project_apply(plan, {}) == Projection()


@pytest.mark.parametrize(("items", "calls"), [(0, 1), (49, 1), (50, 2), (100, 3), (120, 3)])
def test_listing_pages_until_a_short_page(items: int, calls: int) -> None:
    assert listing_calls(items) == calls


def test_load_projection_counts_selected_records_and_folders() -> None:
    records = [ARecord(str(i), "Acme" if i < 3 else f"B{i}", None, None) for i in range(1, 6)]
    folders = [WorkDriveFolder("f", "Acme", link("f"), 1), WorkDriveFolder("g", "B3", "x", 1)]
    plan = match_records(records, FolderIndex.build(folders), FilesFieldMap())
    select(plan, limit=4)
    assert project_load(plan) == Projection(records=3, crm_calls=3, workdrive_calls=2, credits=3)
