""" "Points at" and "is there" (DESIGN.md §9.2). Pure functions over what was loaded.

A record **points at** a folder when its folder-id field equals the folder's id and its URL
field equals the folder's permalink or ends in ``/<folder id>`` (both trimmed).

A file attachment **is there** when the journal holds its confirmed upload into that folder
and that file still exists there (by WorkDrive id), or — with no such evidence, e.g. a folder
the old script filled — the folder holds a file of the same name (case-insensitive, after
NFC) and the same size. Each file in the folder vouches for at most one attachment, so two
attachments named alike are not both "there" on the strength of one file.

An upload whose answer was lost (a dropped connection, or a kill before the journal commit)
is found by ``lost_upload``: a file of its size named as planned or as WorkDrive renames on a
clash (the planned stem, a suffix of digits and separators — a time stamp or a counter — and
the planned extension), not claimed by another attachment. The protocol uses it while the
run goes on; the planner uses it for names an earlier run reserved and never confirmed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from fieldsync_tui.core.normalize import clean_value, id_key
from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    ConfirmedUpload,
    FolderFile,
    ReservedName,
    ThereBy,
    WorkDriveFolder,
)


def points_at(a: ARecord, folder: WorkDriveFolder) -> bool:
    """DESIGN §9.2: A's folder id is the folder's id and its URL is the folder's."""
    return folder_id_points_at(a.folder_id, folder) and url_points_at(a.url, folder)


def folder_id_points_at(value: str | None, folder: WorkDriveFolder) -> bool:
    return clean_value(value) == folder.id


def url_points_at(value: str | None, folder: WorkDriveFolder) -> bool:
    """The URL equals the folder's permalink or ends in ``/<folder id>``."""
    url = clean_value(value)
    if url is None:
        return False
    permalink = clean_value(folder.permalink)
    return url == permalink or url.endswith("/" + folder.id)


def name_key(name: str) -> str:
    """A file name as WorkDrive compares it (§9.2, §9.4): case-insensitive, after NFC."""
    if name.isascii():
        return name.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


_SUFFIX = re.compile(r"[\s_\-:.()\d]*\d[\s_\-:.()\d]*")
"""What WorkDrive may add to a name on a clash: digits and separators only, one digit at
least (``" 02-12-2026 09:01:02:123"``, ``"_20261202_090102"``, ``" (2)"``). Its exact
format is UNCONFIRMED (ZOHO_WORKDRIVE §5.8)."""


def renamed_form(name: str, planned: str) -> bool:
    """``name`` is ``planned`` renamed by WorkDrive on a clash: the planned stem, a suffix
    (``_SUFFIX``), then the planned extension (from the last dot, or none)."""
    key, want = name_key(name), name_key(planned)
    if len(key) <= len(want):
        return False
    dot = want.rfind(".")
    cuts = {len(want), dot} if dot > 0 else {len(want)}
    for cut in cuts:
        stem, ext = want[:cut], want[cut:]
        middle = key[len(stem) : len(key) - len(ext)]
        if key.startswith(stem) and key.endswith(ext) and _SUFFIX.fullmatch(middle):
            return True
    return False


def lost_upload(
    planned: str,
    size: int | None,
    files: Iterable[FolderFile],
    claimed: Collection[str] = (),
    *,
    renamed: bool = True,
) -> FolderFile | None:
    """The file an upload planned as ``planned`` became, if ``files`` hold it: our size, not
    ``claimed`` (another attachment's copy), named as planned — else (``renamed``) in one of
    WorkDrive's renamed forms. Lowest id first; an unknown size never matches."""
    if size is None:
        return None
    pool = sorted(
        (f for f in files if f.size == size and f.resource_id not in claimed),
        key=lambda f: id_key(f.resource_id),
    )
    want = name_key(planned)
    for f in pool:
        if name_key(f.name) == want:
            return f
    if renamed:
        for f in pool:
            if renamed_form(f.name, planned):
                return f
    return None


def unreadable_copy(planned: str, size: int | None, files: Iterable[FolderFile]) -> bool:
    """A file named as ``planned`` (or renamed from it) whose size cannot be read yet (none
    or 0 while ours is not): an earlier upload that may be ours and cannot be settled now
    (WorkDrive may show a new file's size late, ZOHO_WORKDRIVE §5.7)."""
    if not size:
        return False
    want = name_key(planned)
    return any(
        not f.size and (name_key(f.name) == want or renamed_form(f.name, planned)) for f in files
    )


class JournalEvidence:
    """What the journal knows about this job's files: confirmed uploads and reserved names,
    each by (folder id, attachment id). Built once per plan from the journal's rows."""

    __slots__ = ("_reserved", "_uploads")

    def __init__(
        self,
        uploads: Iterable[ConfirmedUpload] = (),
        reserved: Iterable[ReservedName] = (),
    ) -> None:
        self._uploads: dict[tuple[str, str], list[ConfirmedUpload]] = {}
        for u in uploads:
            self._uploads.setdefault((u.folder_id, u.attachment_id), []).append(u)
        self._reserved: dict[tuple[str, str], ReservedName] = {}
        for r in reserved:  # a later reservation of one attachment replaces an earlier one
            self._reserved[(r.folder_id, r.attachment_id)] = r

    def uploads(self, folder_id: str, attachment_id: str) -> list[ConfirmedUpload]:
        """Confirmed uploads of the attachment into the folder, oldest first."""
        return list(self._uploads.get((folder_id, attachment_id), ()))

    def reserved(self, folder_id: str, attachment_id: str) -> ReservedName | None:
        return self._reserved.get((folder_id, attachment_id))


NO_EVIDENCE = JournalEvidence()


@dataclass(frozen=True, slots=True)
class Copy:
    """An attachment's copy found in its folder."""

    file: FolderFile
    by: ThereBy
    run_id: str | None = None  # the run that uploaded it (journal evidence)
    settles_intent: bool = False  # found for an earlier run's unconfirmed upload intent


def find_copies(
    folder_id: str,
    listing: Sequence[FolderFile],
    attachments: Sequence[Attachment],
    evidence: JournalEvidence = NO_EVIDENCE,
    *,
    also_named: dict[str, str] | None = None,
) -> dict[str, Copy]:
    """Attachment id → its copy already in the folder, for the attachments that are there.

    In this order, each file vouching for one attachment at most: journal evidence (a
    confirmed upload whose file id is listed); an earlier run's unconfirmed intent whose
    planned name holds a file of the attachment's size (its answer was lost, e.g. a kill
    before the journal commit); name and size for the rest, in the order given; last, such
    an intent's name as WorkDrive renames it on a clash (``lost_upload``). ``also_named``
    (attachment id → another name, e.g. the sanitised name) widens the name match; the
    attachment's own ``File_Name`` always counts.
    """
    by_id = {f.resource_id: f for f in listing}
    claimed: set[str] = set()
    found: dict[str, Copy] = {}
    for att in attachments:
        for upload in reversed(evidence.uploads(folder_id, att.id)):
            file = by_id.get(upload.resource_id)
            if file is not None and file.resource_id not in claimed:
                found[att.id] = Copy(file, ThereBy.JOURNAL, upload.run_id)
                claimed.add(file.resource_id)
                break
    _settle_intents(folder_id, listing, attachments, evidence, found, claimed, renamed=False)
    by_name = _files_by_name(listing)
    extra = also_named or {}
    for att in attachments:
        if att.id in found:
            continue
        keys = dict.fromkeys(name_key(n) for n in (att.file_name, extra.get(att.id)) if n)
        file = _first_unclaimed(by_name, keys, att.size, claimed)
        if file is not None:
            found[att.id] = Copy(file, ThereBy.NAME_SIZE)
            claimed.add(file.resource_id)
    _settle_intents(folder_id, listing, attachments, evidence, found, claimed, renamed=True)
    return found


def _settle_intents(
    folder_id: str,
    listing: Sequence[FolderFile],
    attachments: Sequence[Attachment],
    evidence: JournalEvidence,
    found: dict[str, Copy],
    claimed: set[str],
    *,
    renamed: bool,
) -> None:
    for att in attachments:
        intent = evidence.reserved(folder_id, att.id)
        if att.id in found or intent is None:
            continue
        file = lost_upload(intent.dest_name, att.size, listing, claimed, renamed=renamed)
        if file is not None:
            found[att.id] = Copy(file, ThereBy.JOURNAL, intent.run_id, settles_intent=True)
            claimed.add(file.resource_id)


def _files_by_name(listing: Sequence[FolderFile]) -> dict[str, list[FolderFile]]:
    out: dict[str, list[FolderFile]] = {}
    for f in sorted(listing, key=lambda f: id_key(f.resource_id)):
        out.setdefault(name_key(f.name), []).append(f)
    return out


def _first_unclaimed(
    by_name: dict[str, list[FolderFile]], keys: Iterable[str], size: int | None, claimed: set[str]
) -> FolderFile | None:
    if size is None:
        return None  # an unknown size never matches
    for key in keys:
        for f in by_name.get(key, ()):
            if f.size == size and f.resource_id not in claimed:
                return f
    return None
