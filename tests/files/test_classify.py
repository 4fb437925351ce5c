"""The six classes, their precedence and reasons, A-field diffs, shared folders and
operator decisions (DESIGN §9.2, §9.3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fieldsync_tui.core.model import Decision, DiffKind, MatchKind
from fieldsync_tui.files.decisions import file_fingerprint, match_fingerprint, plan_fingerprint
from fieldsync_tui.files.match import MatchOptions, is_pending
from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    AttachmentKind,
    ConfirmedUpload,
    FileClass,
    FileRow,
    FilesDecision,
    FilesDecisionKind,
    FilesFieldMap,
    FilesPlan,
    FolderFile,
    SkipReason,
    ThereBy,
    WorkDriveFolder,
)
from fieldsync_tui.files.plan import load_targets, max_file_bytes
from fieldsync_tui.files.presence import JournalEvidence
from fieldsync_tui.simulator.names import HOSTILE_EXACT, HOSTILE_MATCHES

Build = Callable[..., FilesPlan]
FIELDS = FilesFieldMap()
K = FilesDecisionKind


def link(fid: str) -> str:
    return f"https://workdrive.zoho.com/folder/{fid}"


def fold(fid: str, name: str, ms: int | None = None) -> WorkDriveFolder:
    return WorkDriveFolder(fid, name, link(fid), ms)


def rec(
    a_id: str,
    name: str | None,
    url: str | None = None,
    folder: str | None = None,
    *,
    ticked: bool = False,
    fields_ticked: bool = False,
) -> ARecord:
    return ARecord(a_id, name, url, folder, ticked, fields_ticked)


def f(att_id: str, name: str = "doc.pdf", size: int | None = 10) -> Attachment:
    return Attachment(att_id, name, size)


def lnk(att_id: str, title: str = "Google") -> Attachment:
    return Attachment(att_id, title, 0, AttachmentKind.LINK, "https://www.google.com")


def row(plan: FilesPlan, a_id: str = "1") -> FileRow:
    return plan.by_a_id()[a_id]


F1 = fold("f1", "Acme")


@pytest.mark.parametrize(
    ("a", "atts", "listing", "klass", "reason"),
    [
        (rec("1", "Acme"), [f("x")], [], FileClass.READY, "sets A's URL and folder id; copies 1"),
        (
            rec("1", "Acme", link("f1"), "f1"),
            [f("x")],
            [],
            FileClass.READY,
            "A points at the folder; copies 1 of 1 file (10 bytes)",
        ),
        (
            rec("1", "Acme"),
            [f("x")],
            [FolderFile("r", "doc.pdf", 10)],
            FileClass.READY,
            "sets A's URL and folder id; nothing to copy of 1 file; 1 already there",
        ),
        (
            rec("1", "Acme", None, "f1"),
            [f("x")],
            [FolderFile("r", "doc.pdf", 10)],
            FileClass.READY,
            "sets A's URL;",
        ),
        (
            rec("1", "Acme", link("f1"), "f1"),
            [f("x"), lnk("l")],
            [FolderFile("r", "DOC.pdf", 10)],
            FileClass.IN_SYNC,
            "A points at the folder; nothing to copy of 1 file; 1 already there; 1 link not "
            "copied; only the tick remains",
        ),
        (rec("1", "Acme"), [], [], FileClass.NO_FILES, "no file attachments; sets A's URL"),
        (
            rec("1", "Acme", link("f1"), "f1"),
            [lnk("l1"), lnk("l2")],
            [],
            FileClass.NO_FILES,
            "no file attachments; 2 links not copied; A points at the folder",
        ),
        (
            rec("1", "Acme", link("f9"), "f1"),
            [f("x")],
            [],
            FileClass.OVERWRITE,
            "A's URL hold another value; copies 1 of 1",
        ),
        (
            rec("1", "Acme", link("f1"), "f9"),
            [],
            [],
            FileClass.OVERWRITE,
            "A's folder id hold another value",
        ),
        (
            rec("1", "Acme", "https://elsewhere.example/x", "other"),
            [f("x")],
            [FolderFile("r", "doc.pdf", 10)],  # everything there: still overwrite (precedence)
            FileClass.OVERWRITE,
            "A's URL and folder id hold another value",
        ),
    ],
)
def test_classes_of_a_single_match(
    build: Build,
    a: ARecord,
    atts: list[Attachment],
    listing: list[FolderFile],
    klass: FileClass,
    reason: str,
) -> None:
    r = row(build([a], [F1], {"1": atts}, {"f1": listing}))
    assert r.klass is klass
    assert reason in r.reason
    assert r.folder_id == "f1" and r.files_loaded
    assert r.match is MatchKind.EXACT


def test_unmatched_and_duplicate_come_first(build: Build) -> None:
    plan = build(
        [rec("1", "Nobody", link("f1"), "f1"), rec("2", "Twin", link("t1"), "t1")],
        [F1, fold("t1", "Twin"), fold("t2", "TWIN")],
    )
    assert row(plan, "1").klass is FileClass.UNMATCHED
    assert row(plan, "1").reason == "no folder named 'nobody' in the team folder"
    dup = row(plan, "2")
    assert dup.klass is FileClass.DUPLICATE and dup.folder_id is None
    assert dup.folder_candidates == ("t1", "t2")
    assert dup.reason == "2 folders named 'twin' (one matches exactly)"
    assert dup.match is MatchKind.EXACT
    assert load_targets(plan) == ([], [])  # neither costs an attachments call


def test_diffs_hold_old_and_new_values(build: Build) -> None:
    r = row(build([rec("1", "Acme", " https://elsewhere/x ", None)], [F1], {"1": [f("x")]}))
    url, folder = r.diffs
    assert (url.api_name, url.old, url.new, url.kind) == (
        "WorkDrive_URL",
        " https://elsewhere/x ",
        link("f1"),
        DiffKind.OVERWRITE,
    )
    assert (folder.api_name, folder.old, folder.new, folder.kind) == (
        "WorkDrive_Folder_ID",
        None,
        "f1",
        DiffKind.FILL,
    )
    assert r.field_changes == {"WorkDrive_URL": link("f1"), "WorkDrive_Folder_ID": "f1"}


def test_a_url_ending_in_the_folder_id_is_kept(build: Build) -> None:
    url = "https://workdrive.zoho.eu/home/org/teams/t/ws/w/folders/f1"
    r = row(build([rec("1", "Acme", url, "f1")], [F1], {"1": [f("x")]}))
    assert [d.kind for d in r.diffs] == [DiffKind.SAME, DiffKind.SAME]
    assert r.field_changes == {}


@pytest.mark.parametrize(
    ("a", "fields", "untick"),
    [
        (rec("1", "Acme", fields_ticked=True), FIELDS, True),
        (rec("1", "Acme", link("f1"), "f1", fields_ticked=True), FIELDS, False),
        (rec("1", "Acme", link("f9"), "f9", fields_ticked=True), FIELDS, True),
        (rec("1", "Acme"), FIELDS, False),
        (
            rec("1", "Acme", ticked=True, fields_ticked=True),
            FilesFieldMap(files_checkbox="Transfer_Complete"),
            False,
        ),
    ],
)
def test_the_field_sync_checkbox_is_unticked_when_values_change(
    build: Build, a: ARecord, fields: FilesFieldMap, untick: bool
) -> None:
    plan = build(
        [a], [F1], {"1": [f("x")]}, options=MatchOptions(include_ticked=True), fields=fields
    )
    assert row(plan).untick_fields_checkbox is untick


def test_records_sharing_a_folder_are_reported_and_name_one_space(build: Build) -> None:
    records = [rec("10", "Acme"), rec("9", "ACME"), rec("11", "acme ")]
    attachments = {"9": [f("a", "c.pdf")], "10": [f("b", "c.pdf")], "11": [f("c", "C.PDF", 3)]}
    plan = build(records, [F1], attachments, {"f1": [FolderFile("r", "c.pdf", 99)]})
    assert row(plan, "9").shares_folder_with == ("10", "11")
    assert row(plan, "10").shares_folder_with == ("9", "11")
    assert plan.shared_folders() == {"f1": ["9", "10", "11"]}
    dests = [row(plan, i).files[0].dest_name for i in ("9", "10", "11")]
    assert dests == ["c_20260304_050607.pdf", "c_20260304_050607_2.pdf", "C_20260304_050607_3.PDF"]
    assert all(row(plan, i).klass is FileClass.READY for i in ("9", "10", "11"))


def test_two_attachments_named_alike_of_one_record(build: Build) -> None:
    r = row(build([rec("1", "Acme")], [F1], {"1": [f("a"), f("b")]}))
    assert [p.dest_name for p in r.files] == ["doc.pdf", "doc_20260304_050607.pdf"]
    assert "copies 2 of 2 files (20 bytes)" in r.reason


def test_on_duplicate_newest_classifies_against_the_newest(build: Build) -> None:
    folders = [fold("a1", "Twin", 5), fold("a2", "twin", 9)]
    plan = build(
        [rec("1", "Twin")], folders, {"1": []}, options=MatchOptions(on_duplicate="newest")
    )
    r = row(plan)
    assert r.klass is FileClass.NO_FILES and r.folder_id == "a2"
    assert r.match is MatchKind.NORMALISED
    assert r.reason.endswith("(newest of 2 folders named alike)")
    assert r.folder_candidates == ("a1", "a2")


@pytest.mark.parametrize(("a_name", "folder_name"), HOSTILE_MATCHES)
def test_hostile_names_match_after_normalisation(
    build: Build, a_name: str, folder_name: str
) -> None:
    r = row(build([rec("1", a_name)], [fold("h", folder_name)], {"1": [f("x", a_name + ".txt")]}))
    assert r.klass is FileClass.READY and r.match is MatchKind.NORMALISED
    assert r.files[0].to_copy


@pytest.mark.parametrize("name", HOSTILE_EXACT)
def test_hostile_exact_names(build: Build, name: str) -> None:
    r = row(build([rec("1", name)], [fold("h", name)], {"1": [f("x", name)]}))
    assert r.klass is FileClass.READY and r.match is MatchKind.EXACT
    assert r.a.name == name  # raw text kept


def test_pending_and_include_ticked(build: Build) -> None:
    assert is_pending(rec("1", "A"))
    assert not is_pending(rec("1", "A", ticked=True))
    assert is_pending(rec("1", "A", ticked=True), include_ticked=True)
    assert not is_pending(rec("1", " \u200b "), include_ticked=True)
    records = [rec("1", "Acme", link("f1"), "f1", ticked=True), rec("2", None)]
    assert build(records, [F1]).rows == []
    assert [r.a.name for r in build([rec("3", "X"), rec("3", "Y")], [F1]).rows] == ["Y"]
    plan = build(
        records[:1],
        [F1],
        {"1": [f("a"), f("b", "other.pdf")]},
        {"f1": [FolderFile("r", "doc.pdf", 10)]},
        options=MatchOptions(include_ticked=True),
    )
    r = row(plan)  # ticked after its first file by the old script: the other one is offered
    assert r.klass is FileClass.READY
    assert [p.to_copy for p in r.files] == [False, True]


def test_too_large_files_are_skipped_and_do_not_block_in_sync(build: Build) -> None:
    assert max_file_bytes(1.5) == 1572864
    with pytest.raises(ValueError, match="greater than 0"):
        max_file_bytes(0)
    atts = {"1": [f("a", "small.pdf", 10), f("b", "big.iso", 2_000_000)]}
    listing = {"f1": [FolderFile("r", "small.pdf", 10)]}
    a = rec("1", "Acme", link("f1"), "f1")
    plan = build([a], [F1], atts, listing, max_bytes=max_file_bytes(1))
    r = row(plan)
    assert r.klass is FileClass.IN_SYNC
    assert r.files[1].skip is SkipReason.TOO_LARGE and "1 skipped" in r.reason
    assert row(build([a], [F1], atts, listing)).klass is FileClass.READY  # no limit: copy it


def test_an_unknown_size_is_copied_and_counts_no_bytes(build: Build) -> None:
    atts = {"1": [f("a", "x.pdf", None), f("b", "y.pdf", 7)]}
    listing = {"f1": [FolderFile("r", "x.pdf", 5)]}
    r = row(build([rec("1", "Acme")], [F1], atts, listing, max_bytes=1))
    assert [p.to_copy for p in r.files] == [True, False]  # y is too large; x cannot be
    assert r.files[0].dest_name == "x_20260304_050607.pdf" and r.bytes_to_copy == 0


def test_journal_evidence_makes_a_file_there(build: Build) -> None:
    evidence = JournalEvidence(uploads=[ConfirmedUpload("a", "f1", "r7", "x.pdf", "run-3")])
    listing = {"f1": [FolderFile("r7", "renamed.pdf", 1)]}
    a = rec("1", "Acme", link("f1"), "f1")
    r = row(build([a], [F1], {"1": [f("a", "x.pdf")]}, listing, evidence=evidence))
    assert r.klass is FileClass.IN_SYNC
    assert (r.files[0].there_by, r.files[0].there_run_id) == (ThereBy.JOURNAL, "run-3")


def test_rows_outside_the_selection_are_not_listed(build: Build) -> None:
    records = [rec("1", "Acme"), rec("2", "Acme"), rec("3", "Beta")]
    plan = build(records, [F1, fold("f2", "Beta")], {"1": [f("a")]}, limit=1)
    assert load_targets(plan) == (["1"], ["f1"])
    assert row(plan, "1").files_loaded and not row(plan, "2").files_loaded
    assert row(plan, "2").reason == "attachments not listed yet"
    assert row(plan, "2").klass is FileClass.READY  # provisional; not_selected anyway
    assert sum(plan.class_counts().values()) == 3


def pick(a_id: str, kind: FilesDecisionKind, fp: str, folder: str) -> FilesDecision:
    return FilesDecision(a_id, kind, fp, folder_id=folder)


TWINS = [fold("t1", "Twin", 1), fold("t2", "Twin", 2)]


def test_a_duplicate_pick_is_honoured_and_survives_our_own_field_write(build: Build) -> None:
    fp = match_fingerprint("twin", ["t1", "t2"])
    d = pick("1", K.PICK_DUPLICATE, fp, "t1")
    r = row(build([rec("1", "Twin")], TWINS, {"1": [f("a")]}, decisions=[d]))
    assert (r.klass, r.folder_id, r.operator_decision) == (FileClass.READY, "t1", K.PICK_DUPLICATE)
    assert "operator picked folder t1 of 2" in r.reason
    after = rec("1", "Twin", link("t1"), "t1")  # the run wrote A's fields, then stopped
    r = row(build([after], TWINS, {"1": [f("a")]}, decisions=[d]))
    assert (r.klass, r.folder_id) == (FileClass.READY, "t1")


def test_a_pick_is_dropped_when_the_candidates_change(build: Build) -> None:
    d = pick("1", K.PICK_DUPLICATE, match_fingerprint("twin", ["t1", "t2"]), "t1")
    r = row(build([rec("1", "Twin")], [*TWINS, fold("t3", "twin")], decisions=[d]))
    assert r.klass is FileClass.DUPLICATE and r.operator_decision is None
    stray = pick("1", K.PICK_DUPLICATE, match_fingerprint("twin", ["t1", "t2"]), "elsewhere")
    assert row(build([rec("1", "Twin")], TWINS, decisions=[stray])).klass is FileClass.DUPLICATE


def test_a_near_name_match_is_honoured_until_a_folder_of_that_name_appears(build: Build) -> None:
    d = pick("1", K.MANUAL_MATCH, match_fingerprint("acme gmbh", []), "f1")
    r = row(build([rec("1", "Acme GmbH")], [F1], {"1": [f("a")]}, decisions=[d]))
    assert (r.klass, r.folder_id, r.match) == (FileClass.READY, "f1", MatchKind.MANUAL)
    assert "matched by hand to folder f1" in r.reason
    gone = row(build([rec("1", "Acme GmbH")], [fold("f2", "Other")], decisions=[d]))
    assert gone.klass is FileClass.UNMATCHED
    appeared = build([rec("1", "Acme GmbH")], [F1, fold("g", "ACME GMBH")], decisions=[d])
    assert row(appeared).folder_id == "g" and row(appeared).match is MatchKind.NORMALISED


def test_a_record_skip_holds_while_a_is_unchanged_and_an_approval_cancels_it(build: Build) -> None:
    fp = plan_fingerprint("acme", ["f1"], None, None)
    skip = FilesDecision("1", K.SKIP, fp)
    r = row(build([rec("1", "Acme")], [F1], {"1": [f("a")]}, decisions=[skip]))
    assert r.decision is Decision.SKIPPED and r.reason.endswith("; skipped by operator")
    assert r.klass is FileClass.READY and r.files_loaded  # still listed: the console shows it
    moved = row(build([rec("1", "Acme", link("f9"), None)], [F1], decisions=[skip]))
    assert moved.decision is Decision.NONE
    again = [skip, FilesDecision("1", K.APPROVE, fp)]
    assert row(build([rec("1", "Acme")], [F1], decisions=again)).decision is Decision.NONE


def test_file_skips_are_bound_to_the_attachment(build: Build) -> None:
    a, b = f("a", "keep.pdf"), f("b", "skip.pdf")
    skip = FilesDecision("1", K.SKIP_FILE, file_fingerprint(b), attachment_id="b")
    r = row(build([rec("1", "Acme")], [F1], {"1": [a, b]}, decisions=[skip]))
    assert [p.skip for p in r.files] == [None, SkipReason.OPERATOR]
    changed = f("b", "skip.pdf", 11)  # a new version of the attachment: offered again
    r = row(build([rec("1", "Acme")], [F1], {"1": [a, changed]}, decisions=[skip]))
    assert [p.skip for p in r.files] == [None, None]
    undone = [skip, FilesDecision("1", K.COPY_FILE, "", attachment_id="b")]
    r = row(build([rec("1", "Acme")], [F1], {"1": [a, b]}, decisions=undone))
    assert r.files[1].skip is None


def test_every_file_skipped_by_the_operator_leaves_only_the_tick(build: Build) -> None:
    b = f("b")
    skip = FilesDecision("1", K.SKIP_FILE, file_fingerprint(b), attachment_id="b")
    r = row(build([rec("1", "Acme", link("f1"), "f1")], [F1], {"1": [b]}, decisions=[skip]))
    assert r.klass is FileClass.IN_SYNC


def test_class_counts_add_up(build: Build) -> None:
    records = [
        rec("1", "Acme"),
        rec("2", "Nobody"),
        rec("3", "Twin"),
        rec("4", "Beta", link("zz"), "zz"),
        rec("5", "Empty"),
        rec("6", "Done", link("d"), "d"),
    ]
    folders = [F1, *TWINS, fold("b", "Beta"), fold("e", "Empty"), fold("d", "Done")]
    attachments = {"1": [f("a")], "4": [f("b")], "5": [lnk("l")], "6": [f("c")]}
    plan = build(records, folders, attachments, {"d": [FolderFile("r", "doc.pdf", 10)]})
    counts = plan.class_counts()
    assert counts == {k: 1 for k in FileClass}
    assert sum(counts.values()) == len(records)
