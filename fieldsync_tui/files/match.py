"""Classification, first half: every pending record against the folder index (DESIGN §9.3).

Runs over **all** pending records before selection. It settles what needs no attachment:
``unmatched``, ``duplicate`` and ``overwrite`` (precedence: ``unmatched`` / ``duplicate`` →
``overwrite`` → the rest). A record left with one folder and nothing overwritten is
provisionally ``ready``; ``plan.plan_files`` decides ``ready`` / ``in_sync`` / ``no_files``
once its attachments and its folder's contents are loaded — for the selected records only.

Several records with one name share one folder: that is allowed, and each such row lists
the others in ``shares_folder_with``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from fieldsync_tui.core.model import Decision, DiffKind, FieldDiff, MatchKind
from fieldsync_tui.core.normalize import clean_value, id_key, normalise_name
from fieldsync_tui.files.decisions import (
    NO_DECISIONS,
    RecordDecisions,
    group_decisions,
    match_fingerprint,
    plan_fingerprint,
)
from fieldsync_tui.files.folders import FolderIndex, newest
from fieldsync_tui.files.model import (
    ARecord,
    FileClass,
    FileRow,
    FilesDecision,
    FilesDecisionKind,
    FilesFieldMap,
    FilesPlan,
    WorkDriveFolder,
)
from fieldsync_tui.files.presence import url_points_at

URL_LABEL = "URL"
FOLDER_LABEL = "folder id"


@dataclass(frozen=True)
class MatchOptions:
    on_duplicate: Literal["skip", "newest"] = "skip"
    include_ticked: bool = False  # --include-ticked: records already ticked are pending too


DEFAULT_MATCH = MatchOptions()


def is_pending(a: ARecord, include_ticked: bool = False) -> bool:
    """§9.2: files checkbox false (or any, with ``--include-ticked``) and a non-empty
    normalised name."""
    return (include_ticked or not a.files_checkbox) and bool(normalise_name(a.name))


def match_records(
    records: Iterable[ARecord],
    index: FolderIndex,
    fields: FilesFieldMap,
    options: MatchOptions = DEFAULT_MATCH,
    decisions: Sequence[FilesDecision] = (),
) -> FilesPlan:
    """Every pending record (others and repeated ids left out), matched and classified as
    far as the folder index allows, in ascending A id order. Honours journalled folder picks
    and record skips (``decisions``, oldest first)."""
    unique = {a.id: a for a in records if is_pending(a, options.include_ticked)}
    by_record = group_decisions(decisions)
    rows = [
        _match(unique[a_id], index, fields, options, by_record.get(a_id, NO_DECISIONS))
        for a_id in sorted(unique, key=id_key)
    ]
    _mark_sharing(rows)
    return FilesPlan(rows=rows, folders=index.by_id)


def _match(
    a: ARecord,
    index: FolderIndex,
    fields: FilesFieldMap,
    options: MatchOptions,
    decided: RecordDecisions,
) -> FileRow:
    norm = normalise_name(a.name)
    candidates = index.candidates(norm)
    ids = tuple(f.id for f in candidates)
    row = FileRow(
        a=a,
        norm_name=norm,
        klass=FileClass.UNMATCHED,
        reason="",
        folder_candidates=ids,
        match_fingerprint=match_fingerprint(norm, ids),
        fingerprint=plan_fingerprint(norm, ids, clean_value(a.url), clean_value(a.folder_id)),
    )
    pick = decided.honoured_pick(row.match_fingerprint)
    if not candidates:
        _resolve_unmatched(row, index, fields, pick)
    elif len(candidates) == 1:
        _set_target(row, candidates[0], fields, "")
    else:
        _resolve_duplicate(row, candidates, fields, options, pick)
    if decided.honoured_skip(row.fingerprint):
        row.decision = Decision.SKIPPED
        row.operator_decision = FilesDecisionKind.SKIP
        row.reason = f"{row.reason}; skipped by operator"
    return row


def set_reason(row: FileRow, text: str) -> None:
    """``row.reason`` = ``text``, then how the folder was chosen and an operator skip."""
    reason = f"{text} ({row.match_note})" if row.match_note else text
    if row.operator_decision is FilesDecisionKind.SKIP:
        reason += "; skipped by operator"
    row.reason = reason


def _resolve_unmatched(
    row: FileRow, index: FolderIndex, fields: FilesFieldMap, pick: FilesDecision | None
) -> None:
    target = index.get(pick.folder_id) if pick and pick.folder_id else None
    if pick is not None and pick.kind is FilesDecisionKind.MANUAL_MATCH and target is not None:
        _set_target(row, target, fields, f"matched by hand to folder {target.id}")
        row.match = MatchKind.MANUAL
        row.operator_decision = FilesDecisionKind.MANUAL_MATCH
        return
    row.reason = f"no folder named '{short(row.norm_name)}' in the team folder"


def _resolve_duplicate(
    row: FileRow,
    candidates: list[WorkDriveFolder],
    fields: FilesFieldMap,
    options: MatchOptions,
    pick: FilesDecision | None,
) -> None:
    count = len(candidates)
    wanted = pick.folder_id if pick and pick.kind is FilesDecisionKind.PICK_DUPLICATE else None
    picked = next((f for f in candidates if f.id == wanted), None)
    if picked is not None:
        _set_target(row, picked, fields, f"operator picked folder {picked.id} of {count}")
        row.operator_decision = FilesDecisionKind.PICK_DUPLICATE
        return
    if options.on_duplicate == "newest":
        _set_target(row, newest(candidates), fields, f"newest of {count} folders named alike")
        return
    exact = any(f.name == row.a.name for f in candidates)
    row.klass = FileClass.DUPLICATE
    row.match = MatchKind.EXACT if exact else MatchKind.NORMALISED
    row.reason = f"{count} folders named '{short(row.norm_name)}'" + (
        " (one matches exactly)" if exact else ""
    )


def _set_target(row: FileRow, folder: WorkDriveFolder, fields: FilesFieldMap, note: str) -> None:
    row.folder_id = folder.id
    row.match_note = note
    row.match = MatchKind.EXACT if folder.name == row.a.name else MatchKind.NORMALISED
    row.diffs = field_diffs(row.a, folder, fields)
    kinds = [d.kind for d in row.diffs]
    changes = any(k is not DiffKind.SAME for k in kinds)
    row.untick_fields_checkbox = changes and row.a.fields_checkbox and not fields.shared_checkbox
    if DiffKind.OVERWRITE in kinds:
        row.klass = FileClass.OVERWRITE
        text = overwrite_text(row)
    else:
        row.klass = FileClass.READY  # provisional until plan_files sees the attachments
        text = "attachments not listed yet"
    set_reason(row, text)


def field_diffs(
    a: ARecord, folder: WorkDriveFolder, fields: FilesFieldMap
) -> tuple[FieldDiff, ...]:
    """A's URL and folder id: the value held → the value this job writes (§9.5 step 3).

    A URL that already points at the folder (its permalink, or ending in ``/<folder id>``)
    is ``same`` and kept; otherwise the folder's permalink as WorkDrive returned it.
    """
    url, folder_id = clean_value(a.url), clean_value(a.folder_id)
    if url_points_at(url, folder):
        url_diff = FieldDiff(fields.url, a.url, url, DiffKind.SAME)
    else:
        url_diff = FieldDiff(fields.url, a.url, folder.permalink, _kind(url))
    if folder_id == folder.id:
        id_diff = FieldDiff(fields.folder_id, a.folder_id, folder_id, DiffKind.SAME)
    else:
        id_diff = FieldDiff(fields.folder_id, a.folder_id, folder.id, _kind(folder_id))
    return (url_diff, id_diff)


def changed_labels(row: FileRow, *kinds: DiffKind) -> list[str]:
    """``"URL"`` / ``"folder id"`` for the diffs of ``row`` whose kind is one of ``kinds``."""
    pairs = zip((URL_LABEL, FOLDER_LABEL), row.diffs, strict=False)
    return [label for label, d in pairs if d.kind in kinds]


def overwrite_text(row: FileRow) -> str:
    return f"A's {' and '.join(changed_labels(row, DiffKind.OVERWRITE))} hold another value"


def _kind(held: str | None) -> DiffKind:
    return DiffKind.FILL if held is None else DiffKind.OVERWRITE


def _mark_sharing(rows: Sequence[FileRow]) -> None:
    for group in rows_by_folder(rows).values():
        if len(group) > 1:
            for row in group:
                row.shares_folder_with = tuple(o.a.id for o in group if o is not row)


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a reason sentence."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rows_by_folder(rows: Iterable[FileRow]) -> Mapping[str, list[FileRow]]:
    """Folder id → its rows (ascending A id, as ``rows`` come)."""
    out: dict[str, list[FileRow]] = {}
    for row in rows:
        if row.folder_id is not None:
            out.setdefault(row.folder_id, []).append(row)
    return out
