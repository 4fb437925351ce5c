"""The files job's planning pipeline for tests: load → match → select → list → plan files."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import pytest

from fieldsync_tui.files.folders import FolderIndex
from fieldsync_tui.files.match import MatchOptions, match_records
from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    FilesDecision,
    FilesFieldMap,
    FilesPlan,
    FolderFile,
    WorkDriveFolder,
)
from fieldsync_tui.files.plan import load_targets, plan_files
from fieldsync_tui.files.presence import NO_EVIDENCE, JournalEvidence
from fieldsync_tui.files.selection import select

PLANNED_AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
"""Every plan in these tests is made at this time: clash names carry 20260304_050607."""


def build_plan(
    records: Sequence[ARecord],
    folders: Sequence[WorkDriveFolder],
    attachments: Mapping[str, Sequence[Attachment]] | None = None,
    listings: Mapping[str, Sequence[FolderFile]] | None = None,
    *,
    options: MatchOptions | None = None,
    decisions: Sequence[FilesDecision] = (),
    evidence: JournalEvidence = NO_EVIDENCE,
    max_bytes: int | None = None,
    record_ids: Sequence[str] = (),
    limit: int | None = None,
    fields: FilesFieldMap | None = None,
) -> FilesPlan:
    """What a load does, in order; only what the selection needs is "listed" (records with
    no entry in ``attachments`` have none, folders with no entry in ``listings`` are empty)."""
    options = options or MatchOptions()
    index = FolderIndex.build(folders)
    plan = match_records(records, index, fields or FilesFieldMap(), options, decisions)
    select(plan, record_ids=record_ids, limit=limit, include_ticked=options.include_ticked)
    a_ids, folder_ids = load_targets(plan)
    atts = {a: list((attachments or {}).get(a, ())) for a in a_ids}
    lists = {f: list((listings or {}).get(f, ())) for f in folder_ids}
    return plan_files(
        plan, atts, lists, PLANNED_AT, evidence=evidence, decisions=decisions, max_bytes=max_bytes
    )


BuildPlan = Callable[..., FilesPlan]


@pytest.fixture
def build() -> BuildPlan:
    """``build(records, folders, attachments, listings, **options)`` → the planned run."""
    return build_plan
