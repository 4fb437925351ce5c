"""What a files run does with each record: §9.3's ``--auto`` column, review rows, outcomes.

``--on-duplicate newest`` is applied when matching (``match.MatchOptions``): such a record
is classified against the newest folder like a single match, so it reaches this module as
``ready`` / ``in_sync`` / ``overwrite`` / ``no_files``, never as ``duplicate``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fieldsync_tui.core.model import Decision, DiffKind
from fieldsync_tui.files.model import REVIEW_CLASSES, FileClass, FileOutcome, FileRow


class Action(StrEnum):
    """What the write protocol does with a record."""

    APPLY = "apply"  # A's fields where they change, the files, then the tick
    TICK = "tick"  # in_sync: only the tick
    SET_FOLDER = "set_folder"  # no_files: A's fields only, not ticked (outcome folder_set)
    SET_FOLDER_AND_TICK = "set_folder_and_tick"  # no_files with --tick-empty
    SKIP = "skip"


TICKING = frozenset({Action.APPLY, Action.TICK, Action.SET_FOLDER_AND_TICK})


@dataclass(frozen=True)
class AutoOptions:
    allow_overwrite: bool = False  # --allow-overwrite
    tick_empty: bool = False  # --tick-empty


def auto_action(row: FileRow, options: AutoOptions) -> Action:
    """§9.3's ``--auto`` column for one record (an operator skip and not being selected
    win; a record whose attachments were not listed is never applied)."""
    if not row.selected or row.decision is Decision.SKIPPED:
        return Action.SKIP
    if row.klass is FileClass.OVERWRITE and not options.allow_overwrite:
        return Action.SKIP
    return class_action(row, options.tick_empty)


def auto_actions(rows: Iterable[FileRow], options: AutoOptions) -> dict[str, Action]:
    """A id → ``auto_action`` for every row."""
    return {r.a.id: auto_action(r, options) for r in rows}


def class_action(row: FileRow, tick_empty: bool) -> Action:
    """The action a record's class calls for once it is approved (by ``--auto``'s rules or
    by an operator in the console)."""
    if row.folder_id is None or not row.files_loaded:
        return Action.SKIP  # unmatched, duplicate, or attachments never listed
    if row.klass in (FileClass.READY, FileClass.OVERWRITE):
        return Action.APPLY
    if row.klass is FileClass.IN_SYNC:
        return Action.TICK
    if row.klass is FileClass.NO_FILES:
        return Action.SET_FOLDER_AND_TICK if tick_empty else Action.SET_FOLDER
    return Action.SKIP


def needs_field_write(row: FileRow) -> bool:
    """A's URL or folder id changes (then also the field-sync checkbox, if flagged)."""
    return any(d.kind is not DiffKind.SAME for d in row.diffs)


def needs_tick(row: FileRow, action: Action) -> bool:
    """The action ends with a tick that is not already there (``--include-ticked``)."""
    return action in TICKING and not row.a.files_checkbox


def success_outcome(row: FileRow, action: Action) -> FileOutcome:
    """The outcome of a record whose every step landed."""
    if action is Action.SKIP:
        return FileOutcome.SKIPPED
    if action is Action.SET_FOLDER:
        return FileOutcome.FOLDER_SET
    if action is Action.TICK:
        return FileOutcome.TICKED
    if action is Action.SET_FOLDER_AND_TICK and not needs_field_write(row):
        return FileOutcome.TICKED
    return FileOutcome.APPLIED


def is_review_row(row: FileRow, options: AutoOptions) -> bool:
    """A selected record ``--auto`` leaves for an operator: ``unmatched``, an unresolved
    ``duplicate``, ``overwrite`` unless allowed. An operator-skipped review row still
    counts (mirrors the field sync); other skipped rows do not."""
    if not row.selected or row.klass not in REVIEW_CLASSES:
        return False
    return (
        row.klass is not FileClass.OVERWRITE
        or not options.allow_overwrite
        or (row.decision is Decision.SKIPPED)
    )


def review_rows(rows: Iterable[FileRow], options: AutoOptions) -> int:
    return sum(1 for r in rows if is_review_row(r, options))
