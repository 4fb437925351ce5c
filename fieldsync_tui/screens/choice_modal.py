"""A small keyed question: each choice is one key (quit while writing, unfinished run)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from fieldsync_tui.widgets.flow import Flow


class ChoiceModal(ModalScreen[str]):
    """Asks ``question``; dismisses with the chosen value. ``escape`` gives ``cancel_value``."""

    def __init__(
        self,
        title: str,
        question: Text | str,
        choices: list[tuple[str, str, str]],
        cancel_value: str,
    ) -> None:
        """``choices``: (key, value, description)."""
        super().__init__()
        self.title_text = title
        self.question = question if isinstance(question, Text) else Text(question)
        self.choices = choices
        self.cancel_value = cancel_value
        for key, value, description in choices:
            self._bindings.bind(key, f"choose('{value}')", description)
        self._bindings.bind("escape", f"choose('{cancel_value}')", "Cancel", show=False)

    def compose(self) -> ComposeResult:
        keys = []
        for key, _, description in self.choices:
            choice = Text(f" {key} ", style="bold reverse", end="")
            choice.append(f" {description}")
            keys.append(choice)
        with Vertical(id="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(self.question)
            yield Static(Flow(keys, gap=3), id="choice-keys")  # wraps between choices only

    def action_choose(self, value: str) -> None:
        self.dismiss(value)
