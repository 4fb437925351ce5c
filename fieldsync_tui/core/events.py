"""Events the apply engine emits, and the summary of a run.

Plain dataclasses: the console coalesces them, ``--auto`` prints them. Text in
:class:`LogLine` is already made safe (``text.safe``) — render it as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.core.model import (
    REVIEW_CLASSES,
    Outcome,
    PlannedRow,
    ReportStatus,
    RowClass,
)


@dataclass(slots=True)
class RunSummary:
    """What a run did. Class and outcome counts each add up to the rows loaded."""

    run_id: str
    dry_run: bool
    class_counts: dict[RowClass, int]
    outcome_counts: dict[Outcome, int]
    report_only: dict[str, ReportStatus]
    rows: list[PlannedRow]
    stopped_reason: str | None = None
    mode: str = "auto"
    report_names: dict[str, str | None] = field(default_factory=dict)  # report-only rows' names
    reads: dict[str, str] = field(default_factory=dict)  # "org_a" → road of its load (§4)

    @property
    def exit_code(self) -> int:
        """DESIGN §3: 1 when a row failed/partial or the run stopped on a fatal error."""
        bad = self.outcome_counts.get(Outcome.FAILED, 0) + self.outcome_counts.get(
            Outcome.PARTIAL, 0
        )
        return 1 if bad or self.stopped_reason else 0

    def review_rows(self) -> int:
        """Selected review-class rows left unwritten (``--fail-on-review``)."""
        return sum(
            1
            for r in self.rows
            if r.klass in REVIEW_CLASSES and r.selected and r.outcome in (Outcome.SKIPPED, None)
        )


def count_outcomes(rows: list[PlannedRow]) -> dict[Outcome, int]:
    counts = dict.fromkeys(Outcome, 0)
    for r in rows:
        if r.outcome is not None:
            counts[r.outcome] += 1
    return counts


def count_classes(rows: list[PlannedRow]) -> dict[RowClass, int]:
    counts = dict.fromkeys(RowClass, 0)
    for r in rows:
        counts[r.klass] += 1
    return counts


@dataclass(slots=True)
class RunStarted:
    run_id: str
    total: int
    dry_run: bool


@dataclass(slots=True)
class BatchStarted:
    run_id: str
    index: int
    size: int


@dataclass(slots=True)
class RowsChanged:
    """Rows whose outcome/step/code/message changed (the same objects as in the plan; the
    files job's ``FileRow`` objects in its runs)."""

    rows: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class Progress:
    """Emitted as each batch settles: items (rows, or a job's records) done of the total;
    a job that moves bytes (the files job) also counts them."""

    done: int
    total: int
    rows_per_second: float
    eta_seconds: float | None
    bytes_done: int | None = None
    bytes_total: int | None = None


@dataclass(slots=True)
class PauseChanged:
    """Pause or resume took effect (emitted at once; batches in flight still finish)."""

    paused: bool


@dataclass(slots=True)
class LogLine:
    level: int
    text: str


@dataclass(slots=True)
class RunFinished:
    summary: RunSummary


EngineEvent = (
    RunStarted | BatchStarted | RowsChanged | Progress | PauseChanged | LogLine | RunFinished
)
