"""WorkDrive's JSON:API shapes (ZOHO_WORKDRIVE §4.1, §5.1, §5.3, §5.7) and its error envelope."""

from __future__ import annotations

import html
import json
from typing import Any

from fieldsync_tui.simulator.files_config import FilesConfig
from fieldsync_tui.simulator.workdrive import FILE_TYPE, FOLDER_TYPE, WdItem, display_time

API_TYPE = "application/vnd.api+json"
WEB = "https://workdrive.zoho.com"
KINDS = {"pdf": "pdf", "png": "image", "jpg": "image", "jpeg": "image", "txt": "document"}


class WdFault(Exception):
    """A WorkDrive error answer: ``{"errors": [{"id", "title"}]}``."""

    def __init__(
        self, status: int, error_id: str, title: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {error_id}: {title}")
        self.status = status
        self.error_id = error_id
        self.title = title
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"errors": [{"id": self.error_id, "title": self.title}]}


def no_access() -> WdFault:
    """R008: no access — also what WorkDrive says for an id that does not exist (§4.5)."""
    return WdFault(401, "R008", "Unauthorized access")


def bad_param(what: str) -> WdFault:
    return WdFault(400, "F000", f"Invalid input: {what}")


# Injected failures (Faults.fail_next) by status: ids for what the docs do not name are ours.
FAILURES = {
    401: ("F7004", "Missing OAuth scope"),
    402: ("F9002", "License expired"),
    404: ("F6016", "URL Rule is not configured"),
    409: ("R009", "File with the same name already exists"),
    413: ("F6010", "File size exceeds the limit"),
    415: ("F6019", "Unsupported Media Type"),
    429: ("F6001", "Too many requests"),
    507: ("F9007", "Organization storage is full"),
    509: ("F9009", "My Folders storage is full"),
}


def failure(status: int, retry_after: int) -> WdFault:
    error_id, title = FAILURES.get(status, ("F000", "Internal server error"))
    headers = {"Retry-After": str(retry_after)} if status == 429 else {}
    return WdFault(status, error_id, title, headers)


def permalink(item: WdItem) -> str:
    return f"{WEB}/{'folder' if item.is_folder else 'file'}/{item.id}"


def item_json(item: WdItem, config: FilesConfig, base_url: str, now_ms: int = 0) -> dict[str, Any]:
    """One item as ``GET /files/{id}`` and listings give it (type ``files``). A fresh upload's
    size reads 0 for ``size_hidden_for_s`` seconds (§5.7: rclone re-reads up to 10 times)."""
    kind = "folder" if item.is_folder else KINDS.get(item.extension.lower(), "file")
    uploaded = not item.is_folder and item.content is None
    hidden = uploaded and now_ms - item.modified_ms < config.size_hidden_for_s * 1000
    size = 0 if hidden else item.size
    attributes: dict[str, Any] = {
        "name": item.name,
        "display_attr_name": item.name,
        "display_html_name": html.escape(item.name),
        "type": kind,
        "resource_type": FOLDER_TYPE if item.is_folder else FILE_TYPE,
        "parent_id": item.parent_id,
        "permalink": permalink(item),
        "download_url": f"{WEB}/download/{item.id}" if not item.is_folder else None,
        "extn": item.extension,
        "status": item.status,
        "modified_time": display_time(item.modified_ms),
        "modified_time_in_millisecond": item.modified_ms,
        "created_time_in_millisecond": item.created_ms,
        "storage_info": {
            "size": f"{size} bytes",
            "size_in_bytes": size,
            "files_count": 0,
            "folders_count": 0,
        },
        "capabilities": {"can_upload_files": item.is_folder, "can_trash": True},
    }
    if config.is_folder == "right":
        attributes["is_folder"] = item.is_folder
    elif config.is_folder == "wrong":
        attributes["is_folder"] = False
    return {
        "id": item.id,
        "type": "files",
        "attributes": attributes,
        "relationships": {},
        "links": {"self": f"{base_url}/workdrive/api/v1/files/{item.id}"},
    }


def team_folder_json(item: WdItem, base_url: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": "teamfolders",
        "attributes": {
            "name": item.name,
            "parent_id": item.team_id,
            "permalink": permalink(item),
            "status": item.status,
            "modified_time": display_time(item.modified_ms),
            "modified_time_in_millisecond": item.modified_ms,
            "created_time_in_millisecond": item.created_ms,
        },
        "links": {"self": f"{base_url}/workdrive/api/v1/teamfolders/{item.id}"},
    }


def upload_json(item: WdItem) -> dict[str, Any]:
    """The upload answer (§5.7): ``data`` an array, ``File INFO`` a JSON string."""
    info = {
        "RESOURCE_ID": item.id,
        "PARENT_ID": item.parent_id,
        "MD5_CHECKSUM": item.md5,
        "size": item.size,
        "AUDIT_INFO": {"statusCode": "D201"},
        "version": item.version,
    }
    attributes = {
        "resource_id": item.id,
        "parent_id": item.parent_id,
        "FileName": item.name,
        "Permalink": permalink(item),
        "File INFO": json.dumps(info),
    }
    return {"data": [{"type": "files", "attributes": attributes}]}
