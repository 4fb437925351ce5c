"""The review screen: header, class counts, virtual record table, detail pane, log, footer.

It drives the sync session (decisions, filters, apply) and never builds a client. Loads and
writes run in workers; their results come back as messages (``screens/messages.py``).
"""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from fieldsync_tui.core.model import BRecord, DecisionKind, Outcome, Plan, PlannedRow, RowClass
from fieldsync_tui.widgets.class_counts import ClassCounts
from fieldsync_tui.widgets.diff_view import DiffView
from fieldsync_tui.widgets.flow import Flow
from fieldsync_tui.widgets.key_footer import KeyFooter
from fieldsync_tui.widgets.log_pane import LogPane
from fieldsync_tui.widgets.org_header import OrgHeader, mode_sentence
from fieldsync_tui.widgets.record_table import RecordTable, RecordTableHeader
from fieldsync_tui.widgets.run_progress import RunProgress

from . import view_state as vs
from .choice_modal import ChoiceModal
from .confirm_apply import ConfirmApplyModal
from .detail import DetailChoice, DetailScreen
from .export import export_path, write_csv
from .help import HelpScreen
from .history import HistoryScreen
from .keys import PINNED_KEYS, REVIEW_BINDINGS
from .layout import Fit, log_visible
from .messages import (
    DecisionsChanged,
    LoadProgressed,
    LogAppended,
    PlanLoaded,
    RowsUpdated,
    WorkerFailed,
    WriteFinished,
    WriteProgressed,
    WriteStarted,
)
from .notes import decision_note
from .preview import preview_lines
from .search import SearchModal
from .session_port import ConsoleBackend, Suggester
from .unfinished import UnfinishedRuns
from .write_controller import WriteController


class ReviewScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(REVIEW_BINDINGS)

    def __init__(self) -> None:
        super().__init__(id="review")
        self.backend: ConsoleBackend | None = None
        self.writer: WriteController | None = None
        self.plan: Plan | None = None
        self.rows: list[PlannedRow] = []
        self.filter = vs.ViewFilter()
        self.suggester: Suggester | None = None
        self.unfinished: UnfinishedRuns | None = None
        self.deciding = False
        """A decision is being journalled / re-planned in a worker (no other may start)."""
        self.fit = Fit.of(Size(120, 40))
        self.log_choice: bool | None = None
        """The operator's ``l``: True shown, False hidden, None = as the terminal size suits."""

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield OrgHeader(id="org-header")
        yield ClassCounts(id="class-counts")
        yield Static(id="filter-line")
        yield RunProgress(id="progress")
        with Horizontal(id="main"):
            with Vertical(id="table-pane"):
                yield RecordTableHeader(id="table-header")
                yield RecordTable(id="records")
            with VerticalScroll(id="detail-pane"):
                yield DiffView(id="detail")
        yield LogPane(id="log")
        yield KeyFooter(pinned=PINNED_KEYS)

    def on_resize(self, event: events.Resize) -> None:
        self.fit = Fit.of(event.size)
        for name, on_ in self.fit.classes().items():
            self.set_class(on_, name)
        self._show_log()
        if self.plan is not None:
            self.refresh_counts()

    def _show_log(self) -> None:
        self.query_one(LogPane).set_class(not log_visible(self.fit, self.log_choice), "-hidden")

    def on_mount(self) -> None:
        self.query_one(OrgHeader).show_info(None)
        self.query_one(RunProgress).show_progress("connecting", 0)
        self.query_one(RecordTable).focus()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#records", RecordTable)

    @property
    def b_records(self) -> Mapping[str, BRecord]:
        return self.plan.b_records if self.plan else {}

    @property
    def writing(self) -> bool:
        return self.writer is not None and self.writer.writing

    def push_choice(self, modal: ChoiceModal, done: Callable[[str | None], None]) -> None:
        self.app.push_screen(modal, done)

    def notify_text(self, text: str) -> None:
        self.notify(text)

    def log_line(self, level: str, text: str) -> None:
        self.query_one(LogPane).append(level, text)

    # -- loading ------------------------------------------------------------------------------
    def attach(self, backend: ConsoleBackend) -> None:
        """Called by the app once start-up checks passed: show the orgs, then load."""
        self.backend = backend
        self.writer = WriteController(self, backend)
        self.unfinished = UnfinishedRuns(self, backend)
        self.query_one(OrgHeader).show_info(backend.header)
        self.unfinished.ask_then(self.start_load)

    def start_load(self) -> None:
        if self.backend is not None:
            self._load(self.backend)

    @work(exclusive=True, group="load", exit_on_error=False, description="Loading both orgs")
    async def _load(self, backend: ConsoleBackend) -> None:
        def progress(stage: str, count: int) -> None:
            self.post_message(LoadProgressed(stage, count))

        self.suggester = None
        plan = await backend.session.load(progress)
        gc.freeze()  # the loaded rows live on: later collections need not walk millions
        self.post_message(PlanLoaded(plan))

    @work(exclusive=True, group="suggest", exit_on_error=False, description="Indexing B names")
    async def _build_suggester(self, backend: ConsoleBackend, records: list[BRecord]) -> None:
        self.suggester = await asyncio.to_thread(backend.make_suggester, records)

    def on_load_progressed(self, message: LoadProgressed) -> None:
        stage = f"Org {message.stage}" if len(message.stage) == 1 else message.stage
        self.query_one(RunProgress).show_progress(f"loading {stage}", message.count)

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        self.set_plan(message.plan)
        if self.backend is not None:  # after the first paint: the index thread holds the GIL
            records = list(message.plan.b_records.values())
            self.call_after_refresh(self._build_suggester, self.backend, records)
        self.query_one(RunProgress).show_progress("loaded", len(self.rows), len(self.rows))
        self.log_line("INFO", f"loaded {len(self.rows)} pending Org A rows")
        if self.unfinished is not None:
            self.unfinished.after_load()

    def set_plan(self, plan: Plan) -> None:
        self.plan = plan
        self.rows = plan.rows
        self.refresh_view()

    # -- the view -----------------------------------------------------------------------------
    def refresh_view(self) -> None:
        index = vs.select(self.rows, self.filter)
        self.table.set_rows(self.rows, index)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        counts = dict.fromkeys(RowClass, 0)
        counts.update(Counter(map(attrgetter("klass"), self.rows)))
        self.query_one(ClassCounts).show_counts(counts, self.filter.klass)
        bulk = len(self._bulk_candidates())
        approved = len(vs.approved_ids(self.rows))
        units = [
            Text.assemble(f"{len(self.table.index):,}", (f" of {len(self.rows):,} shown", "dim")),
            Text(self.filter.describe()),
            Text.assemble(f"{approved:,}", (" approved to apply", "dim")),
        ]
        if self.filter.narrowed:
            units.append(Text("escape clears the search", style="bold"))
        elif self.filter != vs.ViewFilter():
            units.append(Text("0 shows all", style="dim"))
        if self.fit.narrow:
            units.append(Text("enter: detail", style="dim"))
        line = Flow(units, gap=3)
        self.query_one("#filter-line", Static).update(line)
        self._set_binding_description("A", f"Approve {bulk}")

    def _set_binding_description(self, key: str, description: str) -> None:
        # The footer reads the screen's bindings map; a replaced Binding updates it (help,
        # palette, the footer's next compose). The shown key is relabelled in place.
        bindings = self._bindings.key_to_bindings.get(key, [])
        if all(b.description == description for b in bindings):
            return
        self._bindings.key_to_bindings[key] = [
            replace(b, description=description) for b in bindings
        ]
        if not self.query_one(KeyFooter).relabel(key, description):
            self.refresh_bindings()

    @on(Worker.StateChanged)
    def _forward_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.post_message(WorkerFailed(event.worker))

    @on(RecordTable.CursorMoved, "#records")
    def _cursor_moved(self, message: RecordTable.CursorMoved) -> None:
        self.query_one(DiffView).show_row(message.row, self.b_records)

    def _bulk_candidates(self) -> list[str]:
        bulk = self.backend.rules.bulk_classes if self.backend is not None else frozenset()
        return vs.bulk_candidates(self.rows, self.table.index, bulk)

    def _ready(self) -> bool:
        if self.plan is None:
            self.notify("Still loading.", severity="warning")
            return False
        return True

    def _not_while_writing(self, what: str) -> bool:
        if self.writing:
            self.notify(f"{what} is not possible while writing.", severity="warning")
            return False
        if self.deciding:
            self.notify(f"{what} must wait: the last decision is still being applied.")
            return False
        return True

    # -- decisions ----------------------------------------------------------------------------
    def action_approve(self) -> None:
        self._decide_current(DecisionKind.APPROVE)

    def action_skip(self) -> None:
        self._decide_current(DecisionKind.SKIP)

    def _decide_current(self, kind: DecisionKind) -> None:
        row = self.table.current_row
        if not self._ready() or row is None or not self._not_while_writing("Deciding"):
            return
        rules = self.backend.rules if self.backend is not None else None
        refusal = rules.approve_refusal(row) if rules and kind is DecisionKind.APPROVE else None
        if refusal is not None:
            self.notify(refusal, title="Cannot approve this row", severity="warning")
            return
        self.decide([row.a.id], kind, None, decision_note(kind, row.a.id, row))
        self.table.action_cursor(1)

    def decide(self, a_ids: list[str], kind: DecisionKind, target: str | None, note: str) -> None:
        assert self.backend is not None
        self.backend.session.decide(a_ids, kind, target)
        marks_only = kind in (DecisionKind.APPROVE, DecisionKind.SKIP)
        self.post_message(DecisionsChanged(a_ids, note, marks_only))

    def sync_plan(self) -> None:
        """Take the session's current plan (decisions and retries re-plan into new rows)."""
        if self.backend is not None and self.backend.session.plan is not None:
            self.set_plan(self.backend.session.plan)

    def action_undo(self) -> None:
        if not self._ready() or not self._not_while_writing("Undo"):
            return
        self._undo_in_background()

    @work(group="decide", exit_on_error=False, description="Undoing a decision")
    async def _undo_in_background(self) -> None:
        assert self.backend is not None
        self.deciding = True
        try:  # undoing a pick re-plans every row: off the UI thread
            a_ids = await asyncio.to_thread(self.backend.session.undo_last_decision)
        finally:
            self.deciding = False
        if not a_ids:
            self.notify("Nothing to undo.")
            return
        self.post_message(DecisionsChanged(a_ids, f"undid a decision on {len(a_ids)} rows"))

    def action_approve_all(self) -> None:
        if not self._ready() or not self._not_while_writing("Approving"):
            return
        ids = self._bulk_candidates()
        if not ids:
            self.notify("No undecided ready or in_sync rows in this filter.")
            return
        self._approve_bulk(ids)

    @work(group="decide", exit_on_error=False, description="Approving rows")
    async def _approve_bulk(self, ids: list[str]) -> None:
        assert self.backend is not None
        self.deciding = True
        try:
            await asyncio.to_thread(self.backend.session.decide, ids, DecisionKind.APPROVE, None)
        finally:
            self.deciding = False
        note = f"approved {len(ids)} rows (one decision)"
        self.post_message(DecisionsChanged(ids, note, marks_only=True))

    def on_decisions_changed(self, message: DecisionsChanged) -> None:
        session_plan = self.backend.session.plan if self.backend is not None else None
        if message.marks_only and session_plan is self.plan:
            # Marks changed in place: the filtered index still holds (no O(n) re-filter).
            self.table.refresh_rows()
            self.refresh_counts()
        else:
            self.sync_plan()
        self.query_one(DiffView).show_row(self.table.current_row, self.b_records)
        self.log_line("INFO", message.note)

    # -- filters ------------------------------------------------------------------------------
    def action_filter_class(self, key: int) -> None:
        self.filter = self.filter.with_class_key(key)
        self.refresh_view()

    def action_reset_filters(self) -> None:
        self.filter = vs.ViewFilter()
        self.refresh_view()

    def action_clear_search(self) -> None:
        if self.filter.narrowed:
            self.filter = self.filter.cleared()
            self.refresh_view()

    def action_cycle_outcome(self) -> None:
        self.filter = self.filter.next_outcome()
        self.refresh_view()

    def action_search(self) -> None:
        def done(text: str | None) -> None:
            if text is not None:
                self.filter = replace(self.filter, text=text)
                self.refresh_view()

        self.app.push_screen(SearchModal(self.filter.text), done)

    def show_only(self, a_ids: frozenset[str]) -> None:
        self.filter = replace(vs.ViewFilter(), a_ids=a_ids)
        self.refresh_view()

    # -- detail -------------------------------------------------------------------------------
    def action_detail(self) -> None:
        row = self.table.current_row
        if not self._ready() or row is None:
            return
        suggestions = []
        if row.klass is RowClass.UNMATCHED and self.suggester is None:
            self.notify("Near-name suggestions are still being indexed; try again shortly.")
        elif row.klass is RowClass.UNMATCHED and self.suggester is not None:
            suggestions = self.suggester.suggest(row.a.name or "", limit=5)
        by_id = {r.a.id: r for r in self.rows} if row.conflict_with else {}
        peers = [by_id[a] for a in row.conflict_with if a in by_id]
        screen = DetailScreen(row, self.b_records, suggestions, peers)
        self.app.push_screen(screen, self._detail_chosen)

    def _detail_chosen(self, choice: DetailChoice | None) -> None:
        if choice is None or not self._not_while_writing("Deciding"):
            return
        by_id = {r.a.id: r for r in self.rows}
        row = by_id.get(choice.a_id)
        note = decision_note(choice.kind, choice.a_id, row, choice.target_b_id, self.b_records)
        note += "; approved it (u undoes both)"
        self.notify(note, title="Picked")
        self._replan_decision(choice, note)

    @work(group="decide", exit_on_error=False, description="Re-planning after a pick")
    async def _replan_decision(self, choice: DetailChoice, note: str) -> None:
        """A pick re-classifies every row (≈ 2 s at 100,000): off the UI thread."""
        assert self.backend is not None
        self.deciding = True
        try:
            await asyncio.to_thread(  # a pick also approves the row: one decision, one u
                self.backend.session.decide,
                [choice.a_id],
                choice.kind,
                choice.target_b_id,
                True,
            )
        finally:
            self.deciding = False
        self.post_message(DecisionsChanged([choice.a_id], note))

    # -- writes -------------------------------------------------------------------------------
    def action_apply(self) -> None:
        if not self._ready() or not self._not_while_writing("Applying again"):
            return
        assert self.backend is not None
        ids = vs.approved_ids(self.rows)
        if not ids:
            self.notify("Nothing approved to apply: approve rows with y or A first.")
            return
        preview = self.backend.session.apply_preview(ids)
        dry_run = preview.dry_run
        header = replace(self.backend.header, dry_run=dry_run)
        modal = ConfirmApplyModal(
            f"Apply {len(ids)} approved rows?",
            preview_lines(preview),
            mode_sentence(header),
            vs.apply_warnings(self.rows),
        )

        def confirmed(ok: bool | None) -> None:
            if ok and self.writer is not None:
                self.writer.start_apply(ids)
            elif not ok:
                self.notify("Apply cancelled.")

        self.app.push_screen(modal, confirmed)

    def action_retry(self) -> None:
        if not self._ready() or not self._not_while_writing("Retrying"):
            return
        assert self.writer is not None
        if not any(r.outcome is Outcome.FAILED for r in self.rows):
            self.notify("Nothing to retry: no row has failed.")
            return
        self.writer.start_retry()

    def action_pause(self) -> None:
        if self.writer is None or not self.writer.writing:
            self.notify("Nothing is being written.")
            return
        paused = self.writer.toggle_pause()
        self.query_one(RunProgress).set_class(paused, "-paused")
        self.show_run_progress()  # "pausing…" at once, not after the batch in flight

    def show_run_progress(self) -> None:
        clock = self.writer.clock if self.writer is not None else None
        if clock is not None:
            self.query_one(RunProgress).show_label(clock.label(), clock.done, clock.total)

    def on_write_started(self, message: WriteStarted) -> None:
        self.sync_plan()  # a retry re-plans its rows before the run starts
        mode = "dry run" if message.dry_run else "writing"
        self.show_run_progress()
        self.log_line("INFO", f"run {message.run_id} started: {mode} {message.total:,} rows")

    def on_write_progressed(self, message: WriteProgressed) -> None:
        self.show_run_progress()

    def on_rows_updated(self, message: RowsUpdated) -> None:
        self.table.refresh_rows()
        current = self.table.current_row
        if current is not None and any(r is current for r in message.rows):
            self.query_one(DiffView).show_row(current, self.b_records)

    def on_log_appended(self, message: LogAppended) -> None:
        self.log_line(message.level, message.text)

    def on_write_finished(self, message: WriteFinished) -> None:
        summary = message.summary
        reason = summary.stopped_reason
        progress = self.query_one(RunProgress)
        progress.remove_class("-paused")
        writer, clock = self.writer, self.writer.clock if self.writer is not None else None
        if writer is not None and clock is not None:
            clock.finish()
            closing = clock.closing(writer.run_outcomes(), reason)
            progress.show_label(closing, clock.total, clock.total)
            run_id = summary.run_id
            self.notify(
                f"Run {run_id}: {closing.plain}",
                severity="warning"
                if reason or "failed" in writer.run_outcomes()
                else "information",
            )
        self.sync_plan()
        if self.writer is not None and self.writer.quit_when_done:
            self.app.exit(0, return_code=0)

    def action_quit(self) -> None:
        if not self.writing:
            self.app.exit(0, return_code=0)
            return

        def answered(choice: str | None) -> None:
            if choice == "quit" and self.writer is not None:
                self.writer.quit_when_done = True
                self.writer.stop_after_batch()
                self.notify("Stopping after the batch in flight, then quitting.")

        question = "A write is in progress. Stop after the batch in flight and quit?"
        choices = [("y", "quit", "Stop and quit"), ("n", "stay", "Keep writing")]
        self.app.push_screen(
            ChoiceModal("Quit while writing?", question, choices, "stay"), answered
        )

    # -- other keys ---------------------------------------------------------------------------
    def action_export(self) -> None:
        if not self._ready():
            return
        assert self.backend is not None
        rows = self.table.visible_rows
        self._export(rows, export_path(self.backend.export_dir))

    @work(thread=True, group="export", exit_on_error=False, description="Exporting CSV")
    def _export(self, rows: list[PlannedRow], path: Path) -> None:
        write_csv(rows, path)
        self.app.call_from_thread(self.notify, f"Exported {len(rows)} rows to {path}")

    def action_history(self) -> None:
        if self.backend is not None:
            self.app.push_screen(HistoryScreen(self.backend.history))

    def action_reload(self) -> None:
        if self._ready() and self._not_while_writing("Reload"):
            self.plan = None
            self.filter = replace(self.filter, a_ids=None)  # chosen rows belong to the old plan
            self.start_load()

    def action_toggle_log(self) -> None:
        self.log_choice = not log_visible(self.fit, self.log_choice)
        self._show_log()

    def action_help(self) -> None:
        if self._ready():  # the job's classes and steps come with its backend
            assert self.backend is not None
            self.app.push_screen(HelpScreen(self.backend.rules))
