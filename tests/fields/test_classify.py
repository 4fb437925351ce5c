"""Classes of pending rows, precedence, duplicates, conflicts and decisions (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from fieldsync_tui.core.bindex import BIndex
from fieldsync_tui.core.model import (
    ARecord,
    BRecord,
    Decision,
    DecisionKind,
    DiffKind,
    FieldMap,
    MatchKind,
    OperatorDecision,
    Plan,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.fields.classify import (
    ClassifyOptions,
    classify,
    plan_fingerprint,
)

U1 = "https://workdrive.zoho.com/folder/one"
U2 = "https://workdrive.zoho.com/folder/two"


def writers(rows: list[PlannedRow]) -> dict[str, list[PlannedRow]]:
    """B id → the ready/overwrite rows that write it, ascending A id (one B write each)."""
    groups: dict[str, list[PlannedRow]] = {}
    for row in sorted(rows, key=lambda r: int(r.a.id)):
        if row.b_id is not None and row.klass in (RowClass.READY, RowClass.OVERWRITE):
            groups.setdefault(row.b_id, []).append(row)
    return groups


FIELDS = FieldMap()


def a(a_id: str, name: str | None, url: str | None = U1, folder: str | None = "F1") -> ARecord:
    return ARecord(a_id, name, url, folder)


def b(
    b_id: str,
    name: str | None,
    url: str | None = None,
    folder: str | None = None,
    modified: str | None = None,
) -> BRecord:
    return BRecord(b_id, name, url, folder, modified_time=modified)


def run(
    rows: Sequence[ARecord],
    bs: Sequence[BRecord],
    options: ClassifyOptions | None = None,
    decisions: Sequence[OperatorDecision] = (),
) -> Plan:
    return classify(
        rows,
        BIndex.build(bs),
        FIELDS,
        options or ClassifyOptions(),
        {d.a_id: d for d in decisions},
    )


def one(plan: Plan, a_id: str) -> PlannedRow:
    return plan.by_a_id()[a_id]


@pytest.mark.parametrize(
    ("a_values", "b_values", "klass", "kinds"),
    [
        ((U1, "F1"), (None, None), RowClass.READY, (DiffKind.FILL, DiffKind.FILL)),
        ((U1, "F1"), ("  ", ""), RowClass.READY, (DiffKind.FILL, DiffKind.FILL)),
        ((U1, "F1"), (U1, None), RowClass.READY, (DiffKind.SAME, DiffKind.FILL)),
        ((U1, "F1"), (None, "F1"), RowClass.READY, (DiffKind.FILL, DiffKind.SAME)),
        ((U1, "F1"), (U1, "F1"), RowClass.IN_SYNC, (DiffKind.SAME, DiffKind.SAME)),
        ((f" {U1} ", " F1"), (f"{U1}  ", "F1 "), RowClass.IN_SYNC, (DiffKind.SAME,) * 2),
        ((U1, "F1"), (U2, "F1"), RowClass.OVERWRITE, (DiffKind.OVERWRITE, DiffKind.SAME)),
        ((U1, "F1"), (None, "F9"), RowClass.OVERWRITE, (DiffKind.FILL, DiffKind.OVERWRITE)),
        ((U1, "F1"), (U1, "f1"), RowClass.OVERWRITE, (DiffKind.SAME, DiffKind.OVERWRITE)),
    ],
)
def test_single_match_classes_and_diffs(
    a_values: tuple[str, str],
    b_values: tuple[str | None, str | None],
    klass: RowClass,
    kinds: tuple[DiffKind, DiffKind],
) -> None:
    plan = run([a("1", "Acme", *a_values)], [b("7", "Acme", *b_values)])
    row = one(plan, "1")
    assert row.klass is klass
    assert row.b_id == "7"
    assert row.b_candidates == ("7",)
    assert tuple(d.kind for d in row.diffs) == kinds
    assert [d.api_name for d in row.diffs] == [FIELDS.url, FIELDS.folder_id]
    assert [d.new for d in row.diffs] == [a_values[0].strip(), a_values[1].strip()]
    assert [d.old for d in row.diffs] == list(b_values)  # B's values as loaded
    assert row.reason


def test_reasons_name_the_field() -> None:
    plan = run(
        [a("1", "X"), a("2", "Y"), a("3", "Z")],
        [b("7", "X", U2, "F1"), b("8", "Y", None, "F1"), b("9", "Z", U1, "F1")],
    )
    assert one(plan, "1").reason == "B has a different WorkDrive URL"
    assert "WorkDrive URL" in one(plan, "2").reason
    assert one(plan, "3").reason == "B already holds these values"


def test_updated_from_never_decides_a_class() -> None:
    plan = run([a("1", "Acme")], [BRecord("7", "Acme", U1, "F1", updated_from="999")])
    assert one(plan, "1").klass is RowClass.IN_SYNC


@pytest.mark.parametrize(
    ("url", "folder", "options", "reason"),
    [
        (None, "F1", ClassifyOptions(), "URL is empty"),
        ("  ", "F1", ClassifyOptions(), "URL is empty"),
        (U1, None, ClassifyOptions(), "folder id is empty"),
        (U1, " \t", ClassifyOptions(), "folder id is empty"),
        ("www.x.com/a", "F1", ClassifyOptions(), "URL has no http/https scheme"),
        ("ftp://x/a", "F1", ClassifyOptions(), "URL has no http/https scheme"),
        ("https://", "F1", ClassifyOptions(), "URL has no host"),
        ("https://x.co/ab", "F1", ClassifyOptions(url_max_len=10), "B allows 10"),
        (U1, "F123", ClassifyOptions(folder_max_len=3), "B allows 3"),
    ],
)
def test_invalid(
    url: str | None, folder: str | None, options: ClassifyOptions, reason: str
) -> None:
    plan = run([a("1", "Acme", url, folder)], [b("7", "Acme")], options)
    row = one(plan, "1")
    assert row.klass is RowClass.INVALID
    assert reason in row.reason
    assert row.b_id is None and row.diffs == ()
    assert row.b_candidates == ("7",)  # shown in the detail, never written


def test_lengths_are_checked_after_trimming() -> None:
    options = ClassifyOptions(url_max_len=len(U1), folder_max_len=2)
    plan = run([a("1", "Acme", f"  {U1}  ", " F1 ")], [b("7", "Acme")], options)
    assert one(plan, "1").klass is RowClass.READY


def test_both_values_wrong_lists_both_problems() -> None:
    plan = run([a("1", "Acme", "nope", None)], [b("7", "Acme")])
    assert one(plan, "1").reason == "URL has no http/https scheme; folder id is empty"


def test_unmatched() -> None:
    plan = run([a("1", "Acme Ltd")], [b("7", "Acme Limited")])
    row = one(plan, "1")
    assert row.klass is RowClass.UNMATCHED
    assert row.reason == "no B record named 'acme ltd'"
    assert row.b_id is None and row.b_candidates == () and row.match is None


@pytest.mark.parametrize(
    ("a_name", "b_name", "kind"),
    [
        ("Acme Ltd", "Acme Ltd", MatchKind.EXACT),
        ("ACME  ltd", "Acme Ltd", MatchKind.NORMALISED),
        ("Cafe\u0301", "Café", MatchKind.NORMALISED),
        ("Straße", "STRASSE", MatchKind.NORMALISED),
    ],
)
def test_match_kind(a_name: str, b_name: str, kind: MatchKind) -> None:
    assert one(run([a("1", a_name)], [b("7", b_name)]), "1").match is kind


@pytest.mark.parametrize(
    ("a_name", "b_names", "exact"),
    [
        ("Acme Ltd", ["acme ltd", "ACME LTD"], False),
        ("Acme Ltd", ["Acme Ltd", "acme  ltd"], True),  # one matches exactly: still duplicate
        ("x", ["x", "X", "x "], True),
    ],
)
def test_duplicate_even_when_one_matches_exactly(
    a_name: str, b_names: list[str], exact: bool
) -> None:
    bs = [b(str(10 + i), n) for i, n in enumerate(b_names)]
    row = one(run([a("1", a_name)], bs), "1")
    assert row.klass is RowClass.DUPLICATE
    assert row.b_id is None and row.diffs == ()
    assert row.b_candidates == tuple(x.id for x in bs)
    assert row.reason.startswith(f"{len(bs)} B records named")
    assert ("one matches exactly" in row.reason) is exact
    assert row.match is (MatchKind.EXACT if exact else MatchKind.NORMALISED)


NEWEST = ClassifyOptions(on_duplicate="newest")


@pytest.mark.parametrize(
    ("times", "winner"),
    [
        (["2024-01-01T10:00:00+00:00", "2024-03-01T10:00:00+00:00"], "11"),
        (["2024-03-01T10:00:00+00:00", "2024-01-01T10:00:00+00:00"], "10"),
        (["2024-03-01T10:00:00+00:00", "2024-03-01T10:00:00+00:00"], "11"),  # tie: highest id
        (["2024-03-01T12:00:00+05:30", "2024-03-01T08:00:00+00:00"], "11"),  # offsets count
        ([None, "2020-01-01T00:00:00Z"], "11"),  # a known time beats none
        ([None, None], "11"),
    ],
)
def test_newest_resolves_a_duplicate(times: list[str | None], winner: str) -> None:
    bs = [b("10", "Acme", modified=times[0]), b("11", "acme", modified=times[1])]
    row = one(run([a("1", "Acme")], bs, NEWEST), "1")
    assert row.klass is RowClass.READY
    assert row.b_id == winner
    assert row.b_candidates == ("10", "11")
    assert "newest of 2" in row.reason


def test_newest_tie_compares_ids_numerically() -> None:
    same = "2024-03-01T10:00:00+00:00"
    bs = [b("9", "Acme", modified=same), b("10", "Acme", modified=same)]
    assert one(run([a("1", "Acme")], bs, NEWEST), "1").b_id == "10"


def test_newest_classifies_like_a_single_match() -> None:
    bs = [
        b("10", "Acme", U2, "F1", "2024-01-01T00:00:00Z"),
        b("11", "Acme", U1, "F1", "2025-01-01T00:00:00Z"),
    ]
    assert one(run([a("1", "Acme")], bs, NEWEST), "1").klass is RowClass.IN_SYNC
    bs = [
        b("10", "Acme", U1, "F1", "2025-01-01T00:00:00Z"),
        b("11", "Acme", U2, "F1", "2024-01-01T00:00:00Z"),
    ]
    assert one(run([a("1", "Acme", U2)], bs, NEWEST), "1").klass is RowClass.OVERWRITE


def test_conflict_different_values_to_one_b_record() -> None:
    plan = run(
        [a("1", "Acme", U1), a("2", "ACME", U2), a("3", "acme ", U2)],
        [b("7", "Acme")],
    )
    for a_id in ("1", "2", "3"):
        row = one(plan, a_id)
        assert row.klass is RowClass.CONFLICT
        assert row.b_id == "7"
        assert "different values" in row.reason
    assert one(plan, "1").conflict_with == ("2", "3")
    assert one(plan, "2").conflict_with == ("1", "3")
    assert writers(plan.rows) == {}


def test_same_values_form_one_write_group_not_a_conflict() -> None:
    plan = run([a("2", "Acme"), a("1", "ACME", f" {U1} ", "F1 ")], [b("7", "Acme")])
    assert [r.klass for r in plan.rows] == [RowClass.READY, RowClass.READY]
    assert all(r.conflict_with == () for r in plan.rows)
    groups = writers(plan.rows)
    assert list(groups) == ["7"]
    assert [r.a.id for r in groups["7"]] == ["1", "2"]


def test_conflict_only_visible_after_newest() -> None:
    bs = [
        b("10", "Acme", modified="2024-01-01T00:00:00Z"),
        b("11", "acme", modified="2025-01-01T00:00:00Z"),
    ]
    rows = [a("1", "Acme", U1), a("2", "ACME", U2)]
    assert {r.klass for r in run(rows, bs).rows} == {RowClass.DUPLICATE}
    newest = run(rows, bs, NEWEST)
    assert {r.klass for r in newest.rows} == {RowClass.CONFLICT}
    assert {r.b_id for r in newest.rows} == {"11"}


def test_precedence_invalid_beats_everything() -> None:
    # invalid beats unmatched, duplicate and conflict
    plan = run(
        [a("1", "Nobody", "bad"), a("2", "Dup", None), a("3", "One", "bad"), a("4", "One", U2)],
        [b("10", "Dup"), b("11", "dup"), b("12", "One")],
    )
    assert [r.klass for r in plan.rows] == [
        RowClass.INVALID,
        RowClass.INVALID,
        RowClass.INVALID,
        RowClass.READY,  # the invalid row does not make it a conflict
    ]


def test_precedence_duplicate_and_unmatched_beat_conflict() -> None:
    plan = run(
        [a("1", "Dup", U1), a("2", "Dup", U2), a("3", "None", U1)], [b("10", "Dup"), b("11", "DUP")]
    )
    assert [r.klass for r in plan.rows] == [
        RowClass.DUPLICATE,
        RowClass.DUPLICATE,
        RowClass.UNMATCHED,
    ]


def test_precedence_conflict_beats_in_sync() -> None:
    plan = run([a("1", "Acme", U1), a("2", "Acme", U2)], [b("7", "Acme", U1, "F1")])
    assert [r.klass for r in plan.rows] == [RowClass.CONFLICT, RowClass.CONFLICT]


def test_rows_sorted_numerically_and_counts_add_up() -> None:
    rows = [a("100", "X"), a("9", "Y", None), a("10", "Z"), a("1000", "X", U2), a("11", "Q")]
    bs = [b("1", "X"), b("2", "Z", U1, "F1"), b("3", "Q"), b("4", "q")]
    plan = run(rows, bs)
    assert [r.a.id for r in plan.rows] == ["9", "10", "11", "100", "1000"]
    counts = plan.class_counts()
    assert sum(counts.values()) == len(rows)
    assert counts[RowClass.CONFLICT] == 2
    assert all(r.reason for r in plan.rows)


def test_not_pending_records_are_left_out() -> None:
    ticked = ARecord("1", "Acme", U1, "F1", checkbox=True)
    plan = run(
        [ticked, a("2", " \u200b "), a("3", None), a("4", "Acme"), a("4", "Acme")], [b("7", "Acme")]
    )
    assert [r.a.id for r in plan.rows] == ["4"]


def test_names_and_values_are_never_interpreted() -> None:
    hostile = "'; drop table x; -- [bold]{0}%s\x1b[31m"
    plan = run([a("1", hostile, f"https://x.y/{hostile}", hostile)], [b("7", hostile)])
    row = one(plan, "1")
    assert row.klass is RowClass.READY
    assert row.diffs[1].new == hostile.strip()


# ---- operator decisions -----------------------------------------------------------------


def decide(
    plan: Plan, a_id: str, kind: DecisionKind, target: str | None = None
) -> OperatorDecision:
    return OperatorDecision(a_id, kind, target, plan_fingerprint(one(plan, a_id)))


def test_pick_duplicate_is_honoured_until_the_plan_changes() -> None:
    bs = [b("10", "Acme"), b("11", "acme", U1, "F1")]
    first = run([a("1", "Acme")], bs)
    pick = decide(first, "1", DecisionKind.PICK_DUPLICATE, "11")
    row = one(run([a("1", "Acme")], bs, decisions=[pick]), "1")
    assert row.klass is RowClass.IN_SYNC
    assert row.b_id == "11"
    assert row.match is MatchKind.NORMALISED
    assert row.operator_decision is DecisionKind.PICK_DUPLICATE
    assert "operator picked B 11" in row.reason
    # honoured by a --auto run with --on-duplicate newest too (same fingerprint)
    assert one(run([a("1", "Acme")], bs, NEWEST, [pick]), "1").b_id == "11"
    # A's value changed → dropped
    assert one(run([a("1", "Acme", U2)], bs, decisions=[pick]), "1").klass is RowClass.DUPLICATE
    # a third B record with that name → dropped
    more = [*bs, b("12", "ACME")]
    assert one(run([a("1", "Acme")], more, decisions=[pick]), "1").klass is RowClass.DUPLICATE


def test_pick_of_a_record_that_is_not_a_candidate_is_ignored() -> None:
    bs = [b("10", "Acme"), b("11", "acme"), b("12", "Other")]
    first = run([a("1", "Acme")], bs)
    pick = decide(first, "1", DecisionKind.PICK_DUPLICATE, "12")
    assert one(run([a("1", "Acme")], bs, decisions=[pick]), "1").klass is RowClass.DUPLICATE


def test_manual_match_of_an_unmatched_row() -> None:
    bs = [b("20", "Acme Limited", U2, "F1")]
    first = run([a("1", "Acme Ltd")], bs)
    manual = decide(first, "1", DecisionKind.MANUAL_MATCH, "20")
    row = one(run([a("1", "Acme Ltd")], bs, decisions=[manual]), "1")
    assert row.klass is RowClass.OVERWRITE
    assert row.b_id == "20"
    assert row.match is MatchKind.MANUAL
    assert row.operator_decision is DecisionKind.MANUAL_MATCH
    assert "matched by hand to B 20" in row.reason
    # the target is gone → unmatched again
    assert one(run([a("1", "Acme Ltd")], [], decisions=[manual]), "1").klass is RowClass.UNMATCHED
    # a record with that very name appears → the plan changed, dropped
    bs2 = [*bs, b("21", "ACME LTD")]
    assert one(run([a("1", "Acme Ltd")], bs2, decisions=[manual]), "1").b_id == "21"


def test_manual_matches_take_part_in_conflicts() -> None:
    bs = [b("20", "Acme Limited")]
    first = run([a("1", "Acme Ltd", U1)], bs)
    manual = decide(first, "1", DecisionKind.MANUAL_MATCH, "20")
    plan = run([a("1", "Acme Ltd", U1), a("2", "Acme Limited", U2)], bs, decisions=[manual])
    assert [r.klass for r in plan.rows] == [RowClass.CONFLICT, RowClass.CONFLICT]


def test_conflict_winner() -> None:
    rows = [a("1", "Acme", U1), a("2", "Acme", U2), a("3", "Acme", U1), a("4", "Acme", U2, "F2")]
    bs = [b("7", "Acme")]
    first = run(rows, bs)
    win = decide(first, "2", DecisionKind.CONFLICT_WINNER, "7")
    plan = run(rows, bs, decisions=[win])
    winner, loser1, loser3, loser4 = (one(plan, i) for i in ("2", "1", "3", "4"))
    assert winner.klass is RowClass.READY
    assert winner.operator_decision is DecisionKind.CONFLICT_WINNER
    assert winner.decision is Decision.NONE
    for loser in (loser1, loser3, loser4):
        assert loser.klass is RowClass.CONFLICT  # losers keep their class …
        assert loser.decision is Decision.SKIPPED  # … and are skipped by the decision
        assert "won B 7" in loser.reason
    assert [r.a.id for r in writers(plan.rows)["7"]] == ["2"]


def test_conflict_winner_brings_rows_with_its_values_along() -> None:
    rows = [a("1", "Acme", U1), a("2", "Acme", U2), a("3", "Acme", U2)]
    bs = [b("7", "Acme")]
    win = decide(run(rows, bs), "2", DecisionKind.CONFLICT_WINNER, "7")
    plan = run(rows, bs, decisions=[win])
    assert [r.klass for r in plan.rows] == [RowClass.CONFLICT, RowClass.READY, RowClass.READY]
    assert [r.a.id for r in writers(plan.rows)["7"]] == ["2", "3"]


def test_conflict_winner_dropped_when_its_values_change() -> None:
    rows = [a("1", "Acme", U1), a("2", "Acme", U2)]
    bs = [b("7", "Acme")]
    win = decide(run(rows, bs), "2", DecisionKind.CONFLICT_WINNER, "7")
    changed = [a("1", "Acme", U1), a("2", "Acme", U2, "F2")]
    plan = run(changed, bs, decisions=[win])
    assert [r.klass for r in plan.rows] == [RowClass.CONFLICT, RowClass.CONFLICT]
    assert all(r.decision is Decision.NONE for r in plan.rows)


def test_conflict_winner_for_another_b_record_is_ignored() -> None:
    rows = [a("1", "Acme", U1), a("2", "Acme", U2)]
    bs = [b("7", "Acme")]
    win = decide(run(rows, bs), "2", DecisionKind.CONFLICT_WINNER, "8")
    plan = run(rows, bs, decisions=[win])
    assert [r.klass for r in plan.rows] == [RowClass.CONFLICT, RowClass.CONFLICT]
    assert all(r.decision is Decision.NONE for r in plan.rows)


def test_two_winners_with_different_values_settle_nothing() -> None:
    rows = [a("1", "Acme", U1), a("2", "Acme", U2)]
    bs = [b("7", "Acme")]
    first = run(rows, bs)
    wins = [decide(first, i, DecisionKind.CONFLICT_WINNER, "7") for i in ("1", "2")]
    plan = run(rows, bs, decisions=wins)
    assert [r.klass for r in plan.rows] == [RowClass.CONFLICT, RowClass.CONFLICT]


def test_skip_is_honoured_until_the_plan_changes() -> None:
    bs = [b("7", "Acme", U2, "F1")]
    first = run([a("1", "Acme")], bs)
    skip = decide(first, "1", DecisionKind.SKIP)
    row = one(run([a("1", "Acme")], bs, decisions=[skip]), "1")
    assert row.klass is RowClass.OVERWRITE  # the class stays: counts still add up
    assert row.decision is Decision.SKIPPED
    assert row.operator_decision is DecisionKind.SKIP
    assert "skipped by operator" in row.reason
    changed = one(run([a("1", "Acme", folder="F2")], bs, decisions=[skip]), "1")
    assert changed.decision is Decision.NONE


def test_decisions_with_a_wrong_id_or_fingerprint_or_approve_are_ignored() -> None:
    bs = [b("7", "Acme")]
    first = run([a("1", "Acme")], bs)
    fp = plan_fingerprint(one(first, "1"))
    for d in [
        OperatorDecision("1", DecisionKind.SKIP, None, "v1:stale"),
        OperatorDecision("2", DecisionKind.SKIP, None, fp),  # filed under the wrong row
        OperatorDecision("1", DecisionKind.APPROVE, None, fp),  # approvals are per session
    ]:
        row = one(classify([a("1", "Acme")], BIndex.build(bs), FIELDS, decisions={"1": d}), "1")
        assert row.decision is Decision.NONE and row.operator_decision is None


def test_fingerprint_is_stable_and_changes_with_values_or_candidates() -> None:
    bs = [b("7", "Acme")]
    base = plan_fingerprint(one(run([a("1", "Acme")], bs), "1"))
    assert base == plan_fingerprint(one(run([a("1", "ACME ", f" {U1}", "F1 ")], bs), "1"))
    assert base == plan_fingerprint(one(run([a("1", "Acme")], [b("7", "Acme", U2, "F9")]), "1"))
    assert base != plan_fingerprint(one(run([a("1", "Acme", U2)], bs), "1"))
    assert base != plan_fingerprint(one(run([a("1", "Acme", folder="F2")], bs), "1"))
    assert base != plan_fingerprint(one(run([a("1", "Acme")], [b("8", "Acme")]), "1"))
    # a row built by hand (no stored fingerprint) gets the same value
    row = one(run([a("1", "Acme")], bs), "1")
    row.fingerprint = ""
    assert plan_fingerprint(row) == base


def test_partial_row_finishes_as_in_sync_with_its_decision_kept() -> None:
    """B written with the picked candidate, A tick failed: the next run keeps the pick."""
    bs = [b("10", "Acme"), b("11", "acme")]
    pick = decide(run([a("1", "Acme")], bs), "1", DecisionKind.PICK_DUPLICATE, "10")
    after_write = [b("10", "Acme", U1, "F1"), b("11", "acme")]
    row = one(run([a("1", "Acme")], after_write, decisions=[pick]), "1")
    assert row.klass is RowClass.IN_SYNC and row.b_id == "10"
