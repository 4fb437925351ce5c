"""``fieldsync undo RUN_ID`` (DESIGN §6): put back what a run wrote, where nobody changed it.

Per row of that run with outcome applied/partial/ticked: B's journalled old values are
restored only if every field the run wrote still holds what it wrote (else the row is
``stale``: it changed since); A is unticked for rows restored and for tick-only rows. The
undo is itself a journalled run (mode ``undo``), under the run lock unless a dry run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fieldsync_tui.config import Settings
from fieldsync_tui.core.events import EngineEvent, RunSummary
from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Intent, Journal, JournalRow
from fieldsync_tui.core.model import (
    ARecord,
    Decision,
    DiffKind,
    FieldDiff,
    Outcome,
    Plan,
    PlannedRow,
    RowClass,
    Step,
)
from fieldsync_tui.core.normalize import clean_value as clean
from fieldsync_tui.core.run import RunRecorder
from fieldsync_tui.core.runner import BATCH_SIZE
from fieldsync_tui.fields import JOB
from fieldsync_tui.fields.engine import ApplyEngine, EngineConfig, make_batches
from fieldsync_tui.fields.protocol import (
    FATAL_ERRORS,
    Group,
    RunStopped,
    error_code,
    map_results,
    read_by_id,
    set_outcome,
    stop_reason,
)
from fieldsync_tui.fields.startup import Connected
from fieldsync_tui.zoho.errors import ZohoError

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


class _Undo:
    def __init__(self, engine: ApplyEngine, jrows: dict[str, JournalRow], source: str) -> None:
        self.engine = engine
        self.jrows = jrows
        self.source = source
        self.fields = engine.fields

    def written(self, group: Group) -> dict[str, Any]:
        return self.jrows[group.rows[0].a.id].new_values

    def old(self, group: Group) -> dict[str, Any]:
        return self.jrows[group.rows[0].a.id].old_values

    def restores_b(self, group: Group) -> bool:
        return self.jrows[group.rows[0].a.id].action == "write_b"

    async def batch(self, batch: list[Group]) -> None:
        intents = [
            Intent(
                r.a.id,
                g.b_id,
                "write_b" if self.restores_b(g) else "tick_only",
                self.written(g) if self.restores_b(g) else {},
                self.old(g) if self.restores_b(g) else {},
                None,
            )
            for g in batch
            for r in g.rows
        ]
        self.engine.cfg.journal.record_intents(self.engine.cfg.run_id, intents)
        rows = [r for g in batch for r in g.rows]
        if self.engine.cfg.dry_run:
            for row in rows:
                set_outcome(row, Outcome.DRY_RUN, None, None, "dry run: nothing restored")
            self.engine.settle(rows)
            return
        live = await self.check(batch)
        restored = await self.restore([g for g in live if self.restores_b(g)])
        await self.untick([r for g in live if not self.restores_b(g) for r in g.rows] + restored)

    async def check(self, batch: list[Group]) -> list[Group]:
        f, cfg = self.fields, self.engine.cfg
        b_ids = [g.b_id for g in batch if self.restores_b(g)]
        rows = [r for g in batch for r in g.rows]
        try:
            b_now = await read_by_id(cfg.client_b, f.module, b_ids, f.b_fields()) if b_ids else {}
            a_now = await read_by_id(cfg.client_a, f.module, [r.a.id for r in rows], [f.checkbox])
        except ZohoError as err:
            for row in rows:
                set_outcome(row, Outcome.FAILED, Step.RE_READ, error_code(err), str(err))
            self.engine.settle(rows)
            return []
        live, stale = [], []
        for group in batch:
            why = self.changed(group, b_now.get(group.b_id)) if self.restores_b(group) else None
            gone = [r.a.id for r in group.rows if r.a.id not in a_now]
            why = why or (f"Org A record {', '.join(gone)} is gone" if gone else None)
            if why is None:
                live.append(group)
                continue
            for row in group.rows:
                set_outcome(row, Outcome.STALE, Step.RE_READ, None, why)
            stale.extend(group.rows)
        self.engine.settle(stale)
        return live

    def changed(self, group: Group, now: dict[str, Any] | None) -> str | None:
        if now is None:
            return f"Org B record {group.b_id} is gone"
        moved = [k for k, v in self.written(group).items() if clean(now.get(k)) != clean(v)]
        if moved:
            return (
                f"Org B record {group.b_id} changed since run {self.source} wrote it"
                f" ({', '.join(moved)}); not restored"
            )
        return None

    async def restore(self, groups: list[Group]) -> list[PlannedRow]:
        if not groups:
            return []
        cfg = self.engine.cfg
        payloads = [{"id": g.b_id, **self.old(g)} for g in groups]
        rows = [r for g in groups for r in g.rows]
        try:
            results = await cfg.client_b.update_records(
                self.fields.module, payloads, list(cfg.triggers_b)
            )
        except ZohoError as err:
            self.fail(rows, Step.B_WRITE, err)
            if isinstance(err, FATAL_ERRORS):
                raise RunStopped(err) from err
            return []
        mapped = map_results(results, [g.b_id for g in groups])
        ok: list[PlannedRow] = []
        for group in groups:
            result = mapped.get(group.b_id) if mapped else None
            if result is not None and result.ok:
                ok.extend(group.rows)
                continue
            code = result.code if result else "BatchMappingError"
            msg = result.message if result else "answer could not be mapped"
            for row in group.rows:
                set_outcome(row, Outcome.FAILED, Step.B_WRITE, code, msg)
            self.engine.settle(group.rows)
        return ok

    async def untick(self, rows: list[PlannedRow]) -> None:
        cfg, box = self.engine.cfg, self.fields.checkbox
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            try:
                results = await cfg.client_a.update_records(
                    self.fields.module,
                    [{"id": r.a.id, box: False} for r in chunk],
                    list(cfg.triggers_a),
                )
            except ZohoError as err:
                self.fail(chunk, Step.A_TICK, err)
                if isinstance(err, FATAL_ERRORS):
                    raise RunStopped(err) from err
                continue
            mapped = map_results(results, [r.a.id for r in chunk]) or {}
            for row in chunk:
                result = mapped.get(row.a.id)
                if result is not None and result.ok:
                    done = Outcome.APPLIED if row.klass is RowClass.OVERWRITE else Outcome.TICKED
                    msg = "B restored, A unticked" if done is Outcome.APPLIED else "A unticked"
                    set_outcome(row, done, None, None, msg)
                else:
                    bad = Outcome.PARTIAL if row.klass is RowClass.OVERWRITE else Outcome.FAILED
                    code = result.code if result else "BatchMappingError"
                    set_outcome(row, bad, Step.A_TICK, code, result.message if result else "")
            self.engine.settle(chunk)

    def fail(self, rows: Sequence[PlannedRow], step: Step | None, err: ZohoError) -> None:
        open_rows = [r for r in rows if r.outcome is None]
        for row in open_rows:
            bad = (
                Outcome.PARTIAL
                if step is Step.A_TICK and row.klass is RowClass.OVERWRITE
                else Outcome.FAILED
            )
            set_outcome(row, bad, step, error_code(err), str(err))
        self.engine.settle(open_rows)


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
            )
        )
        undo = _Undo(engine, jrows, run_id)
        stopped = await _run_batches(undo, rows)
        return recorder.finish(Plan(rows=rows), stopped)
    finally:
        if guard is not None:
            guard.release()


async def _run_batches(undo: _Undo, rows: list[PlannedRow]) -> str | None:
    batches = make_batches(rows)
    undo.engine.start_clock(len(rows))
    for index, batch in enumerate(batches):
        try:
            await undo.batch(batch)
        except RunStopped as stop:
            left = [r for b in batches[index:] for g in b for r in g.rows if r.outcome is None]
            undo.fail(left, None, stop.error)
            return stop_reason(stop.error)
        undo.engine.progress()
    return None


def _whole_groups(rows: Sequence[JournalRow], wanted: set[str]) -> set[str]:
    """``wanted`` A ids plus every A row that shared a B write with one of them.

    Restoring a B record that several A rows wrote together must untick all of them:
    otherwise the others stay ticked against a B that no longer holds their values.
    """
    shared = {j.b_id for j in rows if j.a_id in wanted and j.b_id and j.action == "write_b"}
    return wanted | {j.a_id for j in rows if j.b_id in shared and j.action == "write_b"}
