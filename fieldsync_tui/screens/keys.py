"""The review screen's keys (DESIGN.md §7): footer, help screen and command palette share them.

Each binding has a short label (footer) and a tooltip that says what it does (palette, help).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from textual.binding import Binding

from fieldsync_tui.core.model import CLASS_ORDER

PINNED_KEYS = ("x", "question_mark", "q")
"""Always in the footer, whatever the width (docked at its right end)."""

REVIEW_BINDINGS: list[Binding] = [
    Binding(
        "y",
        "approve",
        "Approve",
        tooltip="Approve the row under the cursor for the next apply (x)",
        id="review.approve",
    ),
    Binding(
        "n",
        "skip",
        "Skip",
        tooltip="Skip the row: journalled, and later runs (--auto too) leave it alone",
        id="review.skip",
    ),
    Binding(
        "A",
        "approve_all",
        "Approve all",
        tooltip="Approve every undecided ready and in_sync row in the current filter",
        id="review.approve_all",
    ),
    Binding(
        "enter",
        "detail",
        "Detail",
        tooltip="Open the row: its full diff; pick a duplicate's B record, a near name, "
        "or a conflict's winning row (a pick also approves the row)",
        id="review.detail",
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        tooltip="Undo the last decision (a bulk approve, or a pick and its approval, is one)",
        id="review.undo",
    ),
    Binding(
        "slash",
        "search",
        "Search",
        key_display="/",
        tooltip="Show only names containing some text (escape clears the search)",
        id="review.search",
    ),
    Binding(
        "f",
        "cycle_outcome",
        "Outcome",
        tooltip="Filter by outcome: failed first, then the others in turn",
        id="review.outcome",
    ),
    Binding(
        "p",
        "pause",
        "Pause",
        tooltip="Pause or resume writing between batches",
        id="review.pause",
    ),
    *(
        Binding(
            str(i),
            f"filter_class({i})",
            f"Only {k.value}",
            show=False,
            tooltip=f"Show only {k.value} rows",
            id=f"review.class{i}",
        )
        for i, k in enumerate(CLASS_ORDER, start=1)
    ),
    Binding(
        "0",
        "reset_filters",
        "Show all",
        show=False,
        tooltip="Reset every filter: all classes, any outcome, no search, no chosen rows",
        id="review.class0",
    ),
    Binding(
        "escape",
        "clear_search",
        "Clear search",
        show=False,
        tooltip="Clear the name search and any chosen-rows filter",
        id="review.clear",
    ),
    Binding(
        "R",
        "retry",
        "Retry failed",
        show=False,
        tooltip="Retry the failed rows: re-read them in both orgs, re-plan and apply only those",
        id="review.retry",
    ),
    Binding(
        "e",
        "export",
        "Export CSV",
        show=False,
        tooltip="Export the rows of the current filter to CSV (FIELDSYNC_STATE_DIR/exports/)",
        id="review.export",
    ),
    Binding("h", "history", "History", tooltip="Past runs and their rows", id="review.history"),
    Binding(
        "r",
        "reload",
        "Reload",
        show=False,
        tooltip="Read both orgs again and re-plan (not while writing)",
        id="review.reload",
    ),
    Binding("l", "toggle_log", "Log", tooltip="Show or hide the log pane", id="review.log"),
    Binding(
        "x",
        "apply",
        "Apply",
        tooltip="Apply the approved rows: a dialog shows what will be written; y confirms",
        id="review.apply",
    ),
    Binding(
        "question_mark",
        "help",
        "Help",
        key_display="?",
        tooltip="Keys, classes and the review steps",
        id="review.help",
    ),
    Binding(
        "q",
        "quit",
        "Quit",
        tooltip="Quit (while writing it asks, and lets the batch in flight finish)",
        id="review.quit",
    ),
]


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key


def palette_entries(
    class_keys: Sequence[StrEnum] = CLASS_ORDER,
) -> list[tuple[str, str, str]]:
    """(title, what it does, action) for each review key, for the command palette; the class
    keys name the job's own classes (``class_keys``)."""
    out = []
    for b in REVIEW_BINDINGS:
        description, tooltip = b.description, b.tooltip or b.description
        if b.action.startswith("filter_class("):
            key = int(b.key)
            if key > len(class_keys):
                continue
            klass = class_keys[key - 1].value
            description, tooltip = f"Only {klass}", f"Show only {klass} rows"
        out.append((f"{description} ({key_label(b)})", tooltip, b.action))
    return out
