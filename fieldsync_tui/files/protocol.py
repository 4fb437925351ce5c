"""The files job's write protocol for one batch of up to 100 records (DESIGN §9.5).

1. journal the intent (A's old / new values, each file with its planned name) and commit;
2. re-read A by id and re-list each folder once: changed → ``stale``; names taken since →
   planned again (journalled);
3. one ``PUT`` of A's URL / folder id where they change (the field-sync checkbox unticked in
   the same write when this changes the values of a record it ticked);
4. the files, in parallel within ``ZOHO_MAX_CONCURRENCY`` per org (``batches.FileGates``);
   a file starts — pause / cancel / stop checked — once it has a download slot
   (``transfer.Copier``);
5. each record's attachments listed again, then one ``PUT`` ticking those whose every file
   attachment is there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fieldsync_tui.core.journal import Intent, Journal
from fieldsync_tui.core.journal_items import mark_done, record_items
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.files.batches import FileGates
from fieldsync_tui.files.load import gather_limited, list_attachments, list_files, read_by_ids
from fieldsync_tui.files.model import (
    CopyOutcome,
    FileOutcome,
    FilePlan,
    FileResult,
    FileRow,
    FilesFieldMap,
    FileStep,
)
from fieldsync_tui.files.policy import (
    TICKING,
    Action,
    needs_field_write,
    needs_tick,
    success_outcome,
)
from fieldsync_tui.files.presence import unreadable_copy
from fieldsync_tui.files.recheck import replan_taken, stale_reason, tick_check
from fieldsync_tui.files.store import intent, sent, settled
from fieldsync_tui.files.transfer import Copier, FatalStop, FolderState, error_code, fatal_reason
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import ZohoError
from fieldsync_tui.zoho.workdrive import WorkDrive

IN_FLIGHT_GRACE = 30.0
"""Seconds files in flight may take to finish once the run stops (§9.5)."""
Item = tuple[FileRow, Action]


@dataclass(slots=True)
class FilesWriteContext:
    run_id: str
    fields: FilesFieldMap
    client_a: ZohoClient
    attachments: CrmAttachments
    drive: WorkDrive
    journal: Journal
    copier: Copier
    control: ApplyControl
    concurrency: int
    a_triggers: tuple[str, ...]
    settle: Callable[[Sequence[FileRow]], None]
    file_settled: Callable[[FileRow, FilePlan, FileResult], None]
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    stop_reason: str | None = None
    grace: float = field(default_factory=lambda: IN_FLIGHT_GRACE)
    gates: FileGates | None = None  # the run's (every batch's); made on first use

    def halt(self, reason: str) -> None:
        """The run stops: no batch starts another step, no file starts."""
        self.stop_reason = self.stop_reason or reason
        self.stop.set()

    def check(self) -> None:
        if self.stop.is_set():
            raise FatalStop(self.stop_reason or "stopped")


def set_outcome(
    row: FileRow,
    outcome: FileOutcome,
    step: FileStep | None = None,
    code: str | None = None,
    message: str = "",
) -> None:
    row.outcome, row.step, row.code, row.message = outcome, step, code, message


def intents(ctx: FilesWriteContext, items: Sequence[Item]) -> list[Intent]:
    f = ctx.fields
    out = []
    for row, action in items:
        old: dict[str, str | None] = {f.url: row.a.url, f.folder_id: row.a.folder_id}
        old[f.files_checkbox] = str(row.a.files_checkbox).lower()
        new: dict[str, str | None] = dict(row.field_changes)
        if needs_tick(row, action):
            new[f.files_checkbox] = "true"
        if row.untick_fields_checkbox and row.field_changes:
            old[f.fields_checkbox] = "true"
            new[f.fields_checkbox] = "false"
        out.append(Intent(row.a.id, row.folder_id, str(action), old, new, None))
    return out


async def write_batch(ctx: FilesWriteContext, items: Sequence[Item]) -> str | None:
    """Run the protocol for one batch; returns a reason to stop the run, or None."""
    ctx.journal.record_intents(ctx.run_id, intents(ctx, items))
    record_items(
        ctx.journal,
        [
            intent(ctx.run_id, row.a.id, row.folder_id, plan)
            for row, action in items
            if action is Action.APPLY and row.folder_id is not None
            for plan in row.files_to_copy
        ]
        + [
            settled(row.a.id, row.folder_id, plan)
            for row, action in items
            if action is not Action.SKIP and row.folder_id is not None
            for plan in row.files
            if plan.settles_intent and plan.there_run_id and plan.existing_id
        ],
    )
    try:
        ctx.check()
        live = await _re_read(ctx, items)
        ctx.check()
        live = await _write_fields(ctx, live)
        folders = live[1]
        rows = await _copy_files(ctx, live[0], folders)
        ctx.check()
        await _tick(ctx, rows)
    except FatalStop as stop:
        ctx.halt(stop.reason)
    except ZohoError as err:
        reason = fatal_reason(err)
        if reason is None:
            _fail_open(ctx, items, error_code(err), safe(str(err))[:300], keep_step=True)
            return None
        ctx.halt(safe(reason))
    if ctx.stop_reason is not None:
        _fail_open(ctx, items, "STOPPED", f"run stopped: {ctx.stop_reason}")
        return ctx.stop_reason
    return None


def _fail_open(
    ctx: FilesWriteContext, items: Sequence[Item], code: str, text: str, keep_step: bool = False
) -> None:
    """Records of the batch still without an outcome: ``failed`` (``partial`` when a file
    or field already landed)."""
    open_rows = [row for row, _ in items if row.outcome is None]
    for row in open_rows:
        landed = any(r.outcome is CopyOutcome.COPIED for r in row.file_results.values())
        step = row.step if keep_step else None
        outcome = FileOutcome.PARTIAL if landed else FileOutcome.FAILED
        set_outcome(row, outcome, step, code, text)
    if open_rows:
        ctx.settle(open_rows)


Live = tuple[list[Item], dict[str, FolderState]]


async def _re_read(ctx: FilesWriteContext, items: Sequence[Item]) -> Live:
    for row, _ in items:
        row.step = FileStep.RE_READ
    fresh = await read_by_ids(ctx.client_a, ctx.fields, [row.a.id for row, _ in items])
    folder_ids = list(dict.fromkeys(row.folder_id for row, _ in items if row.folder_id))
    listed: dict[str, FolderState | None] = {}

    async def relist(folder_id: str) -> FolderState | None:
        try:
            return FolderState(folder_id, await list_files(ctx.drive, folder_id))
        except ZohoError as err:
            if fatal_reason(err):
                raise
            return None

    listed = await gather_limited(folder_ids, relist, ctx.concurrency)
    live: list[Item] = []
    stale: list[FileRow] = []
    for row, action in items:
        folder = listed.get(row.folder_id or "")
        why = stale_reason(row, fresh.get(row.a.id), folder is not None)
        if why is not None:
            set_outcome(row, FileOutcome.STALE, FileStep.RE_READ, "STALE", why)
            stale.append(row)
        else:
            live.append((row, action))
    if stale:
        ctx.settle(stale)
    folders = {f: s for f, s in listed.items() if s is not None}
    _replan(ctx, live, folders)
    return live, folders


def _replan(ctx: FilesWriteContext, live: Sequence[Item], folders: dict[str, FolderState]) -> None:
    by_folder: dict[str, list[FileRow]] = {}
    for row, action in live:
        if action is Action.APPLY and row.folder_id is not None:
            by_folder.setdefault(row.folder_id, []).append(row)
    for folder_id, rows in by_folder.items():
        planned = [f for row in rows for f in row.files]
        files = folders[folder_id].files
        again = {  # an earlier run's name holding a file whose size reads 0: the copier settles it
            a: plan
            for a, plan in replan_taken(
                planned, [f.name for f in files], ctx.copier.planned_at
            ).items()
            if not any(
                f.attachment.id == a
                and f.reserved
                and unreadable_copy(f.dest_name, f.attachment.size, files)
                for f in planned
            )
        }
        if not again:
            continue
        changed = []
        for row in rows:
            row.files = tuple(again.get(f.attachment.id, f) for f in row.files)
            changed += [
                intent(ctx.run_id, row.a.id, folder_id, again[f.attachment.id])
                for f in row.files
                if f.attachment.id in again
            ]
        record_items(ctx.journal, changed)


async def _write_fields(ctx: FilesWriteContext, live: Live) -> Live:
    items, folders = live
    f = ctx.fields
    writing = [(row, a) for row, a in items if needs_field_write(row)]
    for row, _ in writing:
        row.step = FileStep.A_FIELDS
    if not writing:
        return live
    payload = []
    for row, _ in writing:
        record: dict[str, object] = {"id": row.a.id, **row.field_changes}
        if row.untick_fields_checkbox:
            record[f.fields_checkbox] = False
        payload.append(record)
    mark_done(ctx.journal, ctx.run_id, [r.a.id for r, _ in writing], sent(FileStep.A_FIELDS))
    results = await ctx.client_a.update_records(f.module, payload, ctx.a_triggers)
    failed: list[FileRow] = []
    done: list[str] = []
    for (row, _), result in zip(writing, results, strict=True):
        if result.ok:
            done.append(row.a.id)
        else:
            text = safe(result.message or "")[:300]
            set_outcome(row, FileOutcome.FAILED, FileStep.A_FIELDS, result.code, text)
            failed.append(row)
    if done:
        mark_done(ctx.journal, ctx.run_id, done, str(FileStep.A_FIELDS))
    if failed:
        ctx.settle(failed)
    return [(r, a) for r, a in items if r.outcome is None], folders


async def _copy_files(
    ctx: FilesWriteContext, live: Sequence[Item], folders: dict[str, FolderState]
) -> list[Item]:
    jobs = [
        (row, plan)
        for row, action in live
        if action is Action.APPLY and row.folder_id in folders
        for plan in row.files_to_copy
    ]
    gates = ctx.gates = ctx.gates or FileGates(ctx.concurrency)

    @asynccontextmanager
    async def start(row: FileRow) -> AsyncIterator[bool]:
        """A download slot, then the pause / cancel / stop check: a file starts once Org A
        can take its download, so "between files" holds at any concurrency."""
        async with gates.downloads:
            go = not ctx.stop.is_set() and await ctx.control.checkpoint()
            go = go and not ctx.stop.is_set()  # paused, then cancelled or stopped: not started
            if go:
                row.step = FileStep.DOWNLOAD
            yield go

    async def one(row: FileRow, plan: FilePlan) -> None:
        async with gates.files:
            folder = folders[row.folder_id or ""]
            try:
                result = await ctx.copier.copy(row.a.id, plan, folder, start(row))
            except FatalStop as stop:
                ctx.halt(stop.reason)
                return
            if result is None:
                return
            row.file_results[plan.attachment.id] = result
            ctx.file_settled(row, plan, result)

    pending = {asyncio.ensure_future(one(row, plan)) for row, plan in jobs}
    while pending:
        _, pending = await asyncio.wait(pending, timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
        if ctx.stop.is_set() and pending:
            _, late = await asyncio.wait(pending, timeout=ctx.grace)
            for task in late:  # abandoned after the grace period
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
            break
    if ctx.stop.is_set():
        raise FatalStop(ctx.stop_reason or "stopped")
    out: list[Item] = []
    settled: list[FileRow] = []
    for row, action in live:
        results = [row.file_results.get(p.attachment.id) for p in row.files_to_copy]
        failed = [r for r in results if r is not None and r.outcome is CopyOutcome.FAILED]
        missing = action is Action.APPLY and any(r is None for r in results)
        if failed or missing:
            landed = needs_field_write(row) or any(
                r is not None and r.outcome is CopyOutcome.COPIED for r in results
            )
            outcome = FileOutcome.PARTIAL if landed else FileOutcome.FAILED
            if failed:
                step = (
                    FileStep(failed[0].reason)
                    if failed[0].reason in ("download", "upload")
                    else FileStep.UPLOAD
                )
                text = f"{len(failed)} of {len(results)} files failed: {failed[0].message}"
                set_outcome(row, outcome, step, failed[0].code, text)
            else:
                reason = "cancelled by the operator" if ctx.control.cancelled else "stopped"
                set_outcome(row, outcome, None, "CANCELLED", f"not attempted: {reason}")
            settled.append(row)
        else:
            out.append((row, action))
    if settled:
        ctx.settle(settled)
    return out


async def _tick(ctx: FilesWriteContext, live: Sequence[Item]) -> None:
    f = ctx.fields
    ticking = [(row, a) for row, a in live if a in TICKING]
    for row, _ in ticking:
        row.step = FileStep.A_TICK
    relisted = await gather_limited(
        [row.a.id for row, _ in ticking],
        lambda a_id: list_attachments(ctx.attachments, f.module, a_id),
        ctx.concurrency,
    )
    to_tick: list[Item] = []
    settled: list[FileRow] = []
    for row, action in live:
        if action not in TICKING:
            set_outcome(row, success_outcome(row, action))
            settled.append(row)
            continue
        landed = {a for a, r in row.file_results.items() if r.outcome is CopyOutcome.COPIED}
        ok, problems = tick_check(row, relisted[row.a.id], landed)
        if not ok:
            outcome = FileOutcome.PARTIAL
            set_outcome(row, outcome, FileStep.A_TICK, "NOT_ALL_THERE", "; ".join(problems))
            settled.append(row)
        elif needs_tick(row, action):
            to_tick.append((row, action))
        else:
            set_outcome(row, success_outcome(row, action))
            settled.append(row)
    if to_tick:
        payload: list[dict[str, object]] = [
            {"id": row.a.id, f.files_checkbox: True} for row, _ in to_tick
        ]
        mark_done(ctx.journal, ctx.run_id, [r.a.id for r, _ in to_tick], sent(FileStep.A_TICK))
        results = await ctx.client_a.update_records(f.module, payload, ctx.a_triggers)
        done = []
        for (row, action), result in zip(to_tick, results, strict=True):
            if result.ok:
                done.append(row.a.id)
                set_outcome(row, success_outcome(row, action))
            else:
                landed_any = needs_field_write(row) or bool(row.file_results)
                outcome = FileOutcome.PARTIAL if landed_any else FileOutcome.FAILED
                text = safe(result.message or "")[:300]
                set_outcome(row, outcome, FileStep.A_TICK, result.code, text)
            settled.append(row)
        if done:
            mark_done(ctx.journal, ctx.run_id, done, str(FileStep.A_TICK))
    if settled:
        ctx.settle(settled)
