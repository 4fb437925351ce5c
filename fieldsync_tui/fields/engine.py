"""The field sync's apply engine: DESIGN §6's write protocol, batch by batch.

Per batch of ≤ 100 rows (a group — rows sharing one B record — stays in one batch):
journal the intent, then hand the batch to the write protocol (``fields.protocol``: re-read,
``PUT`` Org B once per group, tick Org A). The core's batch runner (``core.runner``) runs
batches in parallel and honours pause and cancel; this module packs the batches, journals
intents and settles rows (journal + log + event).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fieldsync_tui.core.events import (
    BatchStarted,
    EngineEvent,
    LogLine,
    PauseChanged,
    Progress,
    RowsChanged,
)
from fieldsync_tui.core.journal import Intent, Journal
from fieldsync_tui.core.model import (
    STEP_WORDS,
    BRecord,
    DiffKind,
    FieldMap,
    Outcome,
    PlannedRow,
    RowClass,
    Step,
)
from fieldsync_tui.core.normalize import id_key
from fieldsync_tui.core.ports import CrmClient
from fieldsync_tui.core.runner import BATCH_SIZE, ApplyControl, run_batches
from fieldsync_tui.fields.protocol import (
    Group,
    RunStopped,
    WriteContext,
    error_code,
    planned_b,
    re_read,
    set_outcome,
    stop_reason,
    write_b,
)
from fieldsync_tui.fields.tick import tick_a
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import ZohoError

APPLICABLE = frozenset({RowClass.READY, RowClass.IN_SYNC, RowClass.OVERWRITE})


def make_batches(rows: Sequence[PlannedRow], size: int = BATCH_SIZE) -> list[list[Group]]:
    """Pack groups (by B id, in ascending lowest-A-id order) into batches of ≤ ``size`` rows."""
    by_b: dict[str, list[PlannedRow]] = {}
    for row in sorted(rows, key=lambda r: id_key(r.a.id)):
        by_b.setdefault(row.b_id or "", []).append(row)
    batches: list[list[Group]] = []
    current: list[Group] = []
    count = 0
    for b_id, members in by_b.items():
        if current and count + len(members) > size:
            batches.append(current)
            current, count = [], 0
        current.append(Group(b_id, members))
        count += len(members)
    if current:
        batches.append(current)
    return batches


@dataclass
class EngineConfig:
    run_id: str
    fields: FieldMap
    client_a: CrmClient
    client_b: CrmClient
    triggers_a: tuple[str, ...]
    triggers_b: tuple[str, ...]
    journal: Journal
    b_records: dict[str, BRecord]
    dry_run: bool = False
    emit: Callable[[EngineEvent], None] | None = None
    logger: logging.Logger | None = None
    control: ApplyControl | None = None
    parallel_batches: int = 1
    """Batches in flight at once (the session passes ZOHO_MAX_CONCURRENCY)."""
    reverse_of: str | None = None
    """``fieldsync undo``: the run being undone (see ``WriteContext.reverse_of``)."""
    prepare: Callable[[Group], None] | None = None
    """Fills a group's payload, old values and re-read expectation; None = the forward plan
    (copy A's values to B). Undo supplies its reverse plan here."""


class ApplyEngine:
    """Runs the write protocol over rows already chosen for this run."""

    def __init__(self, config: EngineConfig) -> None:
        self.cfg = config
        self.fields = config.fields
        self._log = config.logger or logging.getLogger("fieldsync.engine")
        self._done = 0
        self._total = 0
        self._started = 0.0
        self.stop_code = "STOPPED"
        """Code given to rows left unattempted when the run stops (error class/Zoho code)."""
        self.ctx = WriteContext(
            run_id=config.run_id,
            fields=config.fields,
            client_a=config.client_a,
            client_b=config.client_b,
            triggers_a=config.triggers_a,
            triggers_b=config.triggers_b,
            journal=config.journal,
            settle=self.settle,
            b_records=config.b_records,
            reverse_of=config.reverse_of,
        )

    @property
    def written_b(self) -> dict[str, dict[str, Any]]:
        """B id → the values this run wrote there (successful B writes only)."""
        return self.ctx.written_b

    # ---- events -------------------------------------------------------------------------

    def emit(self, event: EngineEvent) -> None:
        if self.cfg.emit is not None:
            self.cfg.emit(event)

    def log(self, level: int, text: str) -> None:
        self._log.log(level, "%s", text)
        self.emit(LogLine(level, text))

    def settle(self, rows: Sequence[PlannedRow]) -> None:
        """Journal (and commit) the outcomes of ``rows``, log them, tell listeners."""
        rows = list(rows)
        if not rows:
            return
        self.cfg.journal.record_outcomes(self.cfg.run_id, rows)
        for row in rows:
            self.log(_level(row), describe(self.cfg.run_id, row))
        self._done += len(rows)
        self.emit(RowsChanged(rows))

    def progress(self) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = self._done / elapsed
        left = self._total - self._done
        eta = left / rate if rate > 0 else None
        self.emit(Progress(self._done, self._total, rate, eta))

    # ---- the run --------------------------------------------------------------------------

    def start_clock(self, total: int) -> None:
        """Reset the progress counters for ``total`` rows."""
        self._started = time.monotonic()
        self._total = total
        self._done = 0

    async def run(self, rows: Sequence[PlannedRow]) -> str | None:
        """Apply ``rows``; returns the reason the run stopped early, or None.

        Up to ``parallel_batches`` batches are in flight at once (each batch is independent:
        its groups touch B and A records no other batch touches). Pause and cancel are
        honoured before a batch starts; batches already in flight always finish.
        """
        self.start_clock(len(rows))
        unusable = [r for r in rows if r.klass not in APPLICABLE or not r.b_id]
        for row in unusable:
            set_outcome(row, Outcome.SKIPPED, None, None, "not applicable: " + row.reason)
        self.settle(unusable)
        batches = make_batches([r for r in rows if r not in unusable])
        result = await run_batches(
            batches,
            self._run_batch,
            parallel=self.cfg.parallel_batches,
            control=self.cfg.control,
            on_settled=self.progress,
            on_pause=lambda paused: self.emit(PauseChanged(paused)),
        )
        if result.cancelled:
            self.stop_code = "CANCELLED"
        if result.reason is not None:
            self._fail_rest(list(result.not_started), result.reason, self.stop_code)
        return result.reason

    def _fail_rest(self, batches: list[list[Group]], reason: str, code: str) -> None:
        left = [r for batch in batches for g in batch for r in g.rows if r.outcome is None]
        for row in left:
            set_outcome(row, Outcome.FAILED, None, code, f"not attempted: {reason}")
        if left:  # one line for the operator; each row still gets its own (INFO) line
            self.log(logging.WARNING, f"{len(left)} rows not attempted: {reason}")
        self.settle(left)
        self.progress()

    async def _run_batch(self, index: int, batch: list[Group]) -> str | None:
        rows = [r for g in batch for r in g.rows]
        self.emit(BatchStarted(self.cfg.run_id, index, len(rows)))
        for group in batch:
            self._prepare(group)
        self.cfg.journal.record_intents(self.cfg.run_id, self._intents(batch))
        if self.cfg.dry_run:
            for row in rows:
                set_outcome(row, Outcome.DRY_RUN, None, None, self._dry_run_message)
            self.settle(rows)
            return None
        try:
            await self._write_batch(batch)
        except RunStopped as stop:
            self.stop_code = error_code(stop.error)
            self._fail_open(rows, None, stop.error)
            return stop_reason(stop.error)
        return None

    async def _write_batch(self, batch: list[Group]) -> None:
        live = await re_read(self.ctx, batch)
        written = await write_b(self.ctx, [g for g in live if g.writes_b])
        to_tick = [r for g in live if not g.writes_b for r in g.rows] + written
        await tick_a(self.ctx, to_tick)

    def _fail_open(self, rows: Sequence[PlannedRow], step: Step | None, err: ZohoError) -> None:
        open_rows = [r for r in rows if r.outcome is None]
        for row in open_rows:
            set_outcome(row, Outcome.FAILED, step, error_code(err), f"run stopped: {err}")
        self.settle(open_rows)

    # ---- intents --------------------------------------------------------------------------

    @property
    def _dry_run_message(self) -> str:
        return "dry run: nothing restored" if self.cfg.reverse_of else "dry run: nothing written"

    def _prepare(self, group: Group) -> None:
        """Fill the group's B payload, the old values it replaces, what the re-read expects."""
        if self.cfg.prepare is not None:
            self.cfg.prepare(group)
            return
        group.expect = planned_b(self.fields, self.cfg.b_records.get(group.b_id))
        writer = next((r for r in group.rows if r.klass is not RowClass.IN_SYNC), None)
        if writer is None:
            return
        payload: dict[str, Any] = {}
        old: dict[str, str | None] = {}
        for diff in writer.diffs:
            if diff.kind is not DiffKind.SAME:
                payload[diff.api_name] = diff.new
                old[diff.api_name] = diff.old
        uf = self.fields.updated_from
        if uf:
            planned = self.cfg.b_records.get(group.b_id)
            payload[uf] = self.fields.updated_from_value or min(
                (r.a.id for r in group.rows), key=id_key
            )
            old[uf] = planned.updated_from if planned else None
        group.payload, group.old = payload, old

    def _intents(self, batch: list[Group]) -> list[Intent]:
        uf = self.fields.updated_from
        out = []
        for group in batch:
            action = "write_b" if group.writes_b else "tick_only"
            value = group.payload.get(uf) if uf else None
            for row in group.rows:
                out.append(Intent(row.a.id, group.b_id, action, group.old, group.payload, value))
        return out


def _level(row: PlannedRow) -> int:
    if row.outcome is Outcome.FAILED and row.step is None and row.code is not None:
        return logging.INFO  # not attempted after a stop: summarised by one WARNING line
    if row.outcome in (Outcome.FAILED, Outcome.PARTIAL):
        return logging.ERROR
    if row.outcome is Outcome.STALE:
        return logging.WARNING
    return logging.INFO


def describe(run_id: str, row: PlannedRow) -> str:
    """One safe log line: run id, ids, name, old → new values, outcome, Zoho code."""
    changes = "; ".join(
        f"{d.api_name}: '{safe(d.old)}' → '{safe(d.new)}'"
        for d in row.diffs
        if d.kind is not DiffKind.SAME
    )
    text = f"run {run_id} A {row.a.id} '{safe(row.a.name)}' → B {row.b_id or '-'}: "
    text += str(row.outcome)
    if row.step:
        text += f" while {STEP_WORDS.get(row.step, str(row.step))}"
    if row.code:
        text += f": Zoho said {row.code}"
    if row.message:
        text += f" — {safe(row.message)}"
    if changes and row.outcome in (Outcome.APPLIED, Outcome.PARTIAL, Outcome.DRY_RUN):
        text += f" ({changes})"
    return text
