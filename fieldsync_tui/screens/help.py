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

from fieldsync_tui.core.port import JobRules
from fieldsync_tui.widgets.record_table import CLASS_STYLES

from .keys import REVIEW_BINDINGS, key_label

KEY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Deciding", ("y", "n", "A", "enter", "u")),
    ("Finding rows", ("1", "0", "slash", "escape", "f")),
    ("Writing", ("x", "p", "R")),
    ("Other", ("e", "h", "r", "l", "question_mark", "q")),
)
CLASS_KEYS_HELP = "Show only one class (the numbers above); 0 shows them all again"
MOVING = ("↑ ↓ pgup pgdn home end", "Move in the table; ctrl+p opens the command palette")


def _table(*columns: str, fixed: int = 1) -> Table:
    """A borderless table: the first ``fixed`` columns as wide as their text, the rest share
    what is left (and wrap)."""
    table = Table(box=None, show_header=False, pad_edge=False, expand=True)
    for i, name in enumerate(columns):
        table.add_column(name, no_wrap=i < fixed, ratio=None if i < fixed else 1)
    return table


def classes_table(rules: JobRules) -> Table:
    table = _table("key", "class", "meaning", "what to do", fixed=2)
    keys = {klass: key for key, klass in enumerate(rules.class_keys, start=1)}
    for klass, meaning, todo in rules.class_help:
        style = CLASS_STYLES.get(klass, "")
        key = Text(str(keys.get(klass, "")), style="bold")
        table.add_row(key, Text(klass.value, style), meaning, todo)
    return table


def keys_table(classes: int = 7) -> Table:
    by_key = {b.key: b for b in REVIEW_BINDINGS}
    table = _table("key", "action")
    for title, keys in KEY_GROUPS:
        table.add_row(Text(title, style="bold underline"), "")
        for key in keys:
            binding = by_key[key]
            shown, text = key_label(binding), binding.tooltip
            if key == "1":
                shown, text = f"1–{classes}", CLASS_KEYS_HELP
            table.add_row(Text(f"  {shown}", style="bold"), Text(text or binding.description))
    table.add_row(Text(f"  {MOVING[0]}", style="bold"), Text(MOVING[1]))
    return table


def help_body(rules: JobRules) -> RenderableType:
    steps = Text()
    for i, step in enumerate(rules.review_steps, start=1):
        steps.append(f"{i}. ", style="bold")
        steps.append(step + "\n")
    bulk = " and ".join(k.value for k in rules.class_keys if k in rules.bulk_classes) or "no"
    return Group(
        Text("Classes", style="bold"),
        Text(
            "Every pending row has one class; the header counts them. "
            f"A approves only {bulk} rows in the current filter.",
            style="dim",
        ),
        classes_table(rules),
        Text(),
        Text("A review, step by step", style="bold"),
        steps,
        Text("Keys", style="bold"),
        keys_table(len(rules.class_keys)),
    )


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, rules: JobRules) -> None:
        super().__init__()
        self.rules = rules

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Text("fieldsync help", style="bold"), classes="dialog-title")
            with VerticalScroll():
                yield Static(help_body(self.rules), id="help-body")
            yield Static(Text("↑ ↓ scroll · escape or ? closes", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
