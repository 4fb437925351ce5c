"""``h``: past runs with their counts; ``enter`` on a run lists its rows (capped)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from fieldsync_tui.core.journal import RunRecord
from fieldsync_tui.text import safe

from .session_port import History

MAX_ROWS = 2000
RUN_COLUMNS = ("run", "started", "finished", "status", "mode", "dry run", "counts", "open")
ROW_COLUMNS = ("A id", "name", "class", "B id", "decision", "outcome", "step", "code", "message")


def _t(value: object) -> Text:
    return Text(safe(value))


def _counts(counts: object) -> str:
    if not isinstance(counts, dict):
        return ""
    outcomes = counts.get("outcomes", counts)
    if not isinstance(outcomes, dict):
        return ""
    return " ".join(f"{k} {v}" for k, v in outcomes.items() if v)


class HistoryScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,h,q", "close", "Close", id="history.close"),
    ]

    def __init__(self, history: History) -> None:
        super().__init__()
        self.history = history
        self.runs: list[RunRecord] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(Text("Runs (newest first) — enter shows a run's rows", style="bold"))
            yield DataTable(id="history-runs", cursor_type="row")
            yield Static(id="history-rows-title")
            yield DataTable(id="history-rows", cursor_type="row")

    def on_mount(self) -> None:
        runs_table = self.query_one("#history-runs", DataTable)
        runs_table.add_columns(*RUN_COLUMNS)
        self.query_one("#history-rows", DataTable).add_columns(*ROW_COLUMNS)
        self.runs = list(self.history.list_runs())
        for run in self.runs:
            runs_table.add_row(
                _t(run.id),
                _t(run.started),
                _t(run.finished or ""),
                _t(run.status),
                _t(run.mode),
                _t("yes" if run.dry_run else "no"),
                _t(_counts(run.counts)),
                _t(run.unconfirmed),
            )
        runs_table.focus()

    @on(DataTable.RowSelected, "#history-runs")
    def _run_selected(self, event: DataTable.RowSelected) -> None:
        run = self.runs[event.cursor_row]
        rows = self.history.run_rows(run.id)
        table = self.query_one("#history-rows", DataTable)
        table.clear()
        for r in rows[:MAX_ROWS]:
            values = (r.a_id, r.name, r.klass, r.b_id, r.decision, r.outcome, r.step, r.code)
            table.add_row(*(_t(value) for value in (*values, r.message)))
        shown = f"showing {min(len(rows), MAX_ROWS)} of {len(rows)}"
        self.query_one("#history-rows-title", Static).update(
            Text(f"Run {safe(run.id)}: {shown} rows")
        )

    def action_close(self) -> None:
        self.dismiss(None)
