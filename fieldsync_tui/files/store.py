"""The files job's journal (DESIGN §9.5, §9.3): per-file intents and confirmations as the
core's *items* (an attachment into a folder), the planner's evidence read back from them,
and operator decisions (folder picks, record and file skips)."""

from __future__ import annotations

from collections.abc import Sequence

from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.journal_items import (
    CONFIRMED,
    INTENT,
    ItemRecord,
    JobDecision,
    add_job_decisions,
    items,
    job_decisions,
)
from fieldsync_tui.files import JOB
from fieldsync_tui.files.model import (
    ConfirmedUpload,
    FilePlan,
    FilesDecision,
    FilesDecisionKind,
    FileStep,
    ReservedName,
)
from fieldsync_tui.files.presence import JournalEvidence


def evidence(journal: Journal) -> JournalEvidence:
    """Confirmed uploads and names reserved (intents never confirmed) of every files run."""
    rows = items(journal, statuses=(INTENT, CONFIRMED))
    confirmed = {(r.container_id, r.item_id) for r in rows if r.status == CONFIRMED}
    uploads = [
        ConfirmedUpload(r.item_id, r.container_id, r.resource_id, r.dest_name, r.run_id)
        for r in rows
        if r.status == CONFIRMED and r.resource_id
    ]
    reserved = [
        ReservedName(r.item_id, r.container_id, r.dest_name, r.run_id)
        for r in rows
        if r.status == INTENT and (r.container_id, r.item_id) not in confirmed
    ]
    return JournalEvidence(uploads, reserved)


def intent(run_id: str, a_id: str, folder_id: str, plan: FilePlan) -> ItemRecord:
    att = plan.attachment
    return ItemRecord(
        run_id, a_id, att.id, folder_id, att.file_name, att.size, plan.dest_name, INTENT
    )


def sent(step: FileStep) -> str:
    """What ``rows.done`` holds once a write of ``step`` was sent, before its answer: a kill
    before the answer is journalled leaves undo this to go by (it still checks A's values)."""
    return f"{step}:sent"


def settled(a_id: str, folder_id: str, plan: FilePlan) -> ItemRecord:
    """An earlier run's unconfirmed intent the planner found in the folder (its answer was
    lost): confirmed under that run, so its undo trashes the file and later runs know it by id."""
    att = plan.attachment
    return ItemRecord(
        plan.there_run_id or "",
        a_id,
        att.id,
        folder_id,
        att.file_name,
        att.size,
        plan.dest_name,
        CONFIRMED,
        plan.existing_id,
        None,
        "upload answer lost; found by name and size",
    )


def decisions(journal: Journal) -> list[FilesDecision]:
    out = []
    for d in job_decisions(journal, JOB):
        try:
            kind = FilesDecisionKind(d.kind)
        except ValueError:
            continue
        out.append(FilesDecision(d.a_id, kind, d.fingerprint, d.target, d.item_id))
    return out


def add_decisions(journal: Journal, made: Sequence[FilesDecision]) -> int:
    return add_job_decisions(
        journal,
        JOB,
        [
            JobDecision(d.a_id, str(d.kind), d.fingerprint, d.folder_id, d.attachment_id)
            for d in made
        ],
    )
