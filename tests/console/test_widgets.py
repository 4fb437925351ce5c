"""Widgets on fake rows: the virtual table, the diff view, counters, untrusted text."""

from __future__ import annotations

from rich.console import Console
from textual.app import App, ComposeResult

from fieldsync_tui.core.model import Decision, Outcome, RowClass
from fieldsync_tui.widgets.class_counts import counts_text
from fieldsync_tui.widgets.diff_view import row_detail
from fieldsync_tui.widgets.org_header import HeaderInfo, OrgLine, header_text
from fieldsync_tui.widgets.record_table import RecordTable, row_text

from .fakes import make_row, sample_b_records, sample_rows


class TableApp(App[None]):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.rows = [
            make_row(str(100000 + i), f"Name {i}", RowClass.READY, str(i)) for i in range(n)
        ]

    def compose(self) -> ComposeResult:
        yield RecordTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(RecordTable)
        table.set_rows(self.rows, range(len(self.rows)))
        table.focus()


def _render(renderable: object, width: int = 120) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_table_of_100k_rows_renders_only_visible_rows() -> None:
    app = TableApp(100_000)
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(RecordTable)
        assert table.virtual_size.height == 100_000
        await pilot.pause()
        assert len(table._cache) <= table.size.height + 1
        await pilot.press("end")
        assert table.current_row is app.rows[-1]
        assert int(table.scroll_y) >= 100_000 - table.size.height
        await pilot.press("home", "pagedown")
        assert table.cursor == table.scrollable_content_region.height - 1
        await pilot.press("down", "down", "up")
        assert table.current_row is app.rows[table.scrollable_content_region.height]
        await pilot.pause()
        assert len(table._cache) <= table.size.height + 1


async def test_table_index_filters_and_keeps_cursor_row() -> None:
    app = TableApp(50)
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(RecordTable)
        table.cursor = 10
        target = table.current_row
        table.set_rows(app.rows, [0, 5, 10, 20])
        await pilot.pause()
        assert table.current_row is target and table.cursor == 2
        table.set_rows(app.rows, [])
        await pilot.pause()
        assert table.current_row is None


def test_row_text_is_literal_and_one_line() -> None:
    row = make_row("1", "[bold]x[/] \x1b[31m\nred", RowClass.READY, "2")
    row.decision, row.outcome = Decision.APPROVED, Outcome.FAILED
    text = row_text(row, 120)
    assert "[bold]x[/]" in text.plain
    assert "\\x1b" in text.plain and "\n" not in text.plain and "\x1b" not in text.plain
    assert text.cell_len == 120
    assert "failed" in text.plain and "✔" in text.plain


def test_row_detail_shows_diff_candidates_and_failure() -> None:
    rows = sample_rows()
    dup = rows[3]
    out = _render(row_detail(dup, sample_b_records()))
    assert "9201" in out and "9202" in out and "2024-03-01" in out
    ready = rows[0]
    ready.outcome, ready.code, ready.message = Outcome.FAILED, "INVALID_DATA", "[red]no[/]"
    out = _render(row_detail(ready, sample_b_records()))
    assert "fill" in out and "INVALID_DATA" in out and "[red]no[/]" in out
    over = _render(row_detail(rows[2], {}))
    assert "overwrite" in over and "https://old.example" in over


def test_counts_add_up_and_header_is_literal() -> None:
    counts = {k: i for i, k in enumerate(RowClass)}
    plain = counts_text(counts).plain
    assert f"= {sum(counts.values())} loaded" in plain
    assert "1 ready 0" in plain and "7 invalid 6" in plain
    info = HeaderInfo(
        OrgLine("A", "[b]Acme[/b]", "eu", ("workflow",)),
        OrgLine("B", "Beta", "com"),
        "Contacts",
        True,
    )
    plain = header_text(info).plain
    assert "[b]Acme[/b]" in plain and "workflow" in plain and "DRY RUN" in plain
    live = header_text(HeaderInfo(info.org_a, info.org_b, "Contacts", False)).plain
    demo = header_text(HeaderInfo(info.org_a, info.org_b, "Contacts", False, demo=True)).plain
    assert "LIVE" in live and "DEMO" not in live
    assert "DEMO" in demo and "LIVE" not in demo
