"""The files run's report entries (§9.6) and the model's class keys and sets (§9.3)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from fieldsync_tui.core.guard import lock_name
from fieldsync_tui.files import JOB
from fieldsync_tui.files.model import (
    BULK_APPROVE,
    CLASS_ORDER,
    ARecord,
    Attachment,
    AttachmentKind,
    ConfirmedUpload,
    CopyOutcome,
    FileClass,
    FileOutcome,
    FileResult,
    FileRow,
    FilesPlan,
    FolderFile,
    WorkDriveFolder,
    class_for_key,
)
from fieldsync_tui.files.names import MAX_NAME
from fieldsync_tui.files.plan import max_file_bytes
from fieldsync_tui.files.presence import JournalEvidence
from fieldsync_tui.files.report import CSV_COLUMNS, csv_entry, row_entry, totals

Build = Callable[..., FilesPlan]
LINK = "https://workdrive.zoho.com/folder/f1"
LONG = "é" * 260 + ".pdf"


@pytest.fixture
def row(build: Build) -> FileRow:
    atts = [
        Attachment("1", "a.pdf", 100),
        Attachment("2", "a.pdf", 200),
        Attachment("3", "old.pdf", 5),
        Attachment("4", "big.iso", 3 * 1024 * 1024),
        Attachment("5", "Google", 0, AttachmentKind.LINK, "https://www.google.com"),
        Attachment("6", LONG, 9),
        Attachment("8", "journalled.pdf", 1),
    ]
    listing = [FolderFile("r3", "OLD.pdf", 5), FolderFile("r8", "moved.pdf", 1)]
    evidence = JournalEvidence(uploads=[ConfirmedUpload("8", "f1", "r8", "journalled.pdf", "R1")])
    plan = build(
        [ARecord("7", "=Acme", None, None)],
        [WorkDriveFolder("f1", "=acme", LINK)],
        {"7": atts},
        {"f1": listing},
        evidence=evidence,
        max_bytes=max_file_bytes(1),
    )
    assert plan.rows[0].files_loaded
    return plan.rows[0]


def test_a_dry_run_entry(row: FileRow) -> None:
    row.outcome = FileOutcome.DRY_RUN
    entry = row_entry(row)
    assert entry["folder_id"] == "f1" and entry["folder_candidates"] == ["f1"]
    assert entry["class"] == "ready" and entry["outcome"] == "dry_run"
    files = {f["attachment_id"]: f for f in entry["files"]}
    assert [files[i]["outcome"] for i in "123468"] == [
        "dry_run",
        "dry_run",
        "already_there",
        "skipped",
        "dry_run",
        "already_there",
    ]
    assert files["2"]["dest_name"] == "a_20260304_050607.pdf"
    assert files["3"]["reason"] == "matched by name and size" and files["3"]["resource_id"] == "r3"
    assert files["8"]["reason"] == "copied by run R1" and files["8"]["dest_name"] == "moved.pdf"
    assert files["4"]["reason"] == "too_large"
    assert len(files["6"]["dest_name"]) == MAX_NAME and files["6"]["file_name"] == LONG
    assert entry["links"] == [
        {"attachment_id": "5", "title": "Google", "url": "https://www.google.com"}
    ]
    json.dumps(entry)  # plain data
    assert totals([row]) == {
        "files_planned": 3,
        "bytes_planned": 309,
        "files_copied": 0,
        "bytes_copied": 0,
        "files_failed": 0,
        "bytes_failed": 0,
    }


def test_a_partial_record_with_results(row: FileRow) -> None:
    row.outcome = FileOutcome.PARTIAL
    row.file_results["1"] = FileResult(CopyOutcome.COPIED, resource_id="n1", dest_name="a.pdf")
    row.file_results["2"] = FileResult(CopyOutcome.FAILED, "upload", code="F7003", message="x")
    csv = csv_entry(row)
    assert list(csv) == list(CSV_COLUMNS)
    assert (csv["files_total"], csv["files_copied"], csv["files_failed"]) == (6, 1, 1)
    assert csv["bytes_copied"] == 100 and csv["folder_candidates"] == "f1"
    assert csv["name"] == "=Acme"  # escaped by the core's CSV writer, not here
    assert totals([row])["files_failed"] == 1 and totals([row])["bytes_failed"] == 200
    files = {f["attachment_id"]: f for f in row_entry(row)["files"]}
    assert files["6"]["outcome"] == "skipped" and files["6"]["reason"] == "partial"


def test_records_outside_the_run_plan_nothing(row: FileRow) -> None:
    row.outcome = FileOutcome.NOT_SELECTED
    assert totals([row])["files_planned"] == 0
    row.outcome = None
    assert row_entry(row)["files"][0]["reason"] == "not_attempted"


@pytest.mark.parametrize(
    ("key", "klass"),
    [("1", FileClass.READY), ("2", FileClass.IN_SYNC), ("6", FileClass.NO_FILES), ("7", None)],
)
def test_class_keys(key: str, klass: FileClass | None) -> None:
    assert class_for_key(key) is klass


def test_class_sets() -> None:
    assert [k.value for k in CLASS_ORDER] == [
        "ready",
        "in_sync",
        "overwrite",
        "duplicate",
        "unmatched",
        "no_files",
    ]
    assert {FileClass.READY, FileClass.IN_SYNC, FileClass.NO_FILES} == BULK_APPROVE
    assert class_for_key("0") is None and class_for_key("12") is None
    assert {o.value for o in FileOutcome} >= {"folder_set", "partial", "stale", "not_selected"}


def test_the_job_name_gives_its_lock() -> None:
    assert lock_name(JOB) == "lock.files"
