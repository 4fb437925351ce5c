"""One org's simulated WorkDrive: team folders, folders and files (data only, no HTTP).

Files are kept as name + size + MD5 (uploads) or a :class:`Content` (seeded files), never as
bytes. Trashed items keep their place with ``status`` 51. Name clashes follow the switches of
``FilesConfig`` (409 / timestamp suffix / new version; case-insensitive or not).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fieldsync_tui.simulator.clock import SimClock
from fieldsync_tui.simulator.content import Content
from fieldsync_tui.simulator.files_config import FilesConfig

ACTIVE = 1
TRASHED = 51
FOLDER_TYPE = 1001
FILE_TYPE = 2


@dataclass
class WdItem:
    id: str
    name: str
    parent_id: str | None
    is_folder: bool
    created_ms: int
    modified_ms: int
    status: int = ACTIVE
    size: int = 0
    md5: str = ""
    content: Content | None = None
    version: int = 1
    team_folder_id: str = ""
    team_id: str = ""
    is_team_folder: bool = False
    children: list[str] = field(default_factory=list)

    @property
    def extension(self) -> str:
        if self.is_folder or "." not in self.name.strip("."):
            return ""
        return self.name.rsplit(".", 1)[1]


class NameClash(Exception):
    """An upload or rename whose name is taken in its folder (mode 409)."""


def display_time(ms: int) -> str:
    """WorkDrive's localised display string: ``Apr 13, 10:58 AM`` — no year (§5.3)."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%b %d, %I:%M %p")


def suffixed(name: str, ms: int) -> str:
    """The name a clash gets in ``suffix`` mode (the format is UNCONFIRMED; this is ours)."""
    stamp = datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%d-%m-%Y %H:%M:%S")
    stamp += f":{ms % 1000:03d}"
    stem, dot, ext = name.rpartition(".")
    return f"{stem} {stamp}.{ext}" if dot and stem else f"{name} {stamp}"


class Drive:
    """The WorkDrive of one org. Public methods are safe to call from test code."""

    def __init__(self, label: str, config: FilesConfig, clock: SimClock, seed: int = 0) -> None:
        self.label = label
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        self.items: dict[str, WdItem] = {}
        self.team_id = ""
        self._seed = seed
        self._count = 0
        self.used_bytes = 0

    # --- ids and time ---
    def new_id(self) -> str:
        """37 lowercase chars: a 5-char prefix + 32 hex (ZOHO_WORKDRIVE §4.8)."""
        with self.lock:
            self._count += 1
            digest = hashlib.md5(
                f"{self.label}:{self._seed}:{self._count}".encode(), usedforsecurity=False
            ).hexdigest()
        return "ly9zm" + digest

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    # --- building ---
    def add_team_folder(self, name: str) -> str:
        with self.lock:
            if not self.team_id:
                self.team_id = self.new_id()
            tid = self.new_id()
            now = self.now_ms()
            item = WdItem(tid, name, self.team_id, True, now, now, is_team_folder=True)
            item.team_folder_id, item.team_id = tid, self.team_id
            self.items[tid] = item
            return tid

    def _insert(self, item: WdItem) -> str:
        parent = self.items.get(item.parent_id or "")
        if parent is None or not parent.is_folder:
            raise KeyError(f"no folder {item.parent_id!r} in org {self.label}'s WorkDrive")
        item.team_folder_id, item.team_id = parent.team_folder_id, parent.team_id
        self.items[item.id] = item
        parent.children.append(item.id)
        return item.id

    def add_folder(
        self,
        parent_id: str,
        name: str,
        modified_ms: int | None = None,
        trashed: bool = False,
        item_id: str | None = None,
    ) -> str:
        """A folder (no clash check: test data may hold what WorkDrive would refuse);
        ``item_id`` gives it a known id (demo data whose CRM records already point at it)."""
        with self.lock:
            now = self.now_ms()
            ms = modified_ms if modified_ms is not None else now
            if item_id is not None and item_id in self.items:
                raise KeyError(f"id {item_id!r} is taken in org {self.label}'s WorkDrive")
            item = WdItem(item_id or self.new_id(), name, parent_id, True, ms, ms)
            item.status = TRASHED if trashed else ACTIVE
            return self._insert(item)

    def add_file(
        self,
        parent_id: str,
        name: str,
        size: int,
        *,
        md5: str | None = None,
        content: Content | None = None,
        modified_ms: int | None = None,
        trashed: bool = False,
    ) -> str:
        with self.lock:
            ms = modified_ms if modified_ms is not None else self.now_ms()
            item = WdItem(self.new_id(), name, parent_id, False, ms, ms, size=size)
            item.content = content
            item.md5 = md5 if md5 is not None else (content.md5() if content else "")
            item.status = TRASHED if trashed else ACTIVE
            self.used_bytes += size
            return self._insert(item)

    # --- reading ---
    def get(self, item_id: str) -> WdItem | None:
        with self.lock:
            return self.items.get(item_id)

    def children(self, folder_id: str) -> list[WdItem]:
        with self.lock:
            folder = self.items[folder_id]
            return [self.items[i] for i in folder.children]

    def _key(self, name: str) -> str:
        return name.casefold() if self.config.clash_case_insensitive else name

    def taken(self, folder_id: str, name: str) -> WdItem | None:
        """The active item of that name in the folder (by the clash switches), if any."""
        key = self._key(name)
        return next(
            (
                c
                for c in self.children(folder_id)
                if c.status == ACTIVE and self._key(c.name) == key
            ),
            None,
        )

    # --- writing ---
    def store_upload(
        self, parent_id: str, name: str, size: int, md5: str, override: bool
    ) -> WdItem:
        """Store an upload (size + MD5 only). Raises :class:`NameClash` in mode 409."""
        with self.lock:
            clash = self.taken(parent_id, name)
            now = self.now_ms()
            if clash is not None and (override or self.config.clash_mode == "version"):
                if clash.is_folder:
                    raise NameClash(name)
                self.used_bytes += size - clash.size
                clash.size, clash.md5, clash.content = size, md5, None
                clash.version += 1
                clash.modified_ms = now
                return clash
            if clash is not None:
                if self.config.clash_mode == "409":
                    raise NameClash(name)
                name = suffixed(name, now)
            new = self.add_file(parent_id, name, size, md5=md5, modified_ms=now)
            return self.items[new]

    def trash(self, item_id: str) -> WdItem:
        with self.lock:
            item = self.items[item_id]
            item.status = TRASHED
            item.modified_ms = self.now_ms()
            return item

    def rename(self, item_id: str, name: str) -> WdItem:
        with self.lock:
            item = self.items[item_id]
            clash = self.taken(item.parent_id or "", name) if item.parent_id in self.items else None
            if clash is not None and clash.id != item.id:
                raise NameClash(name)
            item.name = name
            item.modified_ms = self.now_ms()
            return item
