"""A virtual record table: only the rows in view are rendered (Line API, like toolong's LogLines).

The widget holds a reference to the full row list and an *index list* (positions into that
list, already filtered and sorted by the core). Scrolling, paging and the cursor are O(1) in
the number of rows, so 100,000 rows stay fluid. Cells are plain ``Text`` built from
:func:`fieldsync_tui.text.safe` — record names are untrusted and never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from fieldsync_tui.core.model import Decision
from fieldsync_tui.core.port import ConsoleRow
from fieldsync_tui.text import safe

Cell = tuple[str, str]  # text, style
CellMaker = Callable[[ConsoleRow, int], Cell]

NAME_MIN = 8
ID_SHORT = 10  # "…" and the last 9 digits: ids of one org share their first digits
MATCH_SHORT = 5  # "exact" / "norm."
NAME_ROOM = 24  # below this, the id column shortens; then the match column

CLASS_STYLES: dict[str, str] = {
    "ready": "green",
    "in_sync": "cyan",
    "overwrite": "yellow",
    "duplicate": "magenta",
    "unmatched": "bright_black",
    "conflict": "red",
    "invalid": "bold red",
    "no_files": "blue",
}
"""By class value: the classes of both jobs share their names and colours."""
OUTCOME_STYLES: dict[str, str] = {
    "applied": "bold green",
    "ticked": "green",
    "folder_set": "green",
    "failed": "bold red",
    "stale": "yellow",
    "partial": "bold yellow",
    "skipped": "bright_black",
    "dry_run": "cyan",
    "not_selected": "bright_black",
}
DECISION_MARKS: dict[Decision, str] = {
    Decision.APPROVED: "✔",
    Decision.SKIPPED: "✘",
    Decision.AUTO: "·",
    Decision.NONE: " ",
}


def fit_id(value: str, width: int) -> str:
    """An id in ``width`` cells: whole when it fits, else "…" and its last digits."""
    return value if len(value) <= width else "…" + value[-(width - 1) :]


def _match(row: ConsoleRow, width: int) -> Cell:
    if row.match is None:
        return "", "dim"
    value = row.match.value
    return (value if len(value) <= width else ("norm." if value == "normalised" else value)), "dim"


def _klass(row: ConsoleRow, width: int) -> Cell:
    return row.klass.value, CLASS_STYLES.get(row.klass.value, "")


def _outcome(row: ConsoleRow, width: int) -> Cell:
    if row.outcome is None:
        return "", ""
    return row.outcome.value, OUTCOME_STYLES.get(row.outcome.value, "")


@dataclass(frozen=True)
class TableColumn:
    """One column: its title, width (0 = the rest), a shorter width when room is short, and
    how a row fills it."""

    title: str
    width: int
    cell: CellMaker
    short: int | None = None


@dataclass(frozen=True)
class TableSpec:
    """A job's table: the decision mark, A id and name, then the job's own columns."""

    columns: tuple[TableColumn, ...]

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)


MARK = TableColumn("", 1, lambda r, w: (DECISION_MARKS.get(r.decision, " "), ""))
A_ID = TableColumn("A id", 19, lambda r, w: (fit_id(safe(r.a.id), w), ""), ID_SHORT)
NAME = TableColumn("name", 0, lambda r, w: (safe(r.a.name), ""))
KLASS = TableColumn("class", 9, _klass)
MATCH = TableColumn("match", 10, _match, MATCH_SHORT)
OUTCOME = TableColumn("outcome", 12, _outcome)
BASE_COLUMNS = (MARK, A_ID, NAME)
JOB_COLUMNS: dict[str, TableColumn] = {"klass": KLASS, "match": MATCH, "outcome": OUTCOME}
"""Columns any job may name in ``JobRules.columns`` (by key); a job adds its own."""
FIELD_TABLE = TableSpec((*BASE_COLUMNS, KLASS, MATCH, OUTCOME))
COLUMNS: tuple[tuple[str, int], ...] = tuple((c.title, c.width) for c in FIELD_TABLE.columns)


def column_widths(total: int, spec: TableSpec = FIELD_TABLE) -> list[int]:
    """Widths of ``spec``'s columns for a table ``total`` cells wide (one space between).

    The name gets what is left; when that is under :data:`NAME_ROOM`, the columns with a
    short form shorten in turn (the id to the distinctive end of each id, then the match)."""
    columns = spec.columns
    widths = [c.width for c in columns]
    gaps = len(columns) - 1
    name = next(i for i, c in enumerate(columns) if c.width == 0)

    def room() -> int:
        return total - sum(widths) - gaps

    for i, column in enumerate(columns):
        if column.short is not None and room() < NAME_ROOM:
            widths[i] = column.short
    widths[name] = max(NAME_MIN, room())
    return widths


def _cell(value: str, width: int, style: str = "") -> Text:
    text = Text(value, style=style, no_wrap=True, overflow="ellipsis", end="")
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def header_text(width: int, spec: TableSpec = FIELD_TABLE) -> Text:
    """The column header line for a table ``width`` cells wide."""
    widths = column_widths(width, spec)
    cells = [_cell(c.title, w, "bold") for c, w in zip(spec.columns, widths, strict=True)]
    return Text(" ", end="").join(cells)


def row_text(row: ConsoleRow, width: int, spec: TableSpec = FIELD_TABLE) -> Text:
    """One table line for ``row``: plain text, never markup."""
    widths = column_widths(width, spec)
    cells = []
    for column, w in zip(spec.columns, widths, strict=True):
        value, style = column.cell(row, w)
        cells.append(_cell(value, w, style))
    return Text(" ", end="").join(cells)


def min_width(spec: TableSpec) -> int:
    return sum(column_widths(0, spec)) + len(spec.columns)


class RecordTable(ScrollView, can_focus=True):
    """Virtual table over ``rows`` shown in the order of ``index`` (positions into ``rows``)."""

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;  /* the header reserves the scrollbar's cells too */
    }
    RecordTable > .record-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    RecordTable:focus > .record-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"record-table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.pageup"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.pagedown"),
        Binding("home", "home", "First row", show=False, id="table.home"),
        Binding("end", "end", "Last row", show=False, id="table.end"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    """Position of the cursor within :attr:`index` (not within :attr:`rows`)."""

    @dataclass
    class CursorMoved(Message):
        """The highlighted row changed (``row`` is None when the table is empty)."""

        table: RecordTable
        row: ConsoleRow | None

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.spec = FIELD_TABLE
        """The job's columns (``set_spec``)."""
        self.rows: Sequence[ConsoleRow] = ()
        self.index: Sequence[int] = ()
        self._cache: LRUCache[tuple[int, int, int, bool, str], Strip] = LRUCache(2000)
        self._generation = 0

    # -- data -------------------------------------------------------------------------------
    def set_spec(self, spec: TableSpec) -> None:
        self.spec = spec
        self.refresh_rows()

    def set_rows(self, rows: Sequence[ConsoleRow], index: Sequence[int]) -> None:
        """Show ``rows`` in the order of ``index``; the cursor stays on the same A id if shown,
        else goes to the top."""
        current = self.current_row
        self.rows, self.index = rows, index
        self.virtual_size = Size(self._table_width(), len(index))
        position = self._position_of(current.a.id) if current is not None else None
        if position is None:  # the row left the view: start at the top
            position = 0
        self.refresh_rows()
        self.cursor = min(position, max(0, len(index) - 1))
        self.scroll_to_cursor()

    def _position_of(self, a_id: str) -> int | None:
        rows = self.rows
        for pos, i in enumerate(self.index):
            if rows[i].a.id == a_id:
                return pos
        return None

    def refresh_rows(self) -> None:
        """Redraw after rows changed in place (decisions, outcomes)."""
        self._generation += 1
        self._cache.clear()
        self.refresh()

    @property
    def current_row(self) -> ConsoleRow | None:
        if not self.index or not 0 <= self.cursor < len(self.index):
            return None
        return self.rows[self.index[self.cursor]]

    @property
    def visible_rows(self) -> list[ConsoleRow]:
        """Rows in the current index order (a new list; cheap for the core's filters)."""
        return [self.rows[i] for i in self.index]

    # -- cursor -----------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.index) - 1)) if self.index else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._cache.clear()
        self.refresh()
        self.scroll_to_cursor()
        self.post_message(self.CursorMoved(self, self.current_row))

    def scroll_to_cursor(self) -> None:
        self.scroll_to_region(
            Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True
        )

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def action_home(self) -> None:
        self.cursor = 0

    def action_end(self) -> None:
        self.cursor = len(self.index) - 1

    def on_click(self, event: events.Click) -> None:
        self.cursor = int(self.scroll_y) + event.y

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self._table_width(), len(self.index))
        self._cache.clear()

    # -- rendering --------------------------------------------------------------------------
    def _table_width(self) -> int:
        return max(self.scrollable_content_region.width, min_width(self.spec))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        position = scroll_y + y
        width = self.scrollable_content_region.width
        if position >= len(self.index):
            return Strip.blank(width, self.rich_style)
        is_cursor = position == self.cursor
        key = (position, self._table_width(), self._generation, is_cursor, self.app.theme)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(position, is_cursor)
            self._cache[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _render_row(self, position: int, is_cursor: bool) -> Strip:
        row = self.rows[self.index[position]]
        width = self._table_width()
        text = row_text(row, width, self.spec)
        segments = list(text.render(self.app.console))
        strip = Strip(segments).adjust_cell_length(width)
        base: Style = self.rich_style
        if is_cursor:  # the theme's cursor colours win over the cells' own (readable)
            cursor = self.get_component_rich_style("record-table--cursor")
            return Strip([Segment(s.text, base + (s.style or Style()) + cursor) for s in strip])
        return Strip([Segment(s.text, base + s.style if s.style else base) for s in strip])


class RecordTableHeader(Widget):
    """The column titles above a :class:`RecordTable` (same column widths)."""

    DEFAULT_CSS = """
    RecordTableHeader {
        height: 1;
        background: $panel;
    }
    """

    spec = FIELD_TABLE

    def set_spec(self, spec: TableSpec) -> None:
        self.spec = spec
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0:
            return Strip.blank(width, self.rich_style)
        # Align with the table body, which reserves a cell for its vertical scrollbar.
        text = header_text(max(width - 2, min_width(self.spec)), self.spec)
        return Strip(list(text.render(self.app.console))).adjust_cell_length(width, self.rich_style)
