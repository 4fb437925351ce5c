"""The apply confirmation: counts per action, projected credits, triggers, dry-run.

``y`` confirms, ``n``/``escape`` cancels, and ``enter`` never confirms (there is no button
that could take focus and be pressed by it).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from fieldsync_tui.text import safe


class ConfirmApplyModal(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes, apply", id="confirm.yes"),
        Binding("n,escape", "cancel", "No, cancel", id="confirm.no"),
        Binding("enter", "ignore_enter", "Enter does not confirm", show=False, id="confirm.enter"),
    ]

    def __init__(
        self,
        title: str,
        lines: list[tuple[str, str]],
        mode: Text,
        warnings: list[Text] | None = None,
    ) -> None:
        """``mode`` says what a confirm writes to (``org_header.mode_sentence``); ``warnings``
        name what the operator may expect to be applied but is not (e.g. resolved rows not
        approved)."""
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.mode = mode
        self.warnings = warnings or []

    def compose(self) -> ComposeResult:
        body = Text()
        for key, value in self.lines:
            body.append(f"{safe(key)}: ", style="bold")
            body.append(f"{safe(value)}\n")
        with Vertical(id="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(body, id="confirm-body")
            for warning in self.warnings:
                yield Static(warning, classes="confirm-warning")
            yield Static(self.mode, id="confirm-mode")
            yield Static(Text("y apply · n / escape cancel · enter does nothing", style="dim"))

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_ignore_enter(self) -> None:
        self.notify("Press y to apply, n or escape to cancel.", severity="warning")
