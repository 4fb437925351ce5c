"""Counts per class (keys 1–7 in DESIGN.md §5 order) that visibly add up to the total."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from rich.text import Text
from textual.widgets import Static

from fieldsync_tui.core.model import CLASS_ORDER

from .flow import Flow
from .record_table import CLASS_STYLES


def count_units(
    counts: Mapping[StrEnum, int],
    active: StrEnum | None = None,
    keys: Sequence[StrEnum] = CLASS_ORDER,
) -> list[Text]:
    """One unit per class of the job (``1 ready 5``) and the total; the active filter is
    reversed."""
    out = []
    for key, klass in enumerate(keys, start=1):
        style = CLASS_STYLES.get(klass, "")
        if klass is active:
            style += " reverse"
        unit = Text(f"{key} ", style="dim", end="")
        unit.append(f"{klass.value} {counts.get(klass, 0)}", style=style)
        out.append(unit)
    out.append(Text(f"= {sum(counts.values())} loaded", style="bold", end=""))
    return out


def counts_text(
    counts: Mapping[StrEnum, int],
    active: StrEnum | None = None,
    keys: Sequence[StrEnum] = CLASS_ORDER,
) -> Text:
    """``1 ready 5  2 in_sync 3  … = 42 loaded`` on one line."""
    return Text("  ", end="").join(count_units(counts, active, keys))


class ClassCounts(Static):
    """The class counters of the header: every count stays visible (wraps between units)."""

    DEFAULT_CSS = """
    ClassCounts {
        height: auto;
    }
    """

    def show_counts(
        self,
        counts: Mapping[StrEnum, int],
        active: StrEnum | None = None,
        keys: Sequence[StrEnum] = CLASS_ORDER,
        extra: Sequence[Text] = (),
    ) -> None:
        """``extra``: the job's own units after the total (e.g. records sharing a folder)."""
        self.update(Flow([*count_units(counts, active, keys), *extra]))
