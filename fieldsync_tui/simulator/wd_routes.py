"""WorkDrive's reading and PATCH endpoints: items, team folders, listings, search, trash."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fieldsync_tui.simulator.files_config import FilesConfig
from fieldsync_tui.simulator.wd_render import (
    WdFault,
    bad_param,
    item_json,
    no_access,
    team_folder_json,
)
from fieldsync_tui.simulator.workdrive import ACTIVE, TRASHED, Drive, NameClash, WdItem

SORTS = {"name", "-name", "last_modified", "-last_modified"}
TYPES = {"all", "folder", "allfiles", "files", "documents", "pdf", "images"}
SEARCH_PAGE_MAX = 200
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class WdCall:
    method: str
    path: str  # after /workdrive/api/v1
    query: dict[str, str]
    headers: dict[str, str]
    base_url: str
    body: bytes = b""
    now_ms: int = 0


def route(call: WdCall, drive: Drive, config: FilesConfig, now: float) -> tuple[int, Any]:
    parts = call.path.strip("/").split("/")
    method = call.method
    if parts[0] == "files" and len(parts) == 2 and method == "GET":
        return 200, {"data": item_json(_item(drive, parts[1]), config, call.base_url, call.now_ms)}
    if parts[0] == "files" and len(parts) == 2 and method == "PATCH":
        return _patch(call, drive, config, parts[1])
    if parts[0] == "files" and len(parts) == 3 and parts[2] == "files" and method == "GET":
        folder = _item(drive, parts[1])
        if folder.is_team_folder and config.root_listing == "refused":
            raise WdFault(404, "F6016", "URL Rule is not configured")
        return 200, _listing(call, drive, config, folder)
    if parts[0] == "teamfolders" and len(parts) in (2, 3) and method == "GET":
        folder = _item(drive, parts[1])
        if not folder.is_team_folder:
            raise no_access()
        if len(parts) == 2:
            return 200, {"data": team_folder_json(folder, call.base_url)}
        if parts[2] == "folders":
            return 200, _listing(call, drive, config, folder, only_folders=True)
    if parts[0] == "teams" and len(parts) == 3 and parts[2] == "records" and method == "GET":
        return 200, _search(call, drive, config, parts[1], now)
    if len(parts) >= 1 and parts[0] in ("files", "teamfolders", "teams", "upload"):
        raise WdFault(405, "F000", "Method not allowed")
    raise WdFault(404, "F6016", "URL Rule is not configured")


def _item(drive: Drive, item_id: str) -> WdItem:
    item = drive.get(item_id)
    if item is None:
        raise no_access()
    return item


def _int(query: dict[str, str], name: str, default: int, minimum: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise bad_param(name)
    return int(raw)


def _limit(query: dict[str, str], config: FilesConfig, maximum: int) -> int:
    limit = _int(query, "page[limit]", maximum, 1)
    if limit > maximum:
        if config.page_limit_over_max == "clamp":
            return maximum
        raise bad_param(f"page[limit] must be at most {maximum}")
    return limit


def _listing(
    call: WdCall, drive: Drive, config: FilesConfig, folder: WdItem, only_folders: bool = False
) -> dict[str, Any]:
    if not folder.is_folder:
        raise WdFault(400, "R007", "The resource is not a folder")
    query = call.query
    kind = query.get("filter[type]", "folder" if only_folders else "all")
    if kind not in TYPES:
        raise bad_param("filter[type]")
    sort = query.get("sort", "-last_modified")
    if sort not in SORTS:
        raise bad_param("sort")
    limit = _limit(query, config, config.page_limit_max)
    offset = _int(query, "page[offset]", 0, 0)
    items = [
        c
        for c in drive.children(folder.id)
        if (config.trashed_in_listing or c.status == ACTIVE)
        and (kind == "all" or (kind == "folder") == c.is_folder)
    ]
    if sort.lstrip("-") == "name":
        items.sort(key=lambda c: (c.name.casefold(), c.id), reverse=sort.startswith("-"))
    else:
        items.sort(key=lambda c: (c.modified_ms, c.id), reverse=sort.startswith("-"))
    page = items[offset : offset + limit]
    return {
        "data": [item_json(c, config, call.base_url, call.now_ms) for c in page],
        "links": {"self": f"{call.base_url}/workdrive/api/v1{call.path}"},
    }


def _patch(call: WdCall, drive: Drive, config: FilesConfig, item_id: str) -> tuple[int, Any]:
    item = _item(drive, item_id)
    try:
        body = json.loads(call.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict) or not attributes:
        raise bad_param("data.attributes")
    if "status" in attributes:
        if str(attributes["status"]) != str(TRASHED):
            raise bad_param("status")
        drive.trash(item.id)
    if "name" in attributes:
        name = attributes["name"]
        if not isinstance(name, str) or not name.strip() or "/" in name:
            raise bad_param("name")
        try:
            drive.rename(item.id, name)
        except NameClash:
            raise WdFault(409, "R009", "File with the same name already exists") from None
    return 200, {"data": item_json(item, config, call.base_url, call.now_ms)}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _search(
    call: WdCall, drive: Drive, config: FilesConfig, team_id: str, now: float
) -> dict[str, Any]:
    """Fuzzy (any query word a prefix of any name word) and lagging (new items are invisible
    for ``search_index_lag`` seconds) — why the files job never uses it (DESIGN §9.2)."""
    if team_id != drive.team_id:
        raise no_access()
    query = call.query
    text = query.get("search[all]") or query.get("search[name]")
    if not text:
        raise bad_param("search[all] is required")
    limit = _limit(query, config, SEARCH_PAGE_MAX)
    offset = _int(query, "page[offset]", 0, 0)
    wanted = _words(text)
    visible_before = (now - config.search_index_lag) * 1000
    hits = []
    with drive.lock:
        everything = list(drive.items.values())
    for item in everything:
        if item.is_team_folder or item.status != ACTIVE or item.created_ms > visible_before:
            continue
        if query.get("filter[type]") == "folder" and not item.is_folder:
            continue
        if (tf := query.get("filter[teamFolder]")) and item.team_folder_id != tf:
            continue
        if (parent := query.get("filter[parentId]")) and item.parent_id != parent:
            continue
        words = _words(item.name)
        if any(w.startswith(q) or q.startswith(w) for q in wanted for w in words):
            hits.append(item)
    page = hits[offset : offset + limit]
    more = len(hits) > offset + len(page)
    cursor = {"has_next": more, "next": str(offset + len(page)) if more else None}
    return {
        "data": [item_json(c, config, call.base_url, call.now_ms) for c in page],
        "links": {"cursor": cursor},
    }
