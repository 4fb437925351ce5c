"""Counts per class (keys 1–7 in DESIGN.md §5 order) that visibly add up to the total."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Static

from fieldsync_tui.core.model import CLASS_ORDER, RowClass

from .flow import Flow
from .record_table import CLASS_STYLES


def count_units(counts: Mapping[RowClass, int], active: RowClass | None = None) -> list[Text]:
    """One unit per class (``1 ready 5``) and the total; the active filter is reversed."""
    out = []
    for key, klass in enumerate(CLASS_ORDER, start=1):
        style = CLASS_STYLES.get(klass, "")
        if klass is active:
            style += " reverse"
        unit = Text(f"{key} ", style="dim", end="")
        unit.append(f"{klass.value} {counts.get(klass, 0)}", style=style)
        out.append(unit)
    out.append(Text(f"= {sum(counts.values())} loaded", style="bold", end=""))
    return out


def counts_text(counts: Mapping[RowClass, int], active: RowClass | None = None) -> Text:
    """``1 ready 5  2 in_sync 3  … = 42 loaded`` on one line."""
    return Text("  ", end="").join(count_units(counts, active))


class ClassCounts(Static):
    """The class counters of the header: every count stays visible (wraps between units)."""

    DEFAULT_CSS = """
    ClassCounts {
        height: auto;
    }
    """

    def show_counts(self, counts: Mapping[RowClass, int], active: RowClass | None = None) -> None:
        self.update(Flow(count_units(counts, active)))
