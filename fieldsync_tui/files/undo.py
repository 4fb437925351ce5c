"""``fieldsync undo RUN_ID`` of a files run (DESIGN §9.6), itself a journalled run.

Per record of the run: A's URL / folder id are restored where A still holds what the run
wrote; A's files checkbox is unticked where the run ticked it, and a field-sync checkbox the
run unticked is ticked again; the files the run uploaded go to the WorkDrive trash when they
are still there with the same name and size (anything else is left, and said).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal, new_run_id
from fieldsync_tui.core.journal_items import (
    CONFIRMED,
    TRASHED,
    RowState,
    begin_job_run,
    items,
    record_items,
    row_done,
)
from fieldsync_tui.core.normalize import clean_value
from fieldsync_tui.files import JOB
from fieldsync_tui.files.load import read_by_ids
from fieldsync_tui.files.model import FileStep
from fieldsync_tui.files.settings import FilesSettings
from fieldsync_tui.files.store import sent
from fieldsync_tui.files.transfer import VERSIONED, fatal_reason
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import ZohoError
from fieldsync_tui.zoho.workdrive import WorkDrive

BATCH = 100


@dataclass(slots=True)
class FilesUndoResult:
    run_id: str
    restored: int = 0
    unticked: int = 0
    trashed: int = 0
    kept: list[str] = field(default_factory=list)  # why something was left as it is
    failed: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


async def undo_files_run(
    settings: FilesSettings,
    client_a: ZohoClient,
    drive: WorkDrive,
    journal: Journal,
    run_id: str,
    record_ids: Sequence[str] = (),
    *,
    dry_run: bool = False,
    command: str = "fieldsync undo",
    logger: logging.Logger | None = None,
) -> FilesUndoResult:
    log = logger or logging.getLogger("fieldsync")
    f = settings.fields
    wanted = set(record_ids)
    rows = [r for r in journal.run_rows(run_id) if not wanted or r.a_id in wanted]
    done = row_done(journal, run_id)
    uploads = [
        i
        for i in items(journal, run_id=run_id, statuses=(CONFIRMED,))
        if not wanted or i.a_id in wanted
    ]
    result = FilesUndoResult(new_run_id())
    guard = RunGuard(journal, settings.state_dir, JOB, command)
    if not dry_run:
        guard.acquire()
    try:
        begin_job_run(
            journal,
            result.run_id,
            job=JOB,
            mode="undo",
            command=command,
            dry_run=dry_run,
            rows=[RowState(r.a_id, r.b_id, r.name, r.klass, "auto") for r in rows],
            undo_of=run_id,
        )
        touched = [r for r in rows if done.get(r.a_id)]
        fresh = await read_by_ids(client_a, f, [r.a_id for r in touched])
        payload: list[dict[str, object]] = []
        for r in touched:
            a = fresh.get(r.a_id)
            steps = done[r.a_id]
            if a is None:
                result.kept.append(f"record {r.a_id}: gone from Org A")
                continue
            change: dict[str, object] = {}
            if {str(FileStep.A_FIELDS), sent(FileStep.A_FIELDS)} & set(steps):
                held = {f.url: a.url, f.folder_id: a.folder_id}
                wrote = {k: v for k, v in r.new_values.items() if k in held}
                if all(clean_value(held[k]) == clean_value(v) for k, v in wrote.items()):
                    change.update({k: r.old_values.get(k) for k in wrote})
                    if r.new_values.get(f.fields_checkbox) == "false" and not a.fields_checkbox:
                        change[f.fields_checkbox] = True
                    result.restored += 1
                else:
                    result.kept.append(f"record {r.a_id}: A's fields changed since the run")
            ticked = {str(FileStep.A_TICK), sent(FileStep.A_TICK)} & set(steps)
            if ticked and a.files_checkbox:
                change[f.files_checkbox] = False
                result.unticked += 1
            if change:
                payload.append({"id": r.a_id, **change})
        if not dry_run:
            for start in range(0, len(payload), BATCH):
                part = payload[start : start + BATCH]
                answers = await client_a.update_records(f.module, part, settings.a_triggers)
                for answer in answers:
                    if not answer.ok:
                        result.failed.append(f"record {answer.id}: {safe(answer.message)[:200]}")
        trashed = []
        for up in uploads:
            if (up.message or "").startswith(VERSIONED):
                result.kept.append(
                    f"file {safe(up.dest_name)!r}: a new version of a file that was there "
                    "before the run; kept (its earlier version is in WorkDrive's history)"
                )
                continue
            try:
                item = await drive.get(up.resource_id or "")
            except ZohoError as err:
                if fatal_reason(err):
                    raise
                result.kept.append(f"file {safe(up.dest_name)!r}: no longer in WorkDrive")
                continue
            if item.trashed or item.name != up.dest_name or item.size != up.size:
                result.kept.append(f"file {safe(up.dest_name)!r}: changed since the run; kept")
                continue
            if not dry_run:
                try:
                    await drive.trash(item.id)
                except ZohoError as err:
                    if fatal_reason(err):
                        raise
                    result.failed.append(f"file {safe(up.dest_name)!r}: {safe(str(err))[:200]}")
                    continue
                trashed.append(up)
            result.trashed += 1
        if trashed:
            record_items(
                journal,
                [
                    type(u)(
                        u.run_id,
                        u.a_id,
                        u.item_id,
                        u.container_id,
                        u.name,
                        u.size,
                        u.dest_name,
                        TRASHED,
                        u.resource_id,
                        u.md5,
                        f"trashed by undo {result.run_id}",
                    )
                    for u in trashed
                ],
            )
        counts = {
            "outcomes": {
                "restored": result.restored,
                "unticked": result.unticked,
                "trashed": result.trashed,
                "failed": len(result.failed),
            }
        }
        status = "failed" if result.failed else "done"
        journal.finish_run(result.run_id, status, counts, None)
        for text in result.kept + result.failed:
            log.warning("undo %s: %s", run_id, text)
        return result
    finally:
        guard.release()
