"""The live log pane: the lines the log file gets, escaped, never markup."""

from __future__ import annotations

from textual.widgets import Log

from fieldsync_tui.text import safe


class LogPane(Log):
    DEFAULT_CSS = """
    LogPane {
        height: 10;
        border-top: solid $panel-lighten-2;
    }
    """

    def __init__(self, *, id: str | None = None, max_lines: int = 5000) -> None:
        super().__init__(max_lines=max_lines, id=id, highlight=False, auto_scroll=True)

    def append(self, level: str, text: str) -> None:
        """Add one line; ``text`` may hold untrusted names, so it is escaped first."""
        self.write_line(f"{safe(level)[:7]:<7} {safe(text)}")
