"""A footer that keeps the keys that matter in view and relabels one key in place.

- ``pinned`` keys (apply, help, quit) are docked at the right, so a narrow terminal drops
  the less important keys in the middle, never those;
- ``relabel`` changes one key's text (the ``A`` key shows how many rows it approves):
  Textual's ``Footer`` recomposes every key whenever a binding changes, which costs tens of
  milliseconds per keypress; relabelling the one ``FooterKey`` keeps ``y``/``n`` cheap.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported; relabel falls back if it moves


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter #pinned-keys {
        dock: right;
        width: auto;
        height: 1;
        background: $footer-background;
    }
    """

    def __init__(self, pinned: Iterable[str] = (), *, id: str | None = None) -> None:
        super().__init__(id=id, show_command_palette=False)
        self.pinned = tuple(pinned)

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        rank = {key: i for i, key in enumerate(self.pinned)}
        pinned = sorted((k for k in keys if _key(k) in rank), key=lambda k: rank[_key(k)])
        yield from (k for k in keys if _key(k) not in rank)
        if pinned:
            yield HorizontalGroup(*pinned, id="pinned-keys")

    def relabel(self, key: str, description: str) -> bool:
        """Show ``description`` for ``key``; False when that key is not on display."""
        for item in self.query(FooterKey):
            if item.key == key:
                if item.description != description:
                    item.description = description
                    item.refresh(layout=True)
                return True
        return False


def _key(widget: object) -> str:
    return widget.key if isinstance(widget, FooterKey) else ""
