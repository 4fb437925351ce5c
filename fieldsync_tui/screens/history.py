"""``h``: past runs with their counts; ``enter`` on a run lists its rows (capped)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from fieldsync_tui.core.history import HISTORY_HEADER, HISTORY_NUMERIC, history_rows
from fieldsync_tui.core.journal import RunRecord
from fieldsync_tui.text import safe

from .session_port import History

MAX_ROWS = 2000
ROW_COLUMNS = (
    "A id",
    "name",
    "class",
    "B id / folder",
    "decision",
    "outcome",
    "step",
    "code",
    "message",
)


def _t(value: object) -> Text:
    return Text(safe(value))


def _cell(name: str, value: str) -> Text:
    """A history cell: counts right-aligned (0 dimmed), everything else as plain text."""
    if name in HISTORY_NUMERIC:
        return Text(value, justify="right", style="dim" if value == "0" else "")
    return Text(value)


def shown_columns(table: Sequence[tuple[str, ...]]) -> list[int]:
    """The columns worth a narrow dialog's room: not ``started`` (a run id starts with its
    UTC start time), not an outcome that is 0 in every run."""
    return [
        i
        for i, name in enumerate(HISTORY_HEADER)
        if name != "started"
        and (name not in HISTORY_NUMERIC or any(row[i] != "0" for row in table))
    ]


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
            yield Static(Text("no runs yet", style="bold"), id="history-empty")
            yield DataTable(id="history-runs", cursor_type="row")
            yield Static(id="history-rows-title")
            yield DataTable(id="history-rows", cursor_type="row")

    def on_mount(self) -> None:
        runs_table = self.query_one("#history-runs", DataTable)
        self.query_one("#history-rows", DataTable).add_columns(*ROW_COLUMNS)
        self.runs = list(self.history.list_runs())
        table = history_rows(self.runs, self.history.run_rows)
        shown = shown_columns(table)
        for i in shown:
            runs_table.add_column(
                _cell(HISTORY_HEADER[i], HISTORY_HEADER[i]), key=HISTORY_HEADER[i]
            )
        for cells in table:
            runs_table.add_row(*(_cell(HISTORY_HEADER[i], cells[i]) for i in shown))
        self.query_one("#history-empty").display = not self.runs
        runs_table.display = bool(self.runs)
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
