"""How the review screen fits the terminal: size classes for ``app.tcss`` and the log pane.

Below 100 columns the detail pane gives its room to the table (``enter`` shows the detail);
from 150 columns it widens so a 60-character URL stays on one line; below 110 columns the
log pane shrinks, and below 30 lines it starts hidden (``l`` shows it) so the table keeps
at least 12 rows at 80×24.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.geometry import Size

NARROW_BELOW = 100
WIDE_FROM = 150
CRAMPED_BELOW = 110
SHORT_BELOW = 30


@dataclass(frozen=True)
class Fit:
    narrow: bool  # no detail pane
    wide: bool  # a wider detail pane
    cramped: bool  # a smaller log pane
    short: bool  # the log pane hidden unless asked for

    @classmethod
    def of(cls, size: Size) -> Fit:
        return cls(
            narrow=size.width < NARROW_BELOW,
            wide=size.width >= WIDE_FROM,
            cramped=size.width < CRAMPED_BELOW,
            short=size.height < SHORT_BELOW,
        )

    def classes(self) -> dict[str, bool]:
        return {
            "-narrow": self.narrow,
            "-wide": self.wide,
            "-cramped": self.cramped,
            "-short": self.short,
        }


def log_visible(fit: Fit, choice: bool | None) -> bool:
    """The operator's ``l`` wins; without one, the log shows unless the terminal is short."""
    return (not fit.short) if choice is None else choice
