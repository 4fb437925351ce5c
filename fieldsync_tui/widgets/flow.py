"""Renderables that fit any width without breaking a token in the middle.

- :class:`Flow` lays out short units (``1 ready 1200``, ``A Org (eu)``) on as many lines as
  the width needs, never splitting a unit;
- :class:`Labelled` shows ``label value`` on one line when it fits, else the value on its own
  line below the label; a value longer than a whole line (a long URL) is broken after ``/``,
  ``?``, ``&``, ``=``, ``-`` or ``_`` where it can be, and mid-token only as a last resort.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text

BREAK_AFTER = "/?&=-_.,;"


class Flow:
    """Units separated by ``gap`` spaces, wrapped between units only."""

    def __init__(self, units: Sequence[Text], gap: int = 2) -> None:
        self.units = [u for u in units if u.cell_len]
        self.gap = gap

    def lines(self, width: int) -> list[Text]:
        lines: list[Text] = []
        line = Text(end="")
        for unit in self.units:
            if line.cell_len and line.cell_len + self.gap + unit.cell_len > width:
                lines.append(line)
                line = Text(end="")
            if line.cell_len:
                line.append(" " * self.gap)
            line.append_text(unit)
        lines.append(line)
        for text in lines:  # a single unit wider than the line is cut, never folded
            text.truncate(max(1, width), overflow="ellipsis")
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            yield from line.render(console)
            yield Segment.line()


def break_points(value: str, width: int) -> list[str]:
    """``value`` in pieces of at most ``width`` cells, cut after separators where possible."""
    pieces: list[str] = []
    rest = value
    while len(rest) > width:
        cut = max((rest.rfind(ch, 0, width) for ch in BREAK_AFTER), default=-1) + 1
        if cut <= width // 3:  # no separator late enough: cut at the width
            cut = width
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


class Labelled:
    """``label value``; the value on its own indented line(s) when the pair does not fit."""

    def __init__(self, label: str, value: str, style: str = "", label_style: str = "dim") -> None:
        self.label = label
        self.value = value
        self.style = style
        self.label_style = label_style

    def lines(self, width: int) -> list[Text]:
        width = max(width, 8)
        head = Text(self.label, style=self.label_style, end="")
        if head.cell_len + 1 + len(self.value) <= width:
            head.append(" ")
            head.append(self.value, style=self.style)
            return [head]
        indent = "  "
        pieces = break_points(self.value, width - len(indent))
        return [head, *(Text(indent + p, style=self.style, end="") for p in pieces)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            yield from line.render(console)
            yield Segment.line()


def units(*parts: Iterable[tuple[str, str]]) -> list[Text]:
    """Each argument is one unit made of (text, style) parts."""
    return [Text.assemble(*part, end="") for part in parts]
