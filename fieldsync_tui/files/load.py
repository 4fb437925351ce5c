"""Loading a files run (DESIGN §9.2): pending Org A records, the folder index, then — for
the selected records with one folder only — their attachments and each folder's contents
once, in parallel within ``ZOHO_MAX_CONCURRENCY``. Then the plan (``plan.plan_files``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from fieldsync_tui.files import convert
from fieldsync_tui.files.folders import FolderIndex
from fieldsync_tui.files.match import MatchOptions, is_pending, match_records
from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    FilesDecision,
    FilesFieldMap,
    FilesPlan,
    FolderFile,
)
from fieldsync_tui.files.plan import load_targets, plan_files
from fieldsync_tui.files.presence import JournalEvidence
from fieldsync_tui.files.projection import Projection, project_load
from fieldsync_tui.files.selection import select
from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.readfilter import ReadFilter
from fieldsync_tui.zoho.workdrive import WorkDrive

OnProgress = Callable[[str, int], None]
AskLoad = Callable[[Projection], Awaitable[bool]]
ASK_ABOVE = 1000
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class LoadRequest:
    fields: FilesFieldMap
    team_folder_id: str
    match: MatchOptions
    record_ids: tuple[str, ...] = ()
    limit: int | None = None
    max_bytes: int | None = None
    concurrency: int = 5


@dataclass(slots=True)
class Loaded:
    plan: FilesPlan
    index: FolderIndex
    planned_at: datetime


async def pending_records(
    client: ZohoClient, fields: FilesFieldMap, include_ticked: bool, on_progress: OnProgress | None
) -> dict[str, ARecord]:
    """§9.2: through the same read ladder as the field sync (``ZohoClient.read_pages``)."""
    false = () if include_ticked else (fields.files_checkbox,)
    where = ReadFilter(false=false, present=(fields.name,))
    out: dict[str, ARecord] = {}
    async for page in client.read_pages(fields.module, fields.a_fields(), where):
        for raw in page:
            a = convert.a_record(raw, fields)
            if is_pending(a, include_ticked):
                out[a.id] = a
        if on_progress is not None:
            on_progress("pending Org A records", len(out))
    return out


async def read_by_ids(
    client: ZohoClient, fields: FilesFieldMap, ids: Sequence[str]
) -> dict[str, ARecord]:
    if not ids:
        return {}
    raw = await client.get_records_by_ids(fields.module, ids, fields.a_fields())
    return {a.id: a for a in (convert.a_record(r, fields) for r in raw)}


async def gather_limited(
    keys: Sequence[str], fetch: Callable[[str], Awaitable[_T]], limit: int
) -> dict[str, _T]:
    """``fetch(key)`` for every key, at most ``limit`` at once."""
    gate = asyncio.Semaphore(max(1, limit))

    async def one(key: str) -> tuple[str, _T]:
        async with gate:
            return key, await fetch(key)

    return dict(await asyncio.gather(*(one(k) for k in keys)))


async def list_files(drive: WorkDrive, folder_id: str) -> list[FolderFile]:
    return convert.folder_files(await drive.list_folder(folder_id))


async def list_attachments(attachments: CrmAttachments, module: str, a_id: str) -> list[Attachment]:
    return [convert.attachment(a) for a in await attachments.list(module, a_id)]


async def load_plan(
    request: LoadRequest,
    client_a: ZohoClient,
    attachments: CrmAttachments,
    drive: WorkDrive,
    evidence: JournalEvidence,
    decisions: Sequence[FilesDecision],
    on_progress: OnProgress | None = None,
    ask: AskLoad | None = None,
) -> Loaded:
    """The plan of a files run. ``ask(projection)`` is awaited before listing the
    attachments of more than ``ASK_ABOVE`` records (the console asks the operator, §9.2);
    False leaves those records unplanned (their files are not listed, nothing is applied)."""
    fields = request.fields
    include = request.match.include_ticked
    pending_task = pending_records(client_a, fields, include, on_progress)
    index_task = drive.list_folder(
        request.team_folder_id, folders_only=True, window=request.concurrency
    )
    pending, items = await asyncio.gather(pending_task, index_task)
    index = FolderIndex.build(convert.folders(items))
    if on_progress is not None:
        on_progress("WorkDrive folders", len(index.by_id))
    known: Mapping[str, ARecord] = {}
    missing = [i for i in dict.fromkeys(request.record_ids) if i not in pending]
    if missing:
        known = await read_by_ids(client_a, fields, missing)
        for a in known.values():  # pending now, missed by the load: it just changed
            if is_pending(a, include):
                pending[a.id] = a
    plan = match_records(pending.values(), index, fields, request.match, decisions)
    select(
        plan,
        record_ids=request.record_ids,
        limit=request.limit,
        known_a=known,
        include_ticked=include,
    )
    if ask is not None:
        cost = project_load(plan)
        if cost.records > ASK_ABOVE and not await ask(cost):
            return Loaded(plan, index, datetime.now(UTC).replace(microsecond=0))
    a_ids, folder_ids = load_targets(plan)
    module, limit = fields.module, request.concurrency
    atts, listings = await asyncio.gather(
        gather_limited(a_ids, lambda a: list_attachments(attachments, module, a), limit),
        gather_limited(folder_ids, lambda f: list_files(drive, f), limit),
    )
    if on_progress is not None:
        found = sum(len(found) for found in atts.values())
        on_progress(f"records' attachment lists ({found} attachments)", len(atts))
        on_progress("folder listings", len(listings))
    planned_at = datetime.now(UTC).replace(microsecond=0)
    plan_files(
        plan,
        atts,
        listings,
        planned_at,
        evidence=evidence,
        decisions=decisions,
        max_bytes=request.max_bytes,
    )
    return Loaded(plan, index, planned_at)
