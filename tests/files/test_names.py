"""Destination names (DESIGN §9.4): sanitising, the clash pattern, whole-folder planning."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest

from fieldsync_tui.files.model import (
    Attachment,
    ConfirmedUpload,
    FilePlan,
    FolderFile,
    ReservedName,
    SkipReason,
    ThereBy,
)
from fieldsync_tui.files.names import (
    EMPTY_NAME,
    MAX_NAME,
    Placement,
    clash_name,
    clash_stamp,
    free_name,
    plan_folder,
    replan,
    sanitise,
    split_extension,
)
from fieldsync_tui.files.presence import JournalEvidence, name_key
from fieldsync_tui.simulator.names import HOSTILE_EXACT, HOSTILE_MATCHES

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
STAMP = "20260304_050607"
FORBIDDEN = '/\\:*?"<>|'


def att(att_id: str, name: str, size: int = 10) -> Attachment:
    return Attachment(att_id, name, size)


def names(plans: dict[str, FilePlan], *ids: str) -> list[str]:
    return [plans[i].dest_name for i in ids]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ('a/b\\c:d*e?f"g<h>i|j.txt', "a_b_c_d_e_f_g_h_i_j.txt"),
        ("tab\there\nnew\x00null\x7fdel\x85nel.doc", "tab_here_new_null_del_nel.doc"),
        ("\x1b[31mred.txt", "_[31mred.txt"),
        ("trailing. . .", "trailing"),
        ("spaces.pdf   ", "spaces.pdf"),
        ("  leading kept.pdf", "  leading kept.pdf"),
        ("...", EMPTY_NAME),
        ("", EMPTY_NAME),
        (" . ", EMPTY_NAME),
        ("Café Müller.pdf", "Café Müller.pdf"),
        ("日本語の書類.xlsx", "日本語の書類.xlsx"),
        ("zero\u200bwidth.txt", "zero\u200bwidth.txt"),  # a format character, not a control one
    ],
)
def test_sanitise(raw: str, expected: str) -> None:
    assert sanitise(raw) == expected


def test_exactly_the_forbidden_and_control_characters_are_replaced() -> None:
    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF or ch in "._ ":
            continue
        bad = ch in FORBIDDEN or unicodedata.category(ch) == "Cc"
        assert (sanitise(f"a{ch}b") == "a_b") is bad, hex(code)


@pytest.mark.parametrize("raw", [*HOSTILE_EXACT, *(n for pair in HOSTILE_MATCHES for n in pair)])
def test_hostile_names_come_out_acceptable(raw: str) -> None:
    out = sanitise(raw + ".pdf")
    assert out.endswith(".pdf")
    assert not any(ch in FORBIDDEN for ch in out)
    assert all(unicodedata.category(ch) != "Cc" for ch in out)
    assert out == out.rstrip(". ")
    assert len(out) <= MAX_NAME
    assert sanitise(out) == out  # idempotent


def test_long_names_are_cut_keeping_the_extension() -> None:
    raw = "x" * 256 + ".pdf"  # 260 characters
    out = sanitise(raw)
    assert len(out) == MAX_NAME
    assert out == "x" * (MAX_NAME - 4) + ".pdf"
    non_ascii = "é" * 260 + ".docx"
    assert sanitise(non_ascii) == "é" * (MAX_NAME - 5) + ".docx"
    no_ext = "y" * 260
    assert sanitise(no_ext) == "y" * MAX_NAME
    cut_at_dots = "z" * 248 + ". ." + "w" * 20  # no extension (it holds a space): cut, trimmed
    assert sanitise(cut_at_dots) == "z" * 248
    assert sanitise("k" * 250) == "k" * 250


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("a.pdf", ("a", ".pdf")),
        ("archive.tar.gz", ("archive.tar", ".gz")),
        (".bashrc", (".bashrc", "")),
        ("README", ("README", "")),
        ("a.", ("a.", "")),
        ("a.very long ext", ("a.very long ext", "")),
        ("a." + "e" * 20, ("a." + "e" * 20, "")),
    ],
)
def test_split_extension(name: str, parts: tuple[str, str]) -> None:
    assert split_extension(name) == parts


def test_clash_stamp_is_the_plan_time_in_utc() -> None:
    assert clash_stamp(AT) == STAMP
    berlin = AT.astimezone(timezone(timedelta(hours=1)))
    assert clash_stamp(berlin) == STAMP
    with pytest.raises(ValueError, match="timezone-aware"):
        clash_stamp(datetime(2026, 3, 4, 5, 6, 7))  # naive on purpose


def test_clash_names_follow_the_seed_pattern_and_stay_short() -> None:
    assert clash_name("report.pdf", STAMP) == f"report_{STAMP}.pdf"
    assert clash_name("report.pdf", STAMP, 2) == f"report_{STAMP}_2.pdf"
    assert clash_name("README", STAMP, 3) == f"README_{STAMP}_3"
    long = sanitise("x" * 300 + ".pdf")
    clashed = clash_name(long, STAMP, 12)
    assert len(clashed) == MAX_NAME
    assert clashed.endswith(f"_{STAMP}_12.pdf")


def test_free_name_counts_up_until_free() -> None:
    taken = {name_key(n) for n in ["a.pdf", f"A_{STAMP}.PDF", f"a_{STAMP}_2.pdf"]}
    assert free_name("b.pdf", taken, STAMP) == ("b.pdf", False)
    assert free_name("a.pdf", taken, STAMP) == (f"a_{STAMP}_3.pdf", True)
    assert taken == {name_key(n) for n in ["a.pdf", f"A_{STAMP}.PDF", f"a_{STAMP}_2.pdf"]}


def test_two_attachments_named_alike_never_collide() -> None:
    plans = plan_folder("F", [], [Placement(att("1", "a.pdf")), Placement(att("2", "a.pdf"))], AT)
    assert names(plans, "1", "2") == ["a.pdf", f"a_{STAMP}.pdf"]
    assert not plans["1"].clash and plans["2"].clash
    assert plans["2"].renamed and not plans["1"].renamed


def test_a_clash_with_an_existing_file_is_case_and_nfc_insensitive() -> None:
    decomposed = unicodedata.normalize("NFD", "CAFÉ.PDF")
    listing = [FolderFile("r1", decomposed, 999)]  # another file: different size
    plans = plan_folder("F", listing, [Placement(att("1", "café.pdf"))], AT)
    assert plans["1"].dest_name == f"café_{STAMP}.pdf"
    assert plans["1"].there_by is None and plans["1"].to_copy


def test_names_differing_only_in_case_share_one_name_space() -> None:
    placements = [Placement(att("1", "Notes.TXT")), Placement(att("2", "notes.txt"))]
    plans = plan_folder("F", [], placements, AT)
    assert names(plans, "1", "2") == ["Notes.TXT", f"notes_{STAMP}.txt"]


def test_sanitised_names_that_meet_clash_too() -> None:
    placements = [Placement(att("1", "a:b.txt")), Placement(att("2", "a_b.txt"))]
    plans = plan_folder("F", [FolderFile("r", "A_B.txt", 1)], placements, AT)
    assert names(plans, "1", "2") == [f"a_b_{STAMP}.txt", f"a_b_{STAMP}_2.txt"]


def test_reserved_names_are_reused_across_reruns_and_never_planned_around() -> None:
    first = plan_folder(
        "F",
        [FolderFile("r0", "a.pdf", 1)],
        [Placement(att("1", "a.pdf")), Placement(att("2", "a.pdf"))],
        AT,
    )
    assert names(first, "1", "2") == [f"a_{STAMP}.pdf", f"a_{STAMP}_2.pdf"]
    # run 1 journalled both names and was killed; attachment 2's upload landed, its answer lost
    reserved = [ReservedName(i, "F", first[i].dest_name, "run-1") for i in ("1", "2")]
    listing = [FolderFile("r0", "a.pdf", 1), FolderFile("r2", f"a_{STAMP}_2.pdf", 99)]
    later = AT + timedelta(hours=5)
    placements = [Placement(att("3", "a.pdf")), Placement(att("1", "a.pdf"))]
    placements.append(Placement(att("2", "a.pdf")))
    second = plan_folder("F", listing, placements, later, JournalEvidence(reserved=reserved))
    assert second["1"].dest_name == f"a_{STAMP}.pdf" and second["1"].reserved
    assert second["2"].dest_name == f"a_{STAMP}_2.pdf" and second["2"].reserved
    assert second["2"].to_copy  # size differs: the protocol's lost-upload rule settles it
    # a new attachment, although listed first, never takes a reserved name
    assert second["3"].dest_name == "a_20260304_100607.pdf"


def test_a_reserved_name_found_with_the_same_size_is_there() -> None:
    reserved = [ReservedName("1", "F", f"a_{STAMP}.pdf", "run-1")]
    listing = [FolderFile("r0", "a.pdf", 5), FolderFile("r1", f"a_{STAMP}.pdf", 10)]
    plans = plan_folder(
        "F", listing, [Placement(att("1", "a.pdf"))], AT, JournalEvidence(reserved=reserved)
    )
    # the earlier run's intent is settled: that run uploaded it, its answer was lost
    assert plans["1"].there_by is ThereBy.JOURNAL and plans["1"].there_run_id == "run-1"
    assert plans["1"].settles_intent and plans["1"].existing_id == "r1"
    assert not plans["1"].to_copy


def test_a_reserved_name_held_by_another_attachments_copy_is_planned_afresh() -> None:
    evidence = JournalEvidence(
        uploads=[ConfirmedUpload("2", "F", "r2", "a.pdf", "run-1")],
        reserved=[ReservedName("1", "F", "a.pdf", "run-0")],
    )
    listing = [FolderFile("r2", "a.pdf", 10)]
    plans = plan_folder(
        "F", listing, [Placement(att("1", "a.pdf")), Placement(att("2", "a.pdf"))], AT, evidence
    )
    assert plans["2"].there_by is ThereBy.JOURNAL and plans["2"].there_run_id == "run-1"
    assert plans["1"].dest_name == f"a_{STAMP}.pdf" and not plans["1"].reserved


def test_files_already_there_keep_their_names_and_block_them() -> None:
    listing = [FolderFile("r1", "Report.PDF", 10)]
    placements = [Placement(att("1", "report.pdf", 10)), Placement(att("2", "report.pdf", 11))]
    plans = plan_folder("F", listing, placements, AT)
    assert plans["1"].there_by is ThereBy.NAME_SIZE and plans["1"].dest_name == "Report.PDF"
    assert plans["2"].dest_name == f"report_{STAMP}.pdf"


def test_skipped_files_are_named_last_and_push_nobody() -> None:
    placements = [
        Placement(att("1", "a.pdf"), SkipReason.TOO_LARGE),
        Placement(att("2", "a.pdf")),
    ]
    plans = plan_folder("F", [], placements, AT)
    assert plans["2"].dest_name == "a.pdf"
    assert plans["1"].dest_name == f"a_{STAMP}.pdf"
    assert plans["1"].skip is SkipReason.TOO_LARGE and not plans["1"].to_copy


def test_replan_when_a_planned_name_was_taken_since() -> None:
    plans = plan_folder("F", [], [Placement(att("1", "a.pdf")), Placement(att("2", "b.pdf"))], AT)
    now_listed = ["a.pdf", "b.pdf"]  # someone uploaded a.pdf meanwhile; b.pdf is our own
    again = replan(plans["1"], now_listed, AT)
    assert again.dest_name == f"a_{STAMP}.pdf" and again.clash and not again.reserved
    twice = replan(again, [*now_listed, again.dest_name], AT)
    assert twice.dest_name == f"a_{STAMP}_2.pdf"
    assert twice.attachment == plans["1"].attachment
