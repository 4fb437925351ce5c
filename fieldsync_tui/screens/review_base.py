"""The review screen's state and view: rows, filter, table, counts and the filter line.

``ReviewBase`` holds what every part of the review screen reads (the backend, the plan, the
filter, the writer) and redraws the view from it; ``review_writes`` adds the write keys and
``review`` the rest (loading, decisions, filters, detail).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import StrEnum
from operator import attrgetter
from typing import Any

from rich.text import Text
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from fieldsync_tui.core.model import CLASS_ORDER, Outcome
from fieldsync_tui.core.port import ConsolePlan, ConsoleRow
from fieldsync_tui.widgets.class_counts import ClassCounts
from fieldsync_tui.widgets.diff_view import DiffView
from fieldsync_tui.widgets.flow import Flow
from fieldsync_tui.widgets.key_footer import KeyFooter
from fieldsync_tui.widgets.log_pane import LogPane
from fieldsync_tui.widgets.record_table import RecordTable

from . import view_state as vs
from .choice_modal import ChoiceModal
from .fields_view import FIELDS_VIEW
from .job_view import JobView
from .layout import Fit
from .session_port import ConsoleBackend, Suggester
from .unfinished import UnfinishedRuns
from .write_controller import WriteController


class ReviewBase(Screen[None]):
    def __init__(self) -> None:
        super().__init__(id="review")
        self.backend: ConsoleBackend | None = None
        self.writer: WriteController | None = None
        self.plan: ConsolePlan | None = None
        self.rows: Sequence[ConsoleRow] = []
        self.filter = vs.ViewFilter()
        self.suggester: Suggester | None = None
        self.unfinished: UnfinishedRuns | None = None
        self.deciding = False
        """A decision is being journalled / re-planned in a worker (no other may start)."""
        self.fit = Fit.of(Size(120, 40))
        self.log_choice: bool | None = None
        """The operator's ``l``: True shown, False hidden, None = as the terminal size suits."""

    @property
    def table(self) -> RecordTable:
        return self.query_one("#records", RecordTable)

    @property
    def view(self) -> JobView:
        return self.backend.view if self.backend is not None else FIELDS_VIEW

    @property
    def class_keys(self) -> tuple[StrEnum, ...]:
        return self.backend.rules.class_keys if self.backend is not None else CLASS_ORDER

    @property
    def outcomes(self) -> tuple[StrEnum, ...]:
        return self.backend.rules.outcomes if self.backend is not None else tuple(Outcome)

    def show_detail(self, row: ConsoleRow | None) -> None:
        """The detail pane for ``row`` as the job shows it."""
        pane = self.query_one("#detail", DiffView)
        pane.show(None if row is None else self.view.detail(row, self.plan))

    @property
    def writing(self) -> bool:
        return self.writer is not None and self.writer.writing

    def push_choice(self, modal: ChoiceModal, done: Callable[[str | None], None]) -> None:
        self.app.push_screen(modal, done)

    def notify_text(self, text: str) -> None:
        self.notify(text)

    def log_line(self, level: str, text: str) -> None:
        self.query_one(LogPane).append(level, text)

    def set_plan(self, plan: ConsolePlan) -> None:
        self.plan = plan
        self.rows = plan.rows  # the session's own list: decisions change its rows in place
        self.refresh_view()

    # -- the view -----------------------------------------------------------------------------
    def refresh_view(self) -> None:
        index = vs.select(self.rows, self.filter, self.outcomes)
        self.table.set_rows(self.rows, index)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        counts: dict[StrEnum, int] = dict.fromkeys(self.class_keys, 0)
        counts.update(Counter(map(attrgetter("klass"), self.rows)))
        extra: list[Any] = self.view.count_extra(self.plan) if self.plan is not None else []
        self.query_one(ClassCounts).show_counts(counts, self.filter.klass, self.class_keys, extra)
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

    def sync_plan(self) -> None:
        """Take the session's current plan (decisions and retries re-plan into new rows)."""
        if self.backend is not None and self.backend.session.plan is not None:
            self.set_plan(self.backend.session.plan)
