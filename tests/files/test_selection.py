"""Selection after classification for the files job: --record-id, then --limit (§4, §9.2)."""

from __future__ import annotations

import pytest

from fieldsync_tui.core.model import ReportStatus
from fieldsync_tui.core.selection import choose
from fieldsync_tui.files.folders import FolderIndex
from fieldsync_tui.files.match import MatchOptions, match_records
from fieldsync_tui.files.model import (
    ARecord,
    FileOutcome,
    FilesFieldMap,
    FilesPlan,
    WorkDriveFolder,
)
from fieldsync_tui.files.plan import load_targets
from fieldsync_tui.files.selection import report_status, select


def plan_of(*ids: str, include_ticked: bool = False) -> FilesPlan:
    records = [ARecord(i, f"Name {i}", None, None) for i in ids]
    options = MatchOptions(include_ticked=include_ticked)
    return match_records(records, FolderIndex.build([]), FilesFieldMap(), options)


def chosen(plan: FilesPlan) -> list[str]:
    return [r.a.id for r in plan.rows if r.selected]


@pytest.mark.parametrize(
    ("record_ids", "limit", "expected"),
    [
        ((), None, ["2", "9", "10", "100"]),
        ((), 2, ["2", "9"]),
        (("100", "9"), None, ["9", "100"]),
        (("100", "9", "10"), 2, ["9", "10"]),  # record ids first, then the limit
        ((" 10 ", "10"), None, ["10"]),
    ],
)
def test_record_id_then_limit(
    record_ids: tuple[str, ...], limit: int | None, expected: list[str]
) -> None:
    plan = select(plan_of("100", "9", "10", "2"), record_ids=record_ids, limit=limit)
    assert chosen(plan) == expected
    for row in plan.rows:
        assert row.outcome is (None if row.selected else FileOutcome.NOT_SELECTED)
    assert len(plan.rows) == 4


def test_report_only_statuses() -> None:
    known = {
        "50": ARecord("50", "Done", None, None, files_checkbox=True),
        "51": ARecord("51", " \u200b ", None, None),
        "52": ARecord("52", "Fields done only", None, None, fields_checkbox=True),
    }
    plan = select(plan_of("1"), record_ids=["1", "50", "51", "52", "99"], known_a=known)
    assert chosen(plan) == ["1"]
    assert plan.report_only == {
        "50": ReportStatus.ALREADY_DONE,
        "51": ReportStatus.NO_NAME,
        "52": ReportStatus.NOT_FOUND,  # the field sync's tick does not make it done here
        "99": ReportStatus.NOT_FOUND,
    }
    assert plan.report_names["50"] == "Done" and plan.report_names["99"] is None
    assert report_status(known["50"], include_ticked=True) is ReportStatus.NOT_FOUND


def test_reselecting_clears_not_selected() -> None:
    plan = select(plan_of("1", "2", "3"), limit=1)
    assert chosen(plan) == ["1"]
    select(plan, limit=3)
    assert chosen(plan) == ["1", "2", "3"]
    assert all(r.outcome is None for r in plan.rows)


def test_only_selected_rows_are_listed() -> None:
    records = [ARecord(i, "Acme", None, None) for i in ("3", "1", "2")]
    index = FolderIndex.build([WorkDriveFolder("f", "Acme", "https://w/folder/f", None)])
    plan = select(match_records(records, index, FilesFieldMap()), record_ids=["3", "2"], limit=1)
    assert load_targets(plan) == (["2"], ["f"])


def test_choose_and_limit_checks() -> None:
    assert choose(["10", "9", "x"], [], 2) == {"9", "10"}
    with pytest.raises(ValueError, match="at least 1"):
        select(plan_of("1"), limit=0)
