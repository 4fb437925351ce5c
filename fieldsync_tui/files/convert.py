"""Loaders' conversions (DESIGN §9.2): what ``zoho`` returns → the planning model.

Trashed items and sub-folders are left out of a folder's contents; a folder without a
permalink gets ``""`` (A's URL is then never taken as pointing at it by permalink).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    AttachmentKind,
    FilesFieldMap,
    FolderFile,
    WorkDriveFolder,
)
from fieldsync_tui.zoho import attachments as crm
from fieldsync_tui.zoho.wd_items import WdItem


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def a_record(raw: Mapping[str, Any], fields: FilesFieldMap) -> ARecord:
    return ARecord(
        id=str(raw.get("id")),
        name=_text(raw.get(fields.name)),
        url=_text(raw.get(fields.url)),
        folder_id=_text(raw.get(fields.folder_id)),
        files_checkbox=raw.get(fields.files_checkbox) is True,
        fields_checkbox=raw.get(fields.fields_checkbox) is True,
    )


def attachment(att: crm.Attachment) -> Attachment:
    kind = AttachmentKind.LINK if att.is_link else AttachmentKind.FILE
    return Attachment(att.id, att.file_name, att.size, kind, att.link_url)


def folders(items: Iterable[WdItem]) -> list[WorkDriveFolder]:
    return [
        WorkDriveFolder(i.id, i.name, i.permalink or "", i.modified_ms)
        for i in items
        if i.is_folder and not i.trashed
    ]


def folder_files(items: Iterable[WdItem]) -> list[FolderFile]:
    return [FolderFile(i.id, i.name, i.size) for i in items if not i.is_folder and not i.trashed]
