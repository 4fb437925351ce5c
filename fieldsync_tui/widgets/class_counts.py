"""Counts per class (keys 1–7 in DESIGN.md §5 order) that visibly add up to the total."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Static

from fieldsync_tui.core.model import CLASS_ORDER, RowClass

from .record_table import CLASS_STYLES


def counts_text(counts: Mapping[RowClass, int], active: RowClass | None = None) -> Text:
    """``1 ready 5 · 2 in_sync 3 · … = 42 loaded``; the active filter is underlined."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for key, klass in enumerate(CLASS_ORDER, start=1):
        style = CLASS_STYLES.get(klass, "")
        if klass is active:
            style += " reverse"
        text.append(f"{key} ", style="dim")
        text.append(f"{klass.value} {counts.get(klass, 0)}", style=style)
        text.append("  ")
    text.append(f"= {sum(counts.values())} loaded", style="bold")
    return text


class ClassCounts(Static):
    """The class counters line of the header."""

    DEFAULT_CSS = """
    ClassCounts {
        height: 1;
    }
    """

    def show_counts(self, counts: Mapping[RowClass, int], active: RowClass | None = None) -> None:
        self.update(counts_text(counts, active))
