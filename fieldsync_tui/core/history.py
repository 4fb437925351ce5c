"""Past runs as a table (``fieldsync history`` and the console's ``h``): one row per run with
its own outcome counts; plain text cells (the callers align or style them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from fieldsync_tui.core.journal import JournalRow, RunRecord
from fieldsync_tui.core.model import Outcome
from fieldsync_tui.text import safe

HISTORY_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.APPLIED,
    Outcome.TICKED,
    Outcome.FAILED,
    Outcome.PARTIAL,
    Outcome.STALE,
    Outcome.SKIPPED,
    Outcome.DRY_RUN,
)
HISTORY_HEADER: tuple[str, ...] = (
    "run",
    "started",
    "status",
    "job",
    "mode",
    *(o.value for o in HISTORY_OUTCOMES),
    "notes",
)
HISTORY_NUMERIC = frozenset(o.value for o in HISTORY_OUTCOMES)
UNFINISHED = frozenset({"interrupted", "running"})


def written_counts(rows: Iterable[JournalRow]) -> dict[str, int]:
    """Outcomes of the rows a run set out to write (an intent journalled): what an
    interrupted run did before it stopped."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.action is not None and row.outcome is not None:
            counts[row.outcome] = counts.get(row.outcome, 0) + 1
    return counts


def history_rows(
    runs: Sequence[RunRecord], rows_of: Callable[[str], Sequence[JournalRow]] | None = None
) -> list[tuple[str, ...]]:
    """One tuple of cells per run, in :data:`HISTORY_HEADER` order. An unfinished run has no
    stored counts: with ``rows_of`` its journalled rows say what it wrote."""
    out = []
    for run in runs:
        outcomes = run.counts.get("outcomes", {}) if isinstance(run.counts, dict) else {}
        notes = []
        if run.status in UNFINISHED and not outcomes and rows_of is not None:
            outcomes = written_counts(rows_of(run.id))
            notes.append("counts: rows written before it stopped")
        if run.dry_run:
            notes.append("dry run")
        if run.undo_of:
            notes.append(f"undo of {run.undo_of}")
        if run.unconfirmed:
            notes.append(f"{run.unconfirmed} not confirmed")
        if run.stopped_reason:
            notes.append(f"stopped: {safe(run.stopped_reason)}")
        cells = [safe(run.id), safe(run.started), safe(run.status), safe(run.job)]
        cells.append(safe(run.mode))
        cells += [str(outcomes.get(o.value, 0)) for o in HISTORY_OUTCOMES]
        out.append((*cells, "; ".join(notes)))
    return out
