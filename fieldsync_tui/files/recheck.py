"""The write protocol's pure checks (DESIGN §9.5 steps 2, 4 and 5), kept apart from its I/O.

* ``stale_reason`` — step 2: after re-reading A by id and re-listing the folder, a record whose
  name, checkboxes or fields changed, or whose folder is gone, is ``stale`` (nothing written).
* ``replan_taken`` — steps 2 and 4: planned names taken since the plan are planned again.
* ``tick_check`` — step 5: A is ticked only if every file attachment of the re-list is there
  (skipped files excepted); a file attached or changed since the plan leaves it ``partial``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from fieldsync_tui.core.normalize import clean_value
from fieldsync_tui.files.model import ARecord, Attachment, AttachmentKind, FilePlan, FileRow
from fieldsync_tui.files.names import replan
from fieldsync_tui.files.presence import name_key


def stale_reason(row: FileRow, fresh: ARecord | None, folder_listed: bool) -> str | None:
    """Why the record must not be written now, or ``None`` when its plan still holds.

    ``fresh`` is A re-read by id (``None`` = gone); ``folder_listed`` says whether the
    record's folder could be listed again (gone or trashed = False).
    """
    if fresh is None:
        return "the Org A record is gone"
    planned = row.a
    changes = [
        label
        for label, changed in (
            ("name", fresh.name != planned.name),
            ("URL", clean_value(fresh.url) != clean_value(planned.url)),
            ("folder id", clean_value(fresh.folder_id) != clean_value(planned.folder_id)),
            ("files checkbox", fresh.files_checkbox != planned.files_checkbox),
            ("field-sync checkbox", fresh.fields_checkbox != planned.fields_checkbox),
        )
        if changed
    ]
    if changes:
        return f"A's {', '.join(changes)} changed since the plan"
    if row.folder_id is not None and not folder_listed:
        return f"folder {row.folder_id} is gone"
    return None


def replan_taken(
    files: Sequence[FilePlan], listed_names: Iterable[str], planned_at: datetime
) -> dict[str, FilePlan]:
    """Attachment id → its new plan, for the files still to copy into one folder whose
    destination name the fresh listing now holds.

    ``files`` are all the planned files of that folder (every record sharing it), so a new
    name avoids the others' planned names too; ``listed_names`` the folder's names now
    (this run's uploads included). Files already there or skipped are left alone.
    """
    in_use = [*listed_names]
    listed = {name_key(n) for n in in_use}
    planned = [f.dest_name for f in files if f.there_by is None and f.skip is None]
    out: dict[str, FilePlan] = {}
    for f in files:
        if f.to_copy and name_key(f.dest_name) in listed:
            again = replan(f, [*in_use, *planned], planned_at)
            out[f.attachment.id] = again
            planned.append(again.dest_name)
    return out


def tick_check(
    row: FileRow, relisted: Sequence[Attachment], landed: Collection[str]
) -> tuple[bool, list[str]]:
    """(tick?, why not): step 5 over the attachments listed again just before the tick.

    ``landed`` holds the ids of attachments this run copied (confirmed); files the plan found
    there count as landed too. A planned skip (``too_large``, operator) does not block; an
    attachment that is new or whose name or size changed since the plan does.
    """
    planned = {f.attachment.id: f for f in row.files}
    problems: list[str] = []
    for att in relisted:
        if att.kind is not AttachmentKind.FILE:
            continue
        plan = planned.get(att.id)
        if plan is None:
            problems.append(f"attachment {att.id} was added since the plan")
        elif (plan.attachment.file_name, plan.attachment.size) != (att.file_name, att.size):
            problems.append(f"attachment {att.id} changed since the plan")
        elif plan.to_copy and att.id not in landed:
            problems.append(f"attachment {att.id} is not in the folder")
    return not problems, problems
