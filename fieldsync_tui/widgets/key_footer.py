"""A footer that relabels one key in place (the ``A`` key shows how many rows it approves).

Textual's ``Footer`` recomposes every key whenever a binding changes, which costs tens of
milliseconds per keypress; relabelling the one ``FooterKey`` keeps ``y``/``n`` cheap.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported; relabel falls back if it moves


class KeyFooter(Footer):
    def relabel(self, key: str, description: str) -> bool:
        """Show ``description`` for ``key``; False when that key is not on display."""
        for item in self.query(FooterKey):
            if item.key == key:
                if item.description != description:
                    item.description = description
                    item.refresh(layout=True)
                return True
        return False
