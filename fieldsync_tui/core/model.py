"""The data model of a sync run (DESIGN.md §4–§6). Plain dataclasses and enums, no I/O.

Shared by the planner, the apply engine, the journal, the report, ``--auto`` and the console.
Helpers may add fields; renaming or removing one is a contract change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RowClass(StrEnum):
    """Class of a pending row, in DESIGN.md §5 table order (console keys 1–7)."""

    READY = "ready"
    IN_SYNC = "in_sync"
    OVERWRITE = "overwrite"
    DUPLICATE = "duplicate"
    UNMATCHED = "unmatched"
    CONFLICT = "conflict"
    INVALID = "invalid"


CLASS_ORDER: tuple[RowClass, ...] = tuple(RowClass)
"""Filter keys ``1``–``7`` map to this order."""

REVIEW_CLASSES = frozenset(
    {
        RowClass.OVERWRITE,
        RowClass.DUPLICATE,
        RowClass.UNMATCHED,
        RowClass.CONFLICT,
        RowClass.INVALID,
    }
)


class Outcome(StrEnum):
    """What happened to a loaded row in this run (DESIGN.md §5). Counts add up to rows loaded."""

    APPLIED = "applied"  # B written and A ticked
    TICKED = "ticked"  # in_sync: only A ticked
    FAILED = "failed"
    STALE = "stale"  # changed since the plan: neither written nor ticked
    PARTIAL = "partial"  # B written, A tick failed
    SKIPPED = "skipped"  # review row or operator skip
    DRY_RUN = "dry_run"
    NOT_SELECTED = "not_selected"


class ReportStatus(StrEnum):
    """Report-only statuses for ``--record-id`` values that are not pending rows."""

    ALREADY_DONE = "already_done"
    NOT_FOUND = "not_found"
    NO_NAME = "no_name"


class Decision(StrEnum):
    """The report's ``decision`` column."""

    AUTO = "auto"  # --auto chose to apply it by the rules of §5
    APPROVED = "approved"  # an operator approved it in the console
    SKIPPED = "skipped"  # an operator skipped it
    NONE = "none"


class Step(StrEnum):
    """Where in the write protocol (§6) a row's outcome was decided."""

    RE_READ = "re_read"
    B_WRITE = "b_write"
    A_TICK = "a_tick"


STEP_WORDS: dict[Step, str] = {
    Step.RE_READ: "re-reading both records",
    Step.B_WRITE: "writing Org B",
    Step.A_TICK: "ticking Org A",
}
"""Where in the write protocol a row's outcome was decided, in the operator's words."""


class MatchKind(StrEnum):
    EXACT = "exact"  # raw names equal
    NORMALISED = "normalised"  # equal only after normalisation
    MANUAL = "manual"  # chosen by an operator for an unmatched row (names differ)


class DiffKind(StrEnum):
    FILL = "fill"  # B empty, A has a value
    SAME = "same"  # equal after trimming
    OVERWRITE = "overwrite"  # B has a different non-empty value


class DecisionKind(StrEnum):
    """Operator decisions the journal keeps and later runs honour (§5)."""

    APPROVE = "approve"
    SKIP = "skip"
    PICK_DUPLICATE = "pick_duplicate"  # target_b_id = the chosen candidate
    MANUAL_MATCH = "manual_match"  # target_b_id = the chosen near-name record
    CONFLICT_WINNER = "conflict_winner"  # this A row wins its B record


@dataclass(frozen=True, slots=True)
class OperatorDecision:
    """One journalled console decision (``DecisionKind``) on an A row, honoured by later plans
    while the row's fingerprint is unchanged; decisions taken together share a batch (one
    ``u`` undoes it). The journal stores and returns this type; classify reads it."""

    a_id: str
    kind: DecisionKind
    target_b_id: str | None
    fingerprint: str
    batch_id: int = 0


@dataclass(frozen=True, slots=True)
class FieldMap:
    """API names of the fields we read and write (DESIGN.md §2)."""

    module: str = "Contacts"
    name: str = "Name"
    url: str = "WorkDrive_URL"
    folder_id: str = "WorkDrive_Folder_ID"
    checkbox: str = "Transfer_Complete"
    updated_from: str | None = "Record_Updated_From"  # None = never written
    updated_from_value: str | None = None  # None = the Org A record id

    def a_fields(self) -> list[str]:
        return [self.name, self.url, self.folder_id, self.checkbox]

    def b_fields(self) -> list[str]:
        out = [self.name, self.url, self.folder_id]
        if self.updated_from:
            out.append(self.updated_from)
        return [*out, "Modified_Time"]


@dataclass(frozen=True, slots=True)
class ARecord:
    """An Org A record as loaded (raw values, untrusted text)."""

    id: str
    name: str | None
    url: str | None
    folder_id: str | None
    checkbox: bool = False


@dataclass(frozen=True, slots=True)
class BRecord:
    """An Org B record as loaded (raw values, untrusted text)."""

    id: str
    name: str | None
    url: str | None
    folder_id: str | None
    updated_from: str | None = None
    modified_time: str | None = None


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One copied field of a plan: B's current value → the value we would write."""

    api_name: str
    old: str | None  # B's value as loaded (None/"" = empty)
    new: str | None  # A's trimmed value
    kind: DiffKind


@dataclass(slots=True)
class PlannedRow:
    """One pending Org A row, classified, with its proposed write and (later) its outcome."""

    a: ARecord
    norm_name: str
    klass: RowClass
    reason: str  # one human sentence: why this class
    b_id: str | None = None  # the target B record (None unless exactly one is chosen)
    b_candidates: tuple[str, ...] = ()  # every B id with this normalised name
    match: MatchKind | None = None
    diffs: tuple[FieldDiff, ...] = ()  # URL and folder id; updated-from is not a diff
    conflict_with: tuple[str, ...] = ()  # other A ids resolving to the same B record
    selected: bool = True  # chosen by --record-id/--limit for this run
    decision: Decision = Decision.NONE
    outcome: Outcome | None = None  # None = not yet decided in this run
    step: Step | None = None
    code: str | None = None  # Zoho code of a failure
    message: str = ""
    fingerprint: str = ""  # plan_fingerprint() of the row before operator decisions (§5)
    operator_decision: DecisionKind | None = None  # the journalled decision honoured here

    @property
    def new_values(self) -> dict[str, str | None]:
        return {d.api_name: d.new for d in self.diffs}

    @property
    def old_values(self) -> dict[str, str | None]:
        return {d.api_name: d.old for d in self.diffs}


@dataclass(slots=True)
class Plan:
    """Every loaded pending row of a run, in ascending A id order, plus the B index used."""

    rows: list[PlannedRow]
    b_records: dict[str, BRecord] = field(default_factory=dict)
    report_only: dict[str, ReportStatus] = field(default_factory=dict)  # --record-id extras
    report_names: dict[str, str | None] = field(default_factory=dict)  # their raw names

    def by_a_id(self) -> dict[str, PlannedRow]:
        return {r.a.id: r for r in self.rows}

    def class_counts(self) -> dict[RowClass, int]:
        counts = dict.fromkeys(RowClass, 0)
        for r in self.rows:
            counts[r.klass] += 1
        return counts
