""" "Points at" and "is there" (DESIGN §9.2)."""

from __future__ import annotations

import unicodedata

import pytest

from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    ConfirmedUpload,
    FolderFile,
    ReservedName,
    ThereBy,
    WorkDriveFolder,
)
from fieldsync_tui.files.presence import (
    Copy,
    JournalEvidence,
    find_copies,
    lost_upload,
    name_key,
    points_at,
    renamed_form,
    unreadable_copy,
)

FID = "ly9zm0170fb40015f4e2297a144e2b68cfa68"
LINK = f"https://workdrive.zoho.com/folder/{FID}"
FOLDER = WorkDriveFolder(FID, "Acme", LINK, 1)


@pytest.mark.parametrize(
    ("url", "folder_id", "expected"),
    [
        (LINK, FID, True),
        (f"  {LINK} ", f" {FID}\t", True),  # trimmed
        (f"https://workdrive.zoho.eu/home/abc/teams/t/ws/w/folders/{FID}", FID, True),
        (f"https://www.zohoapis.com/workdrive/folder/{FID}", FID, True),
        (LINK, None, False),
        (None, FID, False),
        ("", FID, False),
        (LINK, FID.upper(), False),  # ids compare exactly
        (f"{LINK}/", FID, False),  # must end in /<folder id>
        (f"https://workdrive.zoho.com/folder/x{FID}", FID, False),
        ("https://workdrive.zoho.com/folder/other", FID, False),
        (LINK, "other", False),
    ],
)
def test_points_at(url: str | None, folder_id: str | None, expected: bool) -> None:
    assert points_at(ARecord("1", "Acme", url, folder_id), FOLDER) is expected


def test_points_at_the_permalink_even_when_it_does_not_end_in_the_id() -> None:
    odd = WorkDriveFolder(FID, "Acme", "https://workdrive.zoho.com/l/short-link", None)
    assert points_at(ARecord("1", "Acme", "https://workdrive.zoho.com/l/short-link", FID), odd)


def test_name_key_is_case_insensitive_after_nfc() -> None:
    assert name_key("Report.PDF") == name_key("report.pdf")
    assert name_key(unicodedata.normalize("NFD", "Müller.txt")) == name_key("MÜLLER.TXT")
    assert name_key("Straße.txt") == name_key("STRASSE.TXT")  # casefold
    assert name_key("a  b.txt") != name_key("a b.txt")  # spacing is not normalised for files
    assert name_key("a\u200bb.txt") != name_key("ab.txt")


def att(att_id: str, name: str, size: int) -> Attachment:
    return Attachment(att_id, name, size)


def test_journal_evidence_first_by_id_then_name_and_size() -> None:
    listing = [FolderFile("r1", "renamed by someone.pdf", 7), FolderFile("r2", "b.pdf", 5)]
    evidence = JournalEvidence(uploads=[ConfirmedUpload("1", "F", "r1", "a.pdf", "run-9")])
    found = find_copies("F", listing, [att("1", "a.pdf", 5), att("2", "B.PDF", 5)], evidence)
    assert found["1"].by is ThereBy.JOURNAL and found["1"].file.resource_id == "r1"
    assert found["1"].run_id == "run-9"
    assert found["2"].by is ThereBy.NAME_SIZE and found["2"].file.resource_id == "r2"
    assert found["2"].run_id is None


def test_evidence_of_another_folder_does_not_count() -> None:
    listing = [FolderFile("r1", "x.pdf", 7)]
    evidence = JournalEvidence(uploads=[ConfirmedUpload("1", "OTHER", "r1", "a.pdf", "run")])
    assert find_copies("F", listing, [att("1", "a.pdf", 5)], evidence) == {}


def test_a_journalled_file_gone_from_the_folder_falls_back_to_name_and_size() -> None:
    evidence = JournalEvidence(uploads=[ConfirmedUpload("1", "F", "gone", "a.pdf", "run")])
    assert find_copies("F", [], [att("1", "a.pdf", 5)], evidence) == {}
    found = find_copies("F", [FolderFile("r3", "a.pdf", 5)], [att("1", "a.pdf", 5)], evidence)
    assert found["1"].by is ThereBy.NAME_SIZE


@pytest.mark.parametrize(
    ("listed", "size", "there"),
    [
        ("a.pdf", 5, True),
        ("A.PDF", 5, True),
        (unicodedata.normalize("NFD", "é.pdf"), 5, False),  # name differs ("a.pdf" vs "é")
        ("a.pdf", 6, False),
        ("a.pdf", None, False),  # unknown size never matches
        ("a .pdf", 5, False),
    ],
)
def test_name_and_size(listed: str, size: int | None, there: bool) -> None:
    found = find_copies("F", [FolderFile("r", listed, size)], [att("1", "a.pdf", 5)])
    assert ("1" in found) is there


def test_nfc_variants_match_by_name() -> None:
    listing = [FolderFile("r", unicodedata.normalize("NFD", "Résumé.PDF"), 5)]
    assert "1" in find_copies("F", listing, [att("1", "résumé.pdf", 5)])


def test_one_file_vouches_for_one_attachment_only() -> None:
    listing = [FolderFile("r1", "a.pdf", 5)]
    found = find_copies("F", listing, [att("1", "a.pdf", 5), att("2", "a.pdf", 5)])
    assert list(found) == ["1"]
    listing.append(FolderFile("r2", "A.pdf", 5))
    found = find_copies("F", listing, [att("1", "a.pdf", 5), att("2", "a.pdf", 5)])
    assert {c.file.resource_id for c in found.values()} == {"r1", "r2"}


def test_a_file_claimed_by_evidence_is_not_claimed_by_name() -> None:
    listing = [FolderFile("r1", "a.pdf", 5)]
    evidence = JournalEvidence(uploads=[ConfirmedUpload("2", "F", "r1", "a.pdf", "run")])
    found = find_copies("F", listing, [att("1", "a.pdf", 5), att("2", "a.pdf", 5)], evidence)
    assert list(found) == ["2"]


def test_also_named_widens_the_name_match() -> None:
    listing = [FolderFile("r1", "a_b.txt", 5)]
    assert find_copies("F", listing, [att("1", "a:b.txt", 5)]) == {}
    found = find_copies("F", listing, [att("1", "a:b.txt", 5)], also_named={"1": "a_b.txt"})
    assert found["1"].by is ThereBy.NAME_SIZE


def test_journal_views() -> None:
    evidence = JournalEvidence(
        uploads=[
            ConfirmedUpload("1", "F", "r1", "a.pdf", "run-1"),
            ConfirmedUpload("1", "F", "r2", "a.pdf", "run-2"),
        ],
        reserved=[ReservedName("1", "F", "x.pdf", "run-1"), ReservedName("1", "F", "y.pdf", "r2")],
    )
    assert [u.resource_id for u in evidence.uploads("F", "1")] == ["r1", "r2"]
    assert evidence.uploads("G", "1") == []
    reserved = evidence.reserved("F", "1")
    assert reserved is not None and reserved.dest_name == "y.pdf"
    # the newest confirmed upload still there wins
    listing = [FolderFile("r1", "a", 1), FolderFile("r2", "a", 1)]
    found = find_copies("F", listing, [att("1", "a.pdf", 5)], evidence)
    assert found["1"].file.resource_id == "r2" and found["1"].run_id == "run-2"


def test_an_attachment_of_unknown_size_is_never_there_by_name() -> None:
    listing = [FolderFile("r", "a.pdf", None), FolderFile("s", "a.pdf", 0)]
    assert find_copies("F", listing, [Attachment("1", "a.pdf", None)]) == {}


@pytest.mark.parametrize(
    ("name", "planned", "expected"),
    [
        ("a 02-12-2026 09:01:02:123.pdf", "a.pdf", True),  # the simulator's suffix mode
        ("A_20261202_090102.PDF", "a.pdf", True),  # the seed's pattern
        ("a (2).pdf", "a.pdf", True),
        ("README 02-12-2026 09:01:02:123", "README", True),  # no extension
        ("v1 02-12-2026 09:01:02:123.2 final", "v1.2 final", True),  # WorkDrive's last dot
        ("a.pdf", "a.pdf", False),  # the planned name itself is not a renamed form
        ("a_final.pdf", "a.pdf", False),  # words are not a suffix
        ("a 2026.txt", "a.pdf", False),  # another extension
        ("b 2026.pdf", "a.pdf", False),
    ],
)
def test_renamed_forms(name: str, planned: str, expected: bool) -> None:
    assert renamed_form(name, planned) is expected


def test_lost_upload_prefers_the_planned_name_then_a_renamed_form_never_a_claimed_file() -> None:
    files = [
        FolderFile("r3", "a 02-12-2026 09:01:02:123.pdf", 5),
        FolderFile("r2", "a.pdf", 9),  # someone else's, another size
        FolderFile("r1", "a_20261202_090102.pdf", 5),
    ]
    assert lost_upload("a.pdf", 5, files) == files[2]  # lowest id of the renamed forms
    assert lost_upload("a.pdf", 5, files, {"r1"}) == files[0]
    assert lost_upload("a.pdf", 5, files, {"r1"}, renamed=False) is None
    assert lost_upload("a.pdf", 9, files) == files[1]
    assert lost_upload("a.pdf", None, files) is None


def test_an_unconfirmed_intent_found_renamed_is_there_by_that_runs_journal() -> None:
    """A kill after WorkDrive stored the upload under a renamed name (a clash in its suffix
    mode) and before the journal commit: the rerun finds it, it is not planned again."""
    listing = [
        FolderFile("r1", "a.pdf", 9),  # the name taken just before the upload
        FolderFile("r2", "a 02-12-2026 09:01:02:123.pdf", 5),
    ]
    evidence = JournalEvidence(reserved=[ReservedName("1", "F", "a.pdf", "run-1")])
    found = find_copies("F", listing, [att("1", "a.pdf", 5)], evidence)
    assert found["1"] == Copy(listing[1], ThereBy.JOURNAL, "run-1", settles_intent=True)


def test_an_intent_settles_before_another_attachment_claims_its_file_by_name() -> None:
    listing = [FolderFile("r1", "a.pdf", 5)]
    evidence = JournalEvidence(reserved=[ReservedName("2", "F", "a.pdf", "run-1")])
    found = find_copies("F", listing, [att("1", "a.pdf", 5), att("2", "a.pdf", 5)], evidence)
    assert list(found) == ["2"] and found["2"].settles_intent
    # another attachment's confirmed copy is never taken for the intent, renamed or not
    listing.append(FolderFile("r0", "a_20261202_090102.pdf", 5))
    evidence = JournalEvidence(
        uploads=[ConfirmedUpload("3", "F", "r0", "a_20261202_090102.pdf", "run-0")],
        reserved=[ReservedName("2", "F", "a.pdf", "run-1")],
    )
    atts = [att("1", "a.pdf", 5), att("2", "a.pdf", 5), att("3", "a.pdf", 5)]
    found = find_copies("F", listing, atts, evidence)
    assert found["3"].file.resource_id == "r0" and found["2"].file.resource_id == "r1"
    assert "1" not in found


def test_a_file_at_the_planned_name_whose_size_reads_0_is_an_unreadable_copy() -> None:
    files = [FolderFile("r1", "a 02-12-2026 09:01:02:123.pdf", 0), FolderFile("r2", "b.pdf", None)]
    assert unreadable_copy("a.pdf", 5, files) and unreadable_copy("b.pdf", 5, files)
    assert not unreadable_copy("c.pdf", 5, files)
    assert not unreadable_copy("b.pdf", 0, files)  # an empty attachment: size 0 is its size
    assert not unreadable_copy("a.pdf", 5, [FolderFile("r1", "a.pdf", 5)])
