"""Destination names in a WorkDrive folder (DESIGN.md §9.4). Pure functions.

An attachment's ``File_Name`` is made acceptable to WorkDrive first (``sanitise``). If the
folder holds a file of that name (case-insensitive, after NFC) that is not this attachment's
copy, the seed's clash pattern ``stem_YYYYMMDD_HHMMSS.ext`` (the plan's time, UTC) is used,
then ``_2``, ``_3``… until free. Names are planned for the whole folder at once
(``plan_folder``), so attachments named alike — of one record or of several records sharing
the folder — never collide; a name an earlier run journalled for an attachment and never
confirmed is reused for it, never planned around.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from fieldsync_tui.files.model import Attachment, FilePlan, FolderFile, SkipReason
from fieldsync_tui.files.presence import NO_EVIDENCE, JournalEvidence, find_copies, name_key

MAX_NAME = 250
"""Longest destination name, in characters (§9.4)."""
MAX_EXTENSION = 16
"""A suffix from the last dot counts as the extension only up to this length (dot included)."""
FORBIDDEN = frozenset('/\\:*?"<>|')
REPLACEMENT = "_"
_UNACCEPTABLE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f-\x9f]')
"""``FORBIDDEN`` and the control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F)."""
EMPTY_NAME = "attachment"
"""The name of a file whose ``File_Name`` is nothing but dots, spaces or nothing at all."""


def sanitise(file_name: str) -> str:
    """``file_name`` made acceptable to WorkDrive (§9.4).

    ``/ \\ : * ? " < > |`` and control characters become ``_``; trailing dots and spaces are
    removed; the result is cut to ``MAX_NAME`` characters keeping the extension. A name left
    empty becomes ``EMPTY_NAME``.
    """
    text = _UNACCEPTABLE.sub(REPLACEMENT, file_name).rstrip(". ")
    if not text:
        return EMPTY_NAME
    return _fit(text, "")


def split_extension(name: str) -> tuple[str, str]:
    """``(stem, ".ext")``; the extension is empty when there is no dot after the first
    character or the suffix is longer than ``MAX_EXTENSION`` or holds a space."""
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    ext = name[dot:]
    if len(ext) > MAX_EXTENSION or len(ext) < 2 or " " in ext:
        return name, ""
    return name[:dot], ext


def _fit(name: str, suffix: str) -> str:
    """``stem + suffix + ext`` within ``MAX_NAME`` characters, cutting the stem only."""
    stem, ext = split_extension(name)
    room = MAX_NAME - len(ext) - len(suffix)
    if len(stem) <= room:
        return stem + suffix + ext
    cut = stem[:room]
    if not ext and not suffix:
        cut = cut.rstrip(". ") or EMPTY_NAME
    return cut + suffix + ext


def clash_stamp(planned_at: datetime) -> str:
    """The clash pattern's time: the plan's time in UTC as ``YYYYMMDD_HHMMSS``."""
    if planned_at.tzinfo is None:
        raise ValueError("the plan time must be timezone-aware (UTC)")
    return planned_at.astimezone(UTC).strftime("%Y%m%d_%H%M%S")


def clash_name(base: str, stamp: str, n: int = 1) -> str:
    """``stem_STAMP.ext`` (``n`` = 1) or ``stem_STAMP_n.ext``, within ``MAX_NAME``."""
    suffix = f"_{stamp}" if n <= 1 else f"_{stamp}_{n}"
    return _fit(base, suffix)


def free_name(base: str, taken: set[str], stamp: str) -> tuple[str, bool]:
    """``(name, clash)``: ``base`` if its key is not in ``taken``, else the first free clash
    name. ``taken`` holds ``name_key`` values; it is not changed."""
    name, clash, _ = _next_free(base, taken, stamp, 1)
    return name, clash


@dataclass(frozen=True, slots=True)
class Placement:
    """A file attachment to place in a folder, and whether it is skipped."""

    attachment: Attachment
    skip: SkipReason | None = None


def plan_folder(
    folder_id: str,
    listing: Sequence[FolderFile],
    placements: Sequence[Placement],
    planned_at: datetime,
    evidence: JournalEvidence = NO_EVIDENCE,
) -> dict[str, FilePlan]:
    """Attachment id → its plan, for every placement of one folder at once.

    ``placements`` are the folder's file attachments of every planned record, in the order
    names are handed out (ascending A id, then as listed). Order of business: copies already
    there (journal evidence, then name and size) keep their file's name; reserved names are
    given back to their attachments (unless that name is known to be another attachment's
    copy); the other files to copy get their sanitised name or the clash pattern; skipped
    files are named last, so a skip never pushes another file to a clash name.
    """
    stamp = clash_stamp(planned_at)
    reserved = {
        p.attachment.id: r.dest_name
        for p in placements
        if (r := evidence.reserved(folder_id, p.attachment.id)) is not None
    }
    atts = {p.attachment.id: p.attachment for p in placements}
    sanitised = {a.id: sanitise(a.file_name) for a in atts.values()}
    also = {**sanitised, **reserved}
    copies = find_copies(folder_id, listing, list(atts.values()), evidence, also_named=also)
    plans: dict[str, FilePlan] = {
        att_id: FilePlan(
            atts[att_id],
            copy.file.name,
            there_by=copy.by,
            existing_id=copy.file.resource_id,
            there_run_id=copy.run_id,
            settles_intent=copy.settles_intent,
        )
        for att_id, copy in copies.items()
    }
    taken = {name_key(f.name) for f in listing}
    blocked = {name_key(p.dest_name) for p in plans.values()}  # other attachments' copies
    rest = [p for p in placements if p.attachment.id not in plans]
    to_copy = [p for p in rest if p.skip is None]
    for p in to_copy:  # reserved names first: the others never take them
        name = reserved.get(p.attachment.id)
        if name is not None and name_key(name) not in blocked:
            plans[p.attachment.id] = FilePlan(p.attachment, name, reserved=True)
            taken.add(name_key(name))
            blocked.add(name_key(name))
    counters: dict[str, int] = {}  # base name → last clash number tried (many alike stay fast)
    for p in to_copy + [p for p in rest if p.skip is not None]:
        if p.attachment.id not in plans:
            base = sanitised[p.attachment.id]
            name, clash, counters[base] = _next_free(base, taken, stamp, counters.get(base, 1))
            plans[p.attachment.id] = FilePlan(p.attachment, name, clash=clash, skip=p.skip)
            taken.add(name_key(name))
    return plans


def _next_free(base: str, taken: set[str], stamp: str, start: int) -> tuple[str, bool, int]:
    if name_key(base) not in taken:
        return base, False, start
    n = start
    while name_key(candidate := clash_name(base, stamp, n)) in taken:
        n += 1
    return candidate, True, n


def replan(file: FilePlan, taken_names: Iterable[str], planned_at: datetime) -> FilePlan:
    """The plan of a file whose planned name was taken since (§9.5 steps 2 and 4).

    ``taken_names`` are the names now in use in the folder: its fresh listing plus every
    other name this run planned or uploaded there. The planned name itself counts as taken.
    The new name follows the clash pattern from the sanitised ``File_Name`` with the plan's
    original time; it is no longer a reserved name (journal it as the new reservation).
    """
    taken = {name_key(n) for n in taken_names}
    taken.add(name_key(file.dest_name))
    base = sanitise(file.attachment.file_name)
    name, _ = free_name(base, taken, clash_stamp(planned_at))
    return replace(file, dest_name=name, clash=name != base, reserved=False)
