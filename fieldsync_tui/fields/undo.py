"""``fieldsync undo RUN_ID`` (DESIGN §6): put back what a run wrote, where nobody changed it.

Per row of that run with outcome applied/partial/ticked: B's journalled old values are
restored only if every field the run wrote still holds what it wrote (else the row is
``stale``: it changed since); A is unticked for rows restored and for tick-only rows. The
undo is itself a journalled run (mode ``undo``), under the run lock unless a dry run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from fieldsync_tui.config import Settings
from fieldsync_tui.core.events import EngineEvent, RunSummary
from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal, JournalRow
from fieldsync_tui.core.model import (
    ARecord,
    Decision,
    DiffKind,
    FieldDiff,
    Plan,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.core.run import RunRecorder
from fieldsync_tui.fields import JOB
from fieldsync_tui.fields.engine import ApplyEngine, EngineConfig
from fieldsync_tui.fields.protocol import (
    Group,
)
from fieldsync_tui.fields.startup import Connected

UNDOABLE = ("applied", "partial", "ticked")


class UndoError(Exception):
    """The run cannot be undone (unknown id, a dry run, …)."""


def _row(j: JournalRow) -> PlannedRow:
    """A plan-like row for the undo run: diffs go from what was written back to the old."""
    diffs = tuple(
        FieldDiff(name, written, j.old_values.get(name), DiffKind.OVERWRITE)
        for name, written in j.new_values.items()
    )
    klass = RowClass.IN_SYNC if j.action != "write_b" else RowClass.OVERWRITE
    return PlannedRow(
        a=ARecord(j.a_id, j.name, None, None, True),
        norm_name="",
        klass=klass,
        reason=f"undo of {j.run_id}: {j.outcome}",
        b_id=j.b_id,
        b_candidates=(j.b_id,) if j.b_id else (),
        diffs=diffs,
        decision=Decision.APPROVED,
    )


class _ReversePlan:
    """Undo's plan for the write protocol: per group, B gets back the journalled old values
    (only where it still holds what the run wrote), A is unticked."""

    def __init__(self, jrows: dict[str, JournalRow]) -> None:
        self.jrows = jrows

    def prepare(self, group: Group) -> None:
        first = self.jrows[group.rows[0].a.id]
        if first.action != "write_b":  # a tick-only row: untick A, B is left alone
            group.payload, group.old, group.expect = {}, {}, None
            return
        group.payload = dict(first.old_values)
        group.old = dict(first.new_values)
        group.expect = dict(first.new_values)


async def undo_run(
    settings: Settings,
    connected: Connected,
    journal: Journal,
    run_id: str,
    record_ids: Sequence[str] = (),
    dry_run: bool = False,
    on_event: Callable[[EngineEvent], None] | None = None,
    logger: logging.Logger | None = None,
) -> RunSummary:
    """Undo ``run_id`` (only ``record_ids`` when given) as a journalled run of mode undo."""
    run = journal.get_run(run_id)
    if run is None:
        raise UndoError(f"no run {run_id!r} in the journal")
    if run.dry_run:
        raise UndoError(f"run {run_id} was a dry run: it wrote nothing to undo")
    undoable = [j for j in journal.run_rows(run_id) if j.outcome in UNDOABLE and j.action]
    wanted = _whole_groups(undoable, set(record_ids)) if record_ids else None
    jrows = {j.a_id: j for j in undoable if wanted is None or j.a_id in wanted}
    rows = [_row(j) for j in jrows.values()]
    log = logger or logging.getLogger("fieldsync.undo")
    command = f"fieldsync undo {run_id}"
    guard = None if dry_run else RunGuard(journal, settings.state_dir, JOB, command)
    if guard is not None:
        for left in guard.acquire():
            log.warning("run %s was interrupted; marked interrupted", left.id)
    try:
        recorder = RunRecorder(
            journal, JOB, "undo", command, dry_run, on_event, log, undo_of=run_id
        )
        recorder.begin(rows, len(rows))
        engine = ApplyEngine(
            EngineConfig(
                run_id=recorder.run_id,
                fields=settings.fields,
                client_a=connected.a.client,
                client_b=connected.b.client,
                triggers_a=connected.a.triggers,
                triggers_b=connected.b.triggers,
                journal=journal,
                b_records={},
                dry_run=dry_run,
                emit=on_event,
                logger=log,
                reverse_of=run_id,
                prepare=_ReversePlan(jrows).prepare,
            )
        )
        stopped = await engine.run(rows)
        return recorder.finish(Plan(rows=rows), stopped)
    finally:
        if guard is not None:
            guard.release()


def _whole_groups(rows: Sequence[JournalRow], wanted: set[str]) -> set[str]:
    """``wanted`` A ids plus every A row that shared a B write with one of them.

    Restoring a B record that several A rows wrote together must untick all of them:
    otherwise the others stay ticked against a B that no longer holds their values.
    """
    shared = {j.b_id for j in rows if j.a_id in wanted and j.b_id and j.action == "write_b"}
    return wanted | {j.a_id for j in rows if j.b_id in shared and j.action == "write_b"}
