"""WorkDrive answers as plain data (ZOHO_WORKDRIVE §5.1, §5.3, §5.7). No I/O.

Folders are told by ``type == "folder"`` or ``resource_type == 1001`` — never ``is_folder``,
which samples show wrong or missing. Times come from ``modified_time_in_millisecond``, never
the display string (it has no year); names from ``name``, never the display fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Final

FOLDER_RESOURCE_TYPE: Final = 1001
TRASHED: Final = 51


@dataclass(frozen=True, slots=True)
class WdItem:
    id: str
    name: str
    is_folder: bool
    parent_id: str | None
    permalink: str | None
    status: int | None
    modified_ms: int | None
    created_ms: int | None = None
    size: int | None = None
    kind: str | None = None

    @property
    def trashed(self) -> bool:
        return self.status == TRASHED


@dataclass(frozen=True, slots=True)
class TeamFolder:
    id: str
    name: str
    team_id: str | None  # ``attributes.parent_id`` (third-party: the team; UNCONFIRMED)
    permalink: str | None


@dataclass(frozen=True, slots=True)
class Uploaded:
    """An upload's answer: the new id, the name as stored, and ``File INFO``'s facts."""

    resource_id: str
    parent_id: str | None
    name: str
    permalink: str | None
    md5: str | None
    size: int | None
    info: dict[str, Any] = field(default_factory=dict)


class AnswerShapeError(ValueError):
    """A WorkDrive answer without the keys we rely on."""


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _attributes(node: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(node, dict):
        raise AnswerShapeError("an item is not an object")
    attributes = node.get("attributes")
    item_id = node.get("id")
    if not isinstance(attributes, dict) or not isinstance(item_id, str) or not item_id:
        raise AnswerShapeError("an item without id or attributes")
    return item_id, attributes


def item_of(node: Any) -> WdItem:
    item_id, a = _attributes(node)
    name = a.get("name")
    if not isinstance(name, str):
        raise AnswerShapeError(f"item {item_id[:40]} has no name")
    kind = _str(a.get("type"))
    storage = a.get("storage_info")
    size = _int(storage.get("size_in_bytes")) if isinstance(storage, dict) else None
    return WdItem(
        id=item_id,
        name=name,
        is_folder=kind == "folder" or _int(a.get("resource_type")) == FOLDER_RESOURCE_TYPE,
        parent_id=_str(a.get("parent_id")),
        permalink=_str(a.get("permalink")),
        status=_int(a.get("status")),
        modified_ms=_int(a.get("modified_time_in_millisecond")),
        created_ms=_int(a.get("created_time_in_millisecond")),
        size=size,
        kind=kind,
    )


def one_item(body: Any) -> WdItem:
    return item_of(body.get("data") if isinstance(body, dict) else None)


def items_of(body: Any) -> list[WdItem]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise AnswerShapeError("a listing without a data[] list")
    return [item_of(node) for node in data]


def team_folder_of(body: Any) -> TeamFolder:
    item_id, a = _attributes(body.get("data") if isinstance(body, dict) else None)
    return TeamFolder(
        id=item_id,
        name=_str(a.get("name")) or "",
        team_id=_str(a.get("parent_id")),
        permalink=_str(a.get("permalink")),
    )


def uploaded_of(body: Any) -> Uploaded:
    """``data[0].attributes`` of an upload answer; ``File INFO`` is a JSON *string*."""
    data = body.get("data") if isinstance(body, dict) else None
    first = data[0] if isinstance(data, list) and data else data
    attributes = first.get("attributes") if isinstance(first, dict) else None
    if not isinstance(attributes, dict):
        raise AnswerShapeError("the upload answer has no data[0].attributes")
    resource_id = _str(attributes.get("resource_id"))
    name = _str(attributes.get("FileName"))
    if not resource_id or name is None:
        raise AnswerShapeError("the upload answer has no resource_id or FileName")
    raw = attributes.get("File INFO")
    info: Any = raw
    if isinstance(raw, str):
        try:
            info = json.loads(raw)
        except ValueError:
            info = None
    info = info if isinstance(info, dict) else {}
    md5 = _str(info.get("MD5_CHECKSUM"))
    return Uploaded(
        resource_id=resource_id,
        parent_id=_str(attributes.get("parent_id")),
        name=name,
        permalink=_str(attributes.get("Permalink")),
        md5=md5.lower() if md5 else None,
        size=_int(info.get("size")),
        info=info,
    )
