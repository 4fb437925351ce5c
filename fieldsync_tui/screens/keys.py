"""The review screen's keys (DESIGN.md §7): footer, help screen and command palette share them."""

from __future__ import annotations

from textual.binding import Binding

from fieldsync_tui.core.model import CLASS_ORDER

REVIEW_BINDINGS: list[Binding] = [
    Binding("y", "approve", "Approve", id="review.approve"),
    Binding("n", "skip", "Skip", id="review.skip"),
    Binding("u", "undo", "Undo", id="review.undo"),
    Binding("A", "approve_all", "Approve all", id="review.approve_all"),
    Binding("enter", "detail", "Detail", id="review.detail"),
    Binding("x", "apply", "Apply", id="review.apply"),
    Binding("p", "pause", "Pause/resume", id="review.pause"),
    Binding("slash", "search", "Search", key_display="/", id="review.search"),
    Binding("f", "cycle_outcome", "Outcome filter", id="review.outcome"),
    *(
        Binding(str(i), f"filter_class({i})", f"Only {k.value}", show=False, id=f"review.class{i}")
        for i, k in enumerate(CLASS_ORDER, start=1)
    ),
    Binding("0", "filter_class(0)", "All classes", show=False, id="review.class0"),
    Binding("R", "retry", "Retry failed", show=False, id="review.retry"),
    Binding("e", "export", "Export CSV", show=False, id="review.export"),
    Binding("h", "history", "History", id="review.history"),
    Binding("r", "reload", "Reload", show=False, id="review.reload"),
    Binding("l", "toggle_log", "Log", id="review.log"),
    Binding("question_mark", "help", "Help", key_display="?", id="review.help"),
    Binding("q", "quit", "Quit", id="review.quit"),
]


def help_keys() -> list[tuple[str, str]]:
    """(key, description) pairs for the help screen."""
    out = [(b.key_display or b.key, b.description) for b in REVIEW_BINDINGS]
    out += [
        ("up/down pgup/pgdn home/end", "Move in the table"),
        ("ctrl+p", "Command palette"),
    ]
    return out
