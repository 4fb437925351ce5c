"""The data model of a files run (DESIGN.md §9). Plain dataclasses and enums, no I/O.

Everything loaded is untrusted text kept raw; the planner derives what it needs (normalised
names, sanitised destination names) and never changes the loaded values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from fieldsync_tui.core.model import Decision, DiffKind, FieldDiff, MatchKind, ReportStatus


class FileClass(StrEnum):
    """Class of a pending record, in DESIGN.md §9.3 table order (console keys 1–6)."""

    READY = "ready"
    IN_SYNC = "in_sync"
    OVERWRITE = "overwrite"
    DUPLICATE = "duplicate"
    UNMATCHED = "unmatched"
    NO_FILES = "no_files"


CLASS_ORDER: tuple[FileClass, ...] = tuple(FileClass)
"""Filter keys ``1``–``6`` map to this order."""

BULK_APPROVE = frozenset({FileClass.READY, FileClass.IN_SYNC, FileClass.NO_FILES})
"""Classes the console's bulk ``A`` approves (§9.3)."""

REVIEW_CLASSES = frozenset({FileClass.OVERWRITE, FileClass.DUPLICATE, FileClass.UNMATCHED})
"""Classes that need an operator (``--fail-on-review``): ``overwrite`` unless allowed,
``duplicate`` unless resolved, ``unmatched``. ``policy.is_review_row`` applies the options."""


def class_for_key(key: str) -> FileClass | None:
    """The class a filter key ``1``–``6`` stands for; ``None`` for any other key."""
    if len(key) == 1 and "1" <= key <= str(len(CLASS_ORDER)):
        return CLASS_ORDER[int(key) - 1]
    return None


class FileOutcome(StrEnum):
    """What happened to a loaded record in this run (§5, §9.3). Counts add up to rows loaded."""

    APPLIED = "applied"  # fields and files landed, A ticked
    TICKED = "ticked"  # in_sync: only the tick
    FOLDER_SET = "folder_set"  # no_files: A points at the folder, not ticked
    FAILED = "failed"
    STALE = "stale"  # A or the folder changed since the plan: nothing written
    PARTIAL = "partial"  # some files, or the tick, did not land
    SKIPPED = "skipped"  # review row or operator skip
    DRY_RUN = "dry_run"
    NOT_SELECTED = "not_selected"


class CopyOutcome(StrEnum):
    """The report's per-file ``outcome`` (§9.6)."""

    COPIED = "copied"
    ALREADY_THERE = "already_there"
    FAILED = "failed"
    SKIPPED = "skipped"
    DRY_RUN = "dry_run"


class FileStep(StrEnum):
    """Where in the §9.5 protocol a record's outcome was decided (the report's ``step``)."""

    RE_READ = "re_read"
    A_FIELDS = "a_fields"
    DOWNLOAD = "download"
    UPLOAD = "upload"
    A_TICK = "a_tick"


class SkipReason(StrEnum):
    """Why a file attachment is not copied although its record is applied."""

    TOO_LARGE = "too_large"  # larger than --max-file-mb
    OPERATOR = "operator"  # `n` on the file in the console (journalled)


class ThereBy(StrEnum):
    """How we know a file attachment is already in its folder (§9.2)."""

    JOURNAL = "journal"  # a confirmed upload of an earlier run; that file id is still there
    NAME_SIZE = "name_size"  # no journal evidence: same name (case-insensitive, NFC), same size


class AttachmentKind(StrEnum):
    FILE = "file"
    LINK = "link"  # a "Link URL" attachment: listed, never copied


class FilesDecisionKind(StrEnum):
    """Operator decisions of this job that the journal keeps and later runs honour (§9.3)."""

    APPROVE = "approve"  # session only, like the field sync
    SKIP = "skip"  # the whole record
    PICK_DUPLICATE = "pick_duplicate"  # folder_id = the chosen candidate
    MANUAL_MATCH = "manual_match"  # folder_id = the near-name folder chosen for an unmatched row
    SKIP_FILE = "skip_file"  # attachment_id = the file not to copy
    COPY_FILE = "copy_file"  # attachment_id = a file skipped earlier, to copy after all


@dataclass(frozen=True, slots=True)
class FilesFieldMap:
    """API names of the Org A fields this job reads and writes (DESIGN.md §2, §9.1)."""

    module: str = "Contacts"
    name: str = "Name"
    url: str = "WorkDrive_URL"
    folder_id: str = "WorkDrive_Folder_ID"
    files_checkbox: str = "Files_Transferred"
    fields_checkbox: str = "Transfer_Complete"

    @property
    def shared_checkbox(self) -> bool:
        """The operator named the field sync's checkbox as this job's (allowed, §9.1)."""
        return self.files_checkbox == self.fields_checkbox

    def a_fields(self) -> list[str]:
        return list(
            dict.fromkeys(
                [self.name, self.url, self.folder_id, self.files_checkbox, self.fields_checkbox]
            )
        )


@dataclass(frozen=True, slots=True)
class WorkDriveFolder:
    """A direct sub-folder of ``ORG_B_TEAM_FOLDER_ID`` as listed (trashed ones never get here)."""

    id: str
    name: str  # the ``name`` attribute, never the display fields
    permalink: str  # as WorkDrive returns it: this is what A's URL field receives
    modified_time_ms: int | None = None  # ``modified_time_in_millisecond``; None = unknown


@dataclass(frozen=True, slots=True)
class FolderFile:
    """A file in a record's folder as listed (sub-folders and trashed items left out)."""

    resource_id: str
    name: str
    size: int | None  # ``storage_info.size_in_bytes``; None = not given (never matches a size)


@dataclass(frozen=True, slots=True)
class ARecord:
    """An Org A record as the files job loads it (raw values, untrusted text)."""

    id: str
    name: str | None
    url: str | None
    folder_id: str | None
    files_checkbox: bool = False  # CRM_FILES_CHECKBOX_FIELD_API_NAME
    fields_checkbox: bool = False  # the field sync's CRM_CHECKBOX_FIELD_API_NAME


@dataclass(frozen=True, slots=True)
class Attachment:
    """One CRM attachment of a record (``GET …/Attachments``)."""

    id: str
    file_name: str  # ``File_Name``: the file's name, or a link's title
    size: int | None  # ``Size`` (a string in the API; bytes); None = not given or unreadable
    kind: AttachmentKind = AttachmentKind.FILE
    link_url: str | None = None  # ``$link_url`` of a link attachment

    @property
    def bytes(self) -> int:
        """The size for totals: an unknown size counts 0."""
        return self.size or 0


@dataclass(frozen=True, slots=True)
class FilesDecision:
    """A journalled console decision (see ``FilesDecisionKind``), honoured while unchanged."""

    a_id: str
    kind: FilesDecisionKind
    fingerprint: str
    folder_id: str | None = None  # PICK_DUPLICATE / MANUAL_MATCH
    attachment_id: str | None = None  # SKIP_FILE


@dataclass(frozen=True, slots=True)
class ConfirmedUpload:
    """Journal evidence: an upload of ``attachment_id`` into ``folder_id`` WorkDrive confirmed."""

    attachment_id: str
    folder_id: str
    resource_id: str
    dest_name: str
    run_id: str


@dataclass(frozen=True, slots=True)
class ReservedName:
    """Journal: a name planned for ``attachment_id`` in ``folder_id`` whose upload is not yet
    confirmed. Later runs reuse it for that attachment (§9.4)."""

    attachment_id: str
    folder_id: str
    dest_name: str
    run_id: str


@dataclass(frozen=True, slots=True)
class FilePlan:
    """One file attachment of a planned record: where it goes and whether it must travel."""

    attachment: Attachment
    dest_name: str  # sanitised, and renamed on a clash; for a file already there: its name
    clash: bool = False  # dest_name carries the clash pattern's time stamp
    reserved: bool = False  # dest_name is a name an earlier run journalled and never confirmed
    there_by: ThereBy | None = None  # already in the folder (and how we know), else None
    existing_id: str | None = None  # the WorkDrive id of the copy already there
    there_run_id: str | None = None  # the run that copied it (journal evidence only)
    settles_intent: bool = False  # that run's upload answer was lost: found by name and size
    skip: SkipReason | None = None

    @property
    def renamed(self) -> bool:
        """The destination name differs from the attachment's ``File_Name``."""
        return self.dest_name != self.attachment.file_name

    @property
    def to_copy(self) -> bool:
        """A download and an upload are needed."""
        return self.there_by is None and self.skip is None


@dataclass(slots=True)
class FileResult:
    """What the write protocol did with one file attachment (the report's ``files[]``)."""

    outcome: CopyOutcome
    reason: str | None = None  # e.g. too_large, operator, or why it failed
    resource_id: str | None = None  # the WorkDrive id of the copy
    dest_name: str | None = None  # the name it landed under (WorkDrive's ``FileName``)
    code: str | None = None  # Zoho / WorkDrive code of a failure
    message: str = ""


@dataclass(slots=True)
class FileRow:
    """One pending Org A record, classified, with its proposed writes and (later) its outcome."""

    a: ARecord
    norm_name: str
    klass: FileClass
    reason: str  # one human sentence: why this class
    folder_id: str | None = None  # the target folder (None unless exactly one is chosen)
    folder_candidates: tuple[str, ...] = ()  # every folder id with this normalised name
    match: MatchKind | None = None
    match_note: str = ""  # how the folder was chosen when not by a single match
    diffs: tuple[FieldDiff, ...] = ()  # A's URL and folder id: old → new
    untick_fields_checkbox: bool = False  # the field write changes values on a ticked record
    files_loaded: bool = False  # attachments listed (only selected records with one folder)
    files: tuple[FilePlan, ...] = ()  # file attachments, in the order listed
    links: tuple[Attachment, ...] = ()  # link attachments: reported, never copied
    shares_folder_with: tuple[str, ...] = ()  # other pending A ids with the same folder
    selected: bool = True  # chosen by --record-id/--limit for this run
    decision: Decision = Decision.NONE
    outcome: FileOutcome | None = None
    step: FileStep | None = None
    code: str | None = None
    message: str = ""
    fingerprint: str = ""  # what a row skip is bound to (see classify.plan_fingerprint)
    match_fingerprint: str = ""  # what a folder pick is bound to (classify.match_fingerprint)
    operator_decision: FilesDecisionKind | None = None
    file_results: dict[str, FileResult] = field(default_factory=dict)  # by attachment id

    @property
    def field_changes(self) -> dict[str, str | None]:
        """API name → new value of every A field this record's write changes."""
        return {d.api_name: d.new for d in self.diffs if d.kind is not DiffKind.SAME}

    @property
    def files_to_copy(self) -> tuple[FilePlan, ...]:
        return tuple(f for f in self.files if f.to_copy)

    @property
    def bytes_to_copy(self) -> int:
        return sum(f.attachment.bytes for f in self.files_to_copy)


@dataclass(slots=True)
class FilesPlan:
    """Every loaded pending record of a files run, in ascending A id order, and its folders."""

    rows: list[FileRow]
    folders: Mapping[str, WorkDriveFolder] = field(default_factory=dict)
    report_only: dict[str, ReportStatus] = field(default_factory=dict)  # --record-id extras
    report_names: dict[str, str | None] = field(default_factory=dict)  # their raw names
    listing_sizes: dict[str, int] = field(default_factory=dict)  # folder id → files listed

    def by_a_id(self) -> dict[str, FileRow]:
        return {r.a.id: r for r in self.rows}

    def class_counts(self) -> dict[FileClass, int]:
        counts = dict.fromkeys(FileClass, 0)
        for r in self.rows:
            counts[r.klass] += 1
        return counts

    def shared_folders(self) -> dict[str, list[str]]:
        """Folder id → the pending A ids sharing it (only folders with two or more)."""
        users: dict[str, list[str]] = {}
        for r in self.rows:
            if r.folder_id is not None:
                users.setdefault(r.folder_id, []).append(r.a.id)
        return {f: ids for f, ids in users.items() if len(ids) > 1}
