"""A sync session: load both orgs, classify, take decisions, apply (DESIGN §4–§6).

Used by ``--auto`` and by the console alike. ``apply`` takes the job's run guard itself
(unless a dry run, or the caller hands over the guard it already holds — ``--auto``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fieldsync_tui.config import Settings
from fieldsync_tui.core.bindex import BIndex
from fieldsync_tui.core.events import EngineEvent, RowsChanged, RunSummary
from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal, RunRecord
from fieldsync_tui.core.model import (
    ARecord,
    BRecord,
    Decision,
    DecisionKind,
    OperatorDecision,
    Outcome,
    Plan,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.core.port import Preview
from fieldsync_tui.core.run import RunRecorder
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.core.selection import select
from fieldsync_tui.fields import JOB
from fieldsync_tui.fields.classify import (
    ClassifyOptions,
    classify,
    plan_fingerprint,
)
from fieldsync_tui.fields.decisions import (
    MATCH_KINDS,
    SETTLED,
    MarkState,
    apply_late_skips,
    approved_by,
    journalled_decisions,
    mark_rows,
    restore_marks,
    skip_message,
)
from fieldsync_tui.fields.engine import APPLICABLE, ApplyEngine, EngineConfig
from fieldsync_tui.fields.load import (
    OnProgress,
    gc_paused,
    load_orgs,
    load_record_ids,
    reread_rows,
)
from fieldsync_tui.fields.records import (
    ApplyPreview,
    projected_credits,
    with_values,
)
from fieldsync_tui.fields.startup import Connected

LEFT_ALONE = frozenset({Outcome.SKIPPED, Outcome.NOT_SELECTED})


class SyncSession:
    def __init__(
        self,
        settings: Settings,
        connected: Connected,
        journal: Journal,
        options: RunOptions,
        logger: logging.Logger | None = None,
        guard: RunGuard | None = None,
    ) -> None:
        self.settings = settings
        self.guard = guard
        """The job's guard when the caller holds it for the whole run (``--auto``)."""
        self.connected = connected
        self.journal = journal
        self.options = options
        self.logger = logger or logging.getLogger("fieldsync.sync")
        self.plan = Plan(rows=[])
        self._a: dict[str, ARecord] = {}
        self._b: dict[str, BRecord] = {}
        self._known_a: dict[str, ARecord] = {}
        self._my_batches: list[int] = []
        self._marks_before: dict[int, tuple[Plan, list[MarkState]]] = {}
        self._late_skips: dict[str, OperatorDecision] = {}
        self.reads: dict[str, str] = {}
        """The road each org's load took (``org_a`` → ``coql_keyset`` …), for the report."""

    # ---- loading ------------------------------------------------------------------------

    async def load(self, on_progress: OnProgress | None = None) -> Plan:
        self._a, self._b = await load_orgs(self.settings, self.connected, on_progress)
        orgs = (self.connected.a, self.connected.b)
        self.reads = {f"org_{o.label.lower()}": o.client.last_read for o in orgs}
        self._known_a = await load_record_ids(
            self.settings, self.connected, self.options.record_ids, self._a
        )
        self.plan = Plan(rows=[])  # a load starts afresh: nothing is carried over
        self.logger.info(
            "loaded %d pending Org A records and %d Org B records", len(self._a), len(self._b)
        )
        return self.replan()

    # ---- planning -----------------------------------------------------------------------

    def _decisions(self) -> dict[str, OperatorDecision]:
        decisions, self._late_skips = journalled_decisions(self.journal)
        return decisions

    def _classify_options(self) -> ClassifyOptions:
        b_fields = self.connected.b.fields
        f = self.settings.fields
        url = b_fields.get(f.url)
        folder = b_fields.get(f.folder_id)
        return ClassifyOptions(
            url_max_len=url.length if url else None,
            folder_max_len=folder.length if folder else None,
            on_duplicate=self.options.on_duplicate,
        )

    def replan(self) -> Plan:
        """Reclassify with the current decisions (no API call); settled rows keep their state."""
        with gc_paused():  # 100,000 rows of new objects: collections would cost ~40 %
            return self._replan()

    def _replan(self) -> Plan:
        fresh = classify(
            list(self._a.values()),
            BIndex.build(self._b.values()),
            self.settings.fields,
            self._classify_options(),
            self._decisions(),
        )
        apply_late_skips(fresh.rows, self._late_skips)
        fresh = select(
            fresh,
            record_ids=self.options.record_ids,
            limit=self.options.limit,
            known_a=self._known_a,
            in_place=True,  # the rows are classify's own, fresh
        )
        old = self.plan.by_a_id()
        approved = approved_by(self.journal, self._my_batches)
        rows = []
        for row in fresh.rows:
            kept = old.get(row.a.id)
            if kept is not None and kept.outcome in SETTLED:
                rows.append(kept)
                continue
            if row.a.id in approved and row.decision is Decision.NONE:
                row.decision = Decision.APPROVED
            rows.append(row)
        self.plan = Plan(
            rows=rows,
            b_records=fresh.b_records,
            report_only=fresh.report_only,
            report_names=fresh.report_names,
        )
        self._marks_before.clear()  # they belong to the plan just replaced
        return self.plan

    # ---- decisions ----------------------------------------------------------------------

    def decide(
        self,
        a_ids: Sequence[str],
        kind: DecisionKind,
        target_b_id: str | None = None,
        approve: bool = False,
    ) -> None:
        """One journalled decision for every row in ``a_ids`` (a bulk approve is one ``u``);
        ``approve`` with a pick (match decision) also approves the rows in the same batch."""
        rows = self.plan.by_a_id()
        ids = [i for i in dict.fromkeys(a_ids) if i in rows]
        if not ids:
            return
        kinds = [kind, DecisionKind.APPROVE] if approve and kind in MATCH_KINDS else [kind]
        decisions = [
            OperatorDecision(i, k, target_b_id if k is kind else None, plan_fingerprint(rows[i]))
            for k in kinds
            for i in ids
        ]
        batch = self.journal.add_decisions(decisions)
        self._my_batches.append(batch)
        if kind in (DecisionKind.APPROVE, DecisionKind.SKIP):
            before = mark_rows(rows, ids, kind)  # no reclassification: fast for bulk `A`
            self._marks_before[batch] = (self.plan, before)
        else:
            self.replan()

    def undo_last_decision(self) -> list[str]:
        """Undo this session's newest decision; returns the A ids it covered.

        Undoing an approve/skip on the plan it marked puts the marks back as they were (no
        reclassification); anything else re-plans."""
        if not self._my_batches:
            return []
        batch = self._my_batches.pop()
        ids = self.journal.undo_decision_batch(batch)
        plan, before = self._marks_before.pop(batch, (None, []))
        if plan is self.plan:
            restore_marks(before)
        else:
            self.replan()
        return ids

    # ---- choosing rows ------------------------------------------------------------------

    def _may_apply(self, row: PlannedRow) -> bool:
        if row.outcome in SETTLED or not row.selected or not row.b_id:
            return False
        if row.decision is Decision.SKIPPED:
            return False
        return row.klass in APPLICABLE

    def auto_rows(self) -> list[str]:
        """§5's ``--auto`` column: ready and in_sync; overwrite only with allow_overwrite."""
        allowed = {RowClass.READY, RowClass.IN_SYNC}
        if self.options.allow_overwrite:
            allowed.add(RowClass.OVERWRITE)
        return [r.a.id for r in self.plan.rows if self._may_apply(r) and r.klass in allowed]

    def _chosen(self, a_ids: Sequence[str] | None) -> list[PlannedRow]:
        wanted = set(self.auto_rows() if a_ids is None else a_ids)
        return [r for r in self.plan.rows if r.a.id in wanted and self._may_apply(r)]

    def apply_preview(self, a_ids: Sequence[str]) -> Preview:
        """What applying ``a_ids`` will do, as the console's confirm modal shows it."""
        return self.preview_counts(a_ids).preview()

    def preview_counts(self, a_ids: Sequence[str] | None = None) -> ApplyPreview:
        """Counts per action and projected Zoho credits (``None`` = :meth:`auto_rows`)."""
        chosen = self._chosen(a_ids)
        asked = len(chosen) if a_ids is None else len(set(a_ids))
        write_rows = [r for r in chosen if r.klass is not RowClass.IN_SYNC]
        batches, credits = projected_credits(chosen)
        a, b = self.connected.a, self.connected.b
        return ApplyPreview(
            rows=len(chosen),
            write_b_rows=len(write_rows),
            b_writes=len({r.b_id for r in write_rows}),
            tick_only=len(chosen) - len(write_rows),
            not_applicable=max(asked - len(chosen), 0),
            batches=batches,
            projected_credits=0 if self.options.dry_run else credits,
            triggers_a=a.triggers,
            triggers_b=b.triggers,
            dry_run=self.options.dry_run,
        )

    def _prepare(self, a_ids: Sequence[str]) -> list[PlannedRow]:
        chosen = self._chosen(a_ids)
        ids = {r.a.id for r in chosen}
        auto = self.options.mode == "auto"
        for row in self.plan.rows:
            if row.outcome in SETTLED:
                continue
            row.step, row.code = None, None
            if row.a.id in ids:
                row.outcome, row.message = None, ""
                row.decision = Decision.AUTO if auto else Decision.APPROVED
            elif not row.selected:
                row.outcome, row.message = Outcome.NOT_SELECTED, "outside --record-id/--limit"
            else:
                row.outcome = Outcome.SKIPPED
                row.message = skip_message(row)
        return chosen

    # ---- applying -----------------------------------------------------------------------

    async def apply(
        self,
        a_ids: Sequence[str],
        on_event: Callable[[EngineEvent], None] | None = None,
        control: ApplyControl | None = None,
    ) -> RunSummary:
        """Apply ``a_ids`` (rows that may not be applied are skipped) as one journalled run."""
        dry_run = self.options.dry_run
        guard = None if dry_run or self.guard is not None else self._new_guard()
        if guard is not None:  # LockHeldError before anything is journalled
            self._report_leftovers(guard.acquire())
        try:
            earlier = {r.a.id for r in self.plan.rows if r.outcome in SETTLED}
            chosen = self._prepare(a_ids)
            recorder = RunRecorder(
                self.journal,
                JOB,
                self.options.mode,
                self.options.command,
                dry_run,
                on_event,
                self.logger,
            )
            recorder.begin(self.plan.rows, len(chosen))
            left_alone = [r for r in self.plan.rows if r.outcome in LEFT_ALONE]
            if on_event is not None and left_alone:
                on_event(RowsChanged(left_alone))
            engine = ApplyEngine(self._engine_config(recorder.run_id, on_event, control))
            try:
                stopped = await engine.run(chosen)
            except BaseException as err:
                recorder.abort(self.plan.rows, err)
                raise
            self._absorb_writes(engine.written_b)
            summary = recorder.finish(self.plan, stopped, earlier)
        finally:
            if guard is not None:
                guard.release()
        return summary

    def _absorb_writes(self, written: dict[str, dict[str, Any]]) -> None:
        """B records this run wrote hold new values now: later plans of this session (rows
        of a group left for later) see them as they are in Zoho."""
        for b_id, values in written.items():
            old = self._b.get(b_id)
            if old is not None:
                new = with_values(old, values, self.settings.fields)
                self._b[b_id] = new
                self.plan.b_records[b_id] = new

    def _new_guard(self) -> RunGuard:
        return RunGuard(self.journal, self.settings.state_dir, JOB, self.options.command)

    def _report_leftovers(self, runs: Sequence[RunRecord]) -> None:
        for run in runs:
            self.logger.warning(
                "run %s was interrupted (%d rows not confirmed); marked interrupted",
                run.id,
                run.unconfirmed,
            )

    def _engine_config(
        self,
        run_id: str,
        on_event: Callable[[EngineEvent], None] | None,
        control: ApplyControl | None,
    ) -> EngineConfig:
        a, b = self.connected.a, self.connected.b
        return EngineConfig(
            run_id=run_id,
            fields=self.settings.fields,
            client_a=a.client,
            client_b=b.client,
            triggers_a=a.triggers,
            triggers_b=b.triggers,
            journal=self.journal,
            b_records=dict(self.plan.b_records),
            dry_run=self.options.dry_run,
            emit=on_event,
            logger=self.logger,
            control=control,
            parallel_batches=self.settings.max_concurrency,
        )

    async def retry_failed(
        self,
        on_event: Callable[[EngineEvent], None] | None = None,
        control: ApplyControl | None = None,
    ) -> RunSummary:
        """``R``: re-read the failed rows' records, re-plan only them, and apply them."""
        failed = [r for r in self.plan.rows if r.outcome is Outcome.FAILED]
        await reread_rows(self.settings, self.connected, failed, self._a, self._b)
        for row in failed:
            row.outcome = None
        self.replan()
        allowed = {RowClass.READY, RowClass.IN_SYNC}
        if self.options.mode == "console" or self.options.allow_overwrite:
            allowed.add(RowClass.OVERWRITE)
        rows = self.plan.by_a_id()
        ids = [r.a.id for r in failed if r.a.id in rows and rows[r.a.id].klass in allowed]
        return await self.apply(ids, on_event=on_event, control=control)

    def unfinished_runs(self) -> list[RunRecord]:
        return self.journal.unfinished_runs(JOB)


def recover_unfinished(journal: Journal, state_dir: Path) -> list[RunRecord]:
    """The field sync's runs left ``running`` by a process that is gone, marked interrupted
    (``[]`` while a live process holds ``lock.fields``)."""
    return RunGuard(journal, state_dir, JOB, "fieldsync (checking for unfinished runs)").recover()
