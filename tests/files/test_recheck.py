"""The write protocol's pure checks: stale records, names taken since, the tick (§9.5)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    AttachmentKind,
    FileRow,
    FilesPlan,
    FolderFile,
    WorkDriveFolder,
)
from fieldsync_tui.files.recheck import replan_taken, stale_reason, tick_check

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
Build = Callable[..., FilesPlan]
STAMP = "20260304_050607"
A = ARecord("1", "Acme", None, None, False, True)
DOCS = [
    Attachment("x", "a.pdf", 10),
    Attachment("y", "a.pdf", 20),
    Attachment("z", "there.pdf", 5),
    Attachment("big", "big.iso", 5_000_000),
    Attachment("l", "Link", 0, AttachmentKind.LINK, "https://example.com"),
]


@pytest.fixture
def row(build: Build) -> FileRow:
    folder = WorkDriveFolder("f", "Acme", "https://workdrive.zoho.com/folder/f", 1)
    listing = {"f": [FolderFile("r", "there.pdf", 5)]}
    return build([A], [folder], {"1": DOCS}, listing, max_bytes=1_000_000).rows[0]


@pytest.mark.parametrize(
    ("fresh", "listed", "reason"),
    [
        (A, True, None),
        (replace(A, url="  "), True, None),  # empty stays empty after trimming
        (None, True, "the Org A record is gone"),
        (replace(A, name="Acme "), True, "A's name changed since the plan"),
        (replace(A, url="https://x/y"), True, "A's URL changed since the plan"),
        (
            replace(A, folder_id="g", files_checkbox=True),
            True,
            "A's folder id, files checkbox changed since the plan",
        ),
        (replace(A, fields_checkbox=False), True, "A's field-sync checkbox changed since the plan"),
        (A, False, "folder f is gone"),
    ],
)
def test_stale(row: FileRow, fresh: ARecord | None, listed: bool, reason: str | None) -> None:
    assert stale_reason(row, fresh, listed) == reason


def test_names_taken_since_are_planned_again(row: FileRow) -> None:
    assert [f.dest_name for f in row.files[:2]] == ["a.pdf", f"a_{STAMP}.pdf"]
    again = replan_taken(row.files, ["there.pdf", "A.PDF"], AT)
    assert list(again) == ["x"]
    assert again["x"].dest_name == f"a_{STAMP}_2.pdf"  # avoids y's planned name
    assert replan_taken(row.files, ["there.pdf"], AT) == {}
    both = replan_taken(row.files, ["a.pdf", f"a_{STAMP}.pdf", "big.iso"], AT)
    assert {k: v.dest_name for k, v in both.items()} == {
        "x": f"a_{STAMP}_2.pdf",
        "y": f"a_{STAMP}_3.pdf",
    }


def test_tick_only_when_every_file_is_there(row: FileRow) -> None:
    assert tick_check(row, DOCS, {"x", "y"}) == (True, [])
    ok, why = tick_check(row, DOCS, {"x"})
    assert not ok and why == ["attachment y is not in the folder"]
    added = [*DOCS, Attachment("new", "late.pdf", 1)]
    assert tick_check(row, added, {"x", "y"}) == (
        False,
        ["attachment new was added since the plan"],
    )
    changed = [replace(DOCS[0], size=11), *DOCS[1:]]
    assert tick_check(row, changed, {"x", "y"})[1] == ["attachment x changed since the plan"]
    assert tick_check(row, DOCS[1:], {"y"}) == (True, [])  # deleted since: nothing to wait for
