"""The live log pane: the lines the log file gets, escaped, never markup; long lines wrap."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widgets import RichLog

from fieldsync_tui.text import safe

LEVEL_STYLES = {"ERROR": "bold red", "WARNING": "yellow", "CRITICAL": "bold red"}


class LogPane(RichLog):
    DEFAULT_CSS = """
    LogPane {
        height: 10;
        border-top: solid $panel-lighten-2;
        scrollbar-size-horizontal: 0;
    }
    """

    def __init__(self, *, id: str | None = None, max_lines: int = 5000) -> None:
        super().__init__(
            max_lines=max_lines, id=id, highlight=False, markup=False, wrap=True, auto_scroll=True
        )
        self.texts: deque[str] = deque(maxlen=max_lines)
        """The plain lines shown (newest last), for tests and copying."""

    def append(self, level: str, text: str) -> None:
        """Add one line; ``text`` may hold untrusted names, so it is escaped first. A line
        wider than the pane wraps under its text (never a sideways scroll)."""
        label = f"{safe(level)[:7]:<7} "
        line = Text(label, style=LEVEL_STYLES.get(level, "dim"), end="")
        line.append(safe(text))
        self.texts.append(line.plain)
        self.write(line)
