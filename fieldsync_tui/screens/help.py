"""``?``: what the classes mean, the review step by step, and every key by what it is for."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from fieldsync_tui.core.model import CLASS_ORDER, RowClass
from fieldsync_tui.widgets.record_table import CLASS_STYLES

from .keys import REVIEW_BINDINGS, key_label

CLASS_HELP: dict[RowClass, tuple[str, str]] = {
    RowClass.READY: ("one B match; B's fields are empty", "A approves it; x writes B, ticks A"),
    RowClass.IN_SYNC: ("B already holds A's values", "A approves it; x only ticks A"),
    RowClass.OVERWRITE: ("B holds a different value", "read the diff, then y or n, one by one"),
    RowClass.DUPLICATE: ("several B records have the name", "enter: pick one (that approves)"),
    RowClass.UNMATCHED: ("no B record has the name", "enter: pick a near name (that approves)"),
    RowClass.CONFLICT: (
        "several A rows, one B record, different values",
        "enter: pick the winning row (that approves)",
    ),
    RowClass.INVALID: ("A's URL or folder id cannot be written", "fix it in Org A, then r"),
}

STEPS = (
    "1 then A: approve every ready row (2 then A: the in_sync rows).",
    "3: read each overwrite's diff; y to approve, n to skip.",
    "4, 5, 6: enter on a row, pick the B record or winning row; the pick approves the row.",
    "x: read the dialog (rows, B writes, credits, triggers), y to write. p pauses.",
    "f: the failed rows and Zoho's code in the detail; fix the cause, then R retries them.",
)

KEY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Deciding", ("y", "n", "A", "enter", "u")),
    ("Finding rows", ("1", "0", "slash", "escape", "f")),
    ("Writing", ("x", "p", "R")),
    ("Other", ("e", "h", "r", "l", "question_mark", "q")),
)
EXTRA_KEYS = {
    "1": ("1–7", "Show only one class (the numbers above); 0 shows them all again"),
}
MOVING = ("↑ ↓ pgup pgdn home end", "Move in the table; ctrl+p opens the command palette")


def _table(*columns: str) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, expand=True)
    for i, name in enumerate(columns):
        table.add_column(name, no_wrap=i == 0, ratio=None if i == 0 else 1)
    return table


def classes_table() -> Table:
    table = _table("key", "class", "meaning", "what to do")
    table.columns[1].no_wrap = True
    for key, klass in enumerate(CLASS_ORDER, start=1):
        meaning, todo = CLASS_HELP[klass]
        style = CLASS_STYLES.get(klass, "")
        table.add_row(Text(str(key), style="bold"), Text(klass.value, style), meaning, todo)
    return table


def keys_table() -> Table:
    by_key = {b.key: b for b in REVIEW_BINDINGS}
    table = _table("key", "action")
    for title, keys in KEY_GROUPS:
        table.add_row(Text(title, style="bold underline"), "")
        for key in keys:
            binding = by_key[key]
            shown, text = EXTRA_KEYS.get(key, (key_label(binding), binding.tooltip))
            table.add_row(Text(f"  {shown}", style="bold"), Text(text or binding.description))
    table.add_row(Text(f"  {MOVING[0]}", style="bold"), Text(MOVING[1]))
    return table


def help_body() -> RenderableType:
    steps = Text()
    for i, step in enumerate(STEPS, start=1):
        steps.append(f"{i}. ", style="bold")
        steps.append(step + "\n")
    return Group(
        Text("Classes", style="bold"),
        Text(
            "Every pending Org A row has one class; the header counts them. "
            "A approves only ready and in_sync rows in the current filter.",
            style="dim",
        ),
        classes_table(),
        Text(),
        Text("A review, step by step", style="bold"),
        steps,
        Text("Keys", style="bold"),
        keys_table(),
    )


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Text("fieldsync help", style="bold"), classes="dialog-title")
            with VerticalScroll():
                yield Static(help_body(), id="help-body")
            yield Static(Text("↑ ↓ scroll · escape or ? closes", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
