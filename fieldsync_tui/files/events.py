"""What a files run tells its listeners (the console, ``--auto``), and its summary.

The core's generic events (``RunStarted``, ``BatchStarted``, ``Progress`` — files done of
files total, with bytes — ``PauseChanged``, ``LogLine``) plus the files job's own: records
whose outcome changed, one file settled, and the run's end with its :class:`FilesSummary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldsync_tui.core.events import BatchStarted, LogLine, PauseChanged, Progress, RunStarted
from fieldsync_tui.core.model import ReportStatus
from fieldsync_tui.files.model import FileClass, FileOutcome, FileResult, FileRow
from fieldsync_tui.files.policy import AutoOptions, is_review_row
from fieldsync_tui.files.projection import Projection
from fieldsync_tui.files.report import totals


@dataclass(slots=True)
class FilesSummary:
    """What a files run did. Class and outcome counts each add up to the records loaded."""

    run_id: str
    dry_run: bool
    rows: list[FileRow]
    report_only: dict[str, ReportStatus] = field(default_factory=dict)
    report_names: dict[str, str | None] = field(default_factory=dict)
    stopped_reason: str | None = None
    projection: Projection | None = None  # what the apply was projected to cost
    options: AutoOptions = field(default_factory=AutoOptions)

    @property
    def class_counts(self) -> dict[FileClass, int]:
        counts = dict.fromkeys(FileClass, 0)
        for r in self.rows:
            counts[r.klass] += 1
        return counts

    @property
    def outcome_counts(self) -> dict[FileOutcome, int]:
        counts = dict.fromkeys(FileOutcome, 0)
        for r in self.rows:
            if r.outcome is not None:
                counts[r.outcome] += 1
        return counts

    @property
    def totals(self) -> dict[str, int]:
        return totals(self.rows)

    @property
    def exit_code(self) -> int:
        """DESIGN §3: 1 when a record failed / partial or the run stopped."""
        counts = self.outcome_counts
        bad = counts[FileOutcome.FAILED] + counts[FileOutcome.PARTIAL]
        return 1 if bad or self.stopped_reason else 0

    def review_rows(self) -> int:
        return sum(
            1
            for r in self.rows
            if is_review_row(r, self.options) and r.outcome in (FileOutcome.SKIPPED, None)
        )


@dataclass(slots=True)
class FileRowsChanged:
    """Records whose outcome / step / message changed (the session's own row objects)."""

    rows: list[FileRow]


@dataclass(slots=True)
class FileSettled:
    """One file attachment settled (copied, failed …)."""

    a_id: str
    attachment_id: str
    result: FileResult


@dataclass(slots=True)
class FilesRunFinished:
    summary: FilesSummary


FilesEvent = (
    RunStarted
    | BatchStarted
    | Progress
    | PauseChanged
    | LogLine
    | FileRowsChanged
    | FileSettled
    | FilesRunFinished
)
