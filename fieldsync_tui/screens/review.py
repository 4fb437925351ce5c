"""The review screen: header, class counts, virtual record table, detail pane, log, footer.

It drives the job's session (decisions, filters, apply) and never builds a client. Loads and
writes run in workers; their results come back as messages (``screens/messages.py``). The
state and view live in ``review_base``, the write keys in ``review_writes``; this module has
the layout, loading, decisions, filters, detail and the other keys.
"""

from __future__ import annotations

import asyncio
import gc
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from fieldsync_tui.core.model import DecisionKind
from fieldsync_tui.core.port import ConsoleRow
from fieldsync_tui.widgets.class_counts import ClassCounts
from fieldsync_tui.widgets.diff_view import DiffView
from fieldsync_tui.widgets.key_footer import KeyFooter
from fieldsync_tui.widgets.log_pane import LogPane
from fieldsync_tui.widgets.org_header import OrgHeader
from fieldsync_tui.widgets.record_table import RecordTable, RecordTableHeader
from fieldsync_tui.widgets.run_progress import RunProgress

from . import view_state as vs
from .choice_modal import ChoiceModal
from .detail import DetailChoice
from .export import export_path, write_csv
from .help import HelpScreen
from .history import HistoryScreen
from .job_view import DetailRequest, ItemSkip
from .keys import PINNED_KEYS, REVIEW_BINDINGS
from .layout import Fit, log_visible
from .messages import (
    DecisionsChanged,
    LoadProgressed,
    LoadSettled,
    PlanLoaded,
    WorkerFailed,
)
from .notes import decision_note
from .review_writes import ReviewWrites
from .search import SearchModal
from .session_port import AsksBeforeLoading, ConsoleBackend, ItemSkipper, SettlesDecisions
from .unfinished import UnfinishedRuns
from .write_controller import WriteController


class ReviewScreen(ReviewWrites):
    BINDINGS: ClassVar[list[BindingType]] = list(REVIEW_BINDINGS)

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

    # -- loading ------------------------------------------------------------------------------
    def attach(self, backend: ConsoleBackend) -> None:
        """Called by the app once start-up checks passed: show the orgs, then load."""
        self.backend = backend
        self.writer = WriteController(self, backend)
        self.unfinished = UnfinishedRuns(self, backend)
        if isinstance(backend.session, AsksBeforeLoading):
            backend.session.ask = self.ask_yes_no
        self.query_one(OrgHeader).show_info(backend.header)
        self.table.set_spec(backend.view.table)
        self.query_one(RecordTableHeader).set_spec(backend.view.table)
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
    async def _build_suggester(self, backend: ConsoleBackend, records: list[Any]) -> None:
        self.suggester = await asyncio.to_thread(backend.make_suggester, records)

    def on_load_settled(self, message: LoadSettled) -> None:
        self.query_one(RunProgress).show_progress("loaded", message.count, message.count)

    def on_load_progressed(self, message: LoadProgressed) -> None:
        stage = f"Org {message.stage}" if len(message.stage) == 1 else message.stage
        self.query_one(RunProgress).show_progress(f"loading {stage}", message.count)

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        self.set_plan(message.plan)
        if self.backend is not None:  # after the first paint: the index thread holds the GIL
            records = self.view.suggestion_pool(message.plan)
            self.call_after_refresh(self._build_suggester, self.backend, records)
        self.query_one(RunProgress).show_progress("loaded", len(self.rows), len(self.rows))
        self.log_line("INFO", f"loaded {len(self.rows)} pending Org A rows")
        if self.unfinished is not None:
            self.unfinished.after_load()

    @on(Worker.StateChanged)
    def _forward_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.post_message(WorkerFailed(event.worker))

    @on(RecordTable.CursorMoved, "#records")
    def _cursor_moved(self, message: RecordTable.CursorMoved) -> None:
        self.show_detail(message.row)

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
            await self._settle(self.backend)
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
            bulk = self.backend.rules.bulk_classes if self.backend else frozenset()
            names = " or ".join(k.value for k in self.class_keys if k in bulk)
            self.notify(f"No undecided {names} rows in this filter.")
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
        self.show_detail(self.table.current_row)
        self.log_line("INFO", message.note)

    # -- filters ------------------------------------------------------------------------------
    def action_filter_class(self, key: int) -> None:
        if key > len(self.class_keys):
            self.notify(
                f"This job has {len(self.class_keys)} classes: keys 1–{len(self.class_keys)}."
            )
            return
        self.filter = self.filter.with_class_key(key, self.class_keys)
        self.refresh_view()

    def action_reset_filters(self) -> None:
        self.filter = vs.ViewFilter()
        self.refresh_view()

    def action_clear_search(self) -> None:
        if self.filter.narrowed:
            self.filter = self.filter.cleared()
            self.refresh_view()

    def action_cycle_outcome(self) -> None:
        retried = self.backend.rules.retry_outcomes if self.backend else frozenset()
        self.filter = self.filter.next_outcome(vs.outcome_cycle(self.outcomes, retried))
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
        suggestions: list[tuple[Any, float]] = []
        unmatched = row.klass.value == "unmatched"
        if unmatched and self.suggester is None:
            self.notify("Near-name suggestions are still being indexed; try again shortly.")
        elif unmatched and self.suggester is not None:
            suggestions = self.suggester.suggest(row.a.name or "", limit=5)
        screen = self.view.open_detail(DetailRequest(row, self.plan, suggestions, self.rows))
        self.app.push_screen(screen, self._detail_chosen)

    def _detail_chosen(self, choice: DetailChoice | ItemSkip | None) -> None:
        if choice is None or not self._not_while_writing("Deciding"):
            return
        if isinstance(choice, ItemSkip):
            self._skip_item(choice)
            return
        by_id = {r.a.id: r for r in self.rows}
        row = by_id.get(choice.a_id)
        note = self.view.pick_note(choice.kind, choice.a_id, row, choice.target_b_id, self.plan)
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
            await self._settle(self.backend)
        finally:
            self.deciding = False
        self.post_message(DecisionsChanged([choice.a_id], note))

    async def _settle(self, backend: ConsoleBackend) -> None:
        """A job whose picks need a load (files) loads now, with progress shown."""
        session = backend.session
        if isinstance(session, SettlesDecisions):

            def progress(stage: str, count: int) -> None:
                self.post_message(LoadProgressed(stage, count))

            if await session.settle_decisions(progress):
                plan = session.plan
                self.post_message(LoadSettled(len(plan.rows) if plan is not None else 0))

    async def ask_yes_no(self, title: str, question: str) -> bool:
        """A yes / no dialog a job's load can await (``AsksBeforeLoading``)."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        choices = [("y", "yes", "Yes, load them"), ("n", "no", "No")]

        def answered(choice: str | None) -> None:
            if not answer.done():
                answer.set_result(choice == "yes")

        self.app.push_screen(ChoiceModal(title, question, choices, "no"), answered)
        return await answer

    @work(group="decide", exit_on_error=False, description="Skipping a file")
    async def _skip_item(self, choice: ItemSkip) -> None:
        """``n`` on a file in detail: journalled, then the row is planned again."""
        assert self.backend is not None
        session = self.backend.session
        if not isinstance(session, ItemSkipper):
            return
        self.deciding = True
        try:
            await asyncio.to_thread(session.skip_item, choice.a_id, choice.item_id, choice.skip)
        finally:
            self.deciding = False
        self.notify(choice.note)
        self.post_message(DecisionsChanged([choice.a_id], choice.note))

    # -- other keys ---------------------------------------------------------------------------
    def action_export(self) -> None:
        if not self._ready():
            return
        assert self.backend is not None
        rows = self.table.visible_rows
        self._export(rows, export_path(self.backend.export_dir))

    @work(thread=True, group="export", exit_on_error=False, description="Exporting CSV")
    def _export(self, rows: list[ConsoleRow], path: Path) -> None:
        write_csv(self.view.export_csv(rows, self.plan), path)
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
