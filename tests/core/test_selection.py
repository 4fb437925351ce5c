"""Selection after classification: --record-id first, then --limit (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from fieldsync_tui.core.bindex import BIndex
from fieldsync_tui.core.model import (
    ARecord,
    BRecord,
    FieldMap,
    Outcome,
    Plan,
    ReportStatus,
    RowClass,
)
from fieldsync_tui.core.selection import select
from fieldsync_tui.fields.classify import classify

U1 = "https://workdrive.zoho.com/folder/one"
U2 = "https://workdrive.zoho.com/folder/two"


def plan_of(rows: Sequence[ARecord], bs: Sequence[BRecord] = ()) -> Plan:
    return classify(rows, BIndex.build(bs), FieldMap())


def pending(*ids: str) -> list[ARecord]:
    return [ARecord(i, f"Name {i}", U1, "F1") for i in ids]


def chosen(plan: Plan) -> list[str]:
    return [r.a.id for r in plan.rows if r.selected]


@pytest.mark.parametrize(
    ("record_ids", "limit", "expected"),
    [
        ((), None, ["2", "9", "10", "100"]),
        ((), 2, ["2", "9"]),  # first N pending by ascending (numeric) id
        ((), 10, ["2", "9", "10", "100"]),
        (("100", "9"), None, ["9", "100"]),
        (("100", "9", "10"), 2, ["9", "10"]),  # record ids first, then the limit
        (("100",), 1, ["100"]),
        ((" 10 ", "10"), None, ["10"]),
    ],
)
def test_record_id_then_limit(
    record_ids: tuple[str, ...], limit: int | None, expected: list[str]
) -> None:
    plan = select(plan_of(pending("100", "9", "10", "2")), record_ids=record_ids, limit=limit)
    assert chosen(plan) == expected
    for row in plan.rows:
        assert row.outcome is (None if row.selected else Outcome.NOT_SELECTED)
    assert len(plan.rows) == 4  # every loaded row stays: outcome counts add up to rows loaded


def test_report_only_statuses() -> None:
    known = {
        "50": ARecord("50", "Done", U1, "F1", checkbox=True),
        "51": ARecord("51", " \u200b ", U1, "F1"),
        "52": ARecord("52", None, U1, "F1"),
        "53": ARecord("53", "Ticked and nameless", U1, "F1", checkbox=True),
    }
    plan = select(
        plan_of(pending("1", "2")),
        record_ids=["2", "50", "51", "52", "53", "99"],
        known_a=known,
    )
    assert chosen(plan) == ["2"]
    assert plan.report_only == {
        "50": ReportStatus.ALREADY_DONE,
        "51": ReportStatus.NO_NAME,
        "52": ReportStatus.NO_NAME,
        "53": ReportStatus.ALREADY_DONE,
        "99": ReportStatus.NOT_FOUND,
    }
    assert sum(plan.class_counts().values()) == 2  # report-only ids are outside the counts


def test_limit_cannot_split_a_conflict() -> None:
    rows = [ARecord("1", "Acme", U1, "F1"), ARecord("2", "Acme", U2, "F1")]
    plan = select(plan_of(rows, [BRecord("7", "Acme", None, None)]), limit=1)
    assert chosen(plan) == ["1"]
    assert plan.by_a_id()["1"].klass is RowClass.CONFLICT  # not ready: row 2 still counts


def test_select_is_pure_and_can_be_reapplied() -> None:
    original = plan_of(pending("1", "2", "3"))
    narrowed = select(original, limit=1)
    assert all(r.selected and r.outcome is None for r in original.rows)
    widened = select(narrowed, limit=3)
    assert chosen(widened) == ["1", "2", "3"]
    assert all(r.outcome is None for r in widened.rows)


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        select(plan_of(pending("1")), limit=0)
