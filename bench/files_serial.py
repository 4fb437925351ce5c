"""The old script's files flow, one record and one call at a time (issue 11/12's description).

For each pending Org A record, in ascending id order:

1. search WorkDrive by the record's name (``GET /teams/{team}/records`` with
   ``search[name]``, ``filter[type]=folder``, ``filter[parentId]`` = the team folder, 200 a
   page — the API's largest page) and take the hit whose name equals the record's
   (case-insensitive); the search is fuzzy, so it pages on until that hit or the end;
   no hit: the record is skipped;
2. store the folder's permalink and id in A (one ``PUT`` per record);
3. list the record's attachments; links are skipped;
4. per file: download it (streamed to a temporary file), upload it with
   ``override-name-exist=false``; a 409 (name taken) renames it blindly to
   ``stem_YYYYMMDD_HHMMSS.ext`` (the seed's pattern, the current UTC second) and uploads
   again; any other failure is logged and the file is left behind;
5. tick A's files checkbox right after the record's first successful upload.

It runs on the same clients (``ZohoClient``, ``CrmAttachments``, ``WorkDrive``) as fieldsync,
so retries, call and credit counting are the same: the differences are the flow's. Kinder
than the seed in two ways, to keep the comparison fair: it streams files instead of holding
them in memory, and it pages through fuzzy search hits instead of taking the first.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldsync_tui.zoho.attachments import Attachment, CrmAttachments
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import ZohoError, ZohoNameClashError
from fieldsync_tui.zoho.wd_items import WdItem, items_of
from fieldsync_tui.zoho.workdrive import API, API_TYPE, WorkDrive

SEARCH_PAGE = 200


@dataclass(frozen=True)
class FilesEnv:
    """The names the flow needs (from the simulator's ``.env``)."""

    module: str
    name: str
    url: str
    folder_id: str
    files_checkbox: str
    team_folder_id: str


@dataclass
class SerialTally:
    records: int = 0
    no_folder: int = 0
    search_calls: int = 0
    a_field_writes: int = 0
    files_seen: int = 0
    links_skipped: int = 0
    uploaded: int = 0
    renamed_on_clash: int = 0
    download_failed: int = 0
    upload_failed: int = 0
    ticked: int = 0
    errors: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    """Why files were left behind: ``step: error`` → count."""

    def failed(self, step: str, err: Exception) -> None:
        code = getattr(err, "code", None) or getattr(err, "status_code", None) or ""
        key = f"{step}: {type(err).__name__} {code}".strip()
        self.failures[key] = self.failures.get(key, 0) + 1


class SerialFlow:
    def __init__(
        self, client_a: ZohoClient, client_b: ZohoClient, env: FilesEnv, work_dir: Path
    ) -> None:
        self.client_b = client_b
        self.client_a = client_a
        self.crm = CrmAttachments(client_a)
        self.drive = WorkDrive(client_b)
        self.env = env
        self.work_dir = work_dir
        self.team_id = ""
        self.tally = SerialTally()

    async def start(self) -> None:
        """The team id the search endpoint needs (the team folder's ``parent_id``)."""
        team_folder = await self.drive.team_folder(self.env.team_folder_id)
        self.team_id = team_folder.team_id or ""

    async def record(self, a: dict[str, Any]) -> None:
        self.tally.records += 1
        try:
            await self._record(a)
        except ZohoError:
            self.tally.errors += 1

    async def _record(self, a: dict[str, Any]) -> None:
        env = self.env
        folder = await self.find_folder(str(a[env.name]))
        if folder is None:
            self.tally.no_folder += 1
            return
        values = {"id": a["id"], env.url: folder.permalink, env.folder_id: folder.id}
        await self.client_a.update_records(env.module, [values], trigger=[])
        self.tally.a_field_writes += 1
        ticked = False
        for attachment in await self.crm.list(env.module, str(a["id"])):
            if attachment.is_link:
                self.tally.links_skipped += 1
                continue
            self.tally.files_seen += 1
            if await self.copy(str(a["id"]), attachment, folder.id) and not ticked:
                tick = {"id": a["id"], env.files_checkbox: True}
                await self.client_a.update_records(env.module, [tick], trigger=[])
                self.tally.ticked += 1
                ticked = True

    async def find_folder(self, name: str) -> WdItem | None:
        wanted = name.strip().casefold()
        offset = 0
        while True:
            params = {
                "search[name]": name,
                "filter[type]": "folder",
                "filter[parentId]": self.env.team_folder_id,
                "page[limit]": str(SEARCH_PAGE),
                "page[offset]": str(offset),
            }
            self.tally.search_calls += 1
            answer = await self.client_b._call(
                "GET",
                f"{API}/teams/{self.team_id}/records",
                params=params,
                headers={"Accept": API_TYPE},
                credits=0,
            )
            hits = items_of(answer.body)
            for item in hits:
                if item.is_folder and item.name.strip().casefold() == wanted:
                    return item
            cursor = (answer.body.get("links") or {}).get("cursor") or {}
            if not hits or not cursor.get("has_next"):
                return None
            offset += len(hits)

    async def copy(self, record_id: str, attachment: Attachment, folder_id: str) -> bool:
        """Download then upload one file; False if it did not land."""
        with tempfile.NamedTemporaryFile(dir=self.work_dir, suffix=".part") as part:
            try:
                await self.crm.download(self.env.module, record_id, attachment, part)
                part.flush()
            except ZohoError as err:
                self.tally.download_failed += 1
                self.tally.failed("download", err)
                return False
            name = attachment.file_name
            for attempt in range(2):
                try:
                    await self.drive.upload(folder_id, name, Path(part.name))
                except ZohoNameClashError as err:
                    if attempt == 0:
                        name = blind_rename(name)
                        self.tally.renamed_on_clash += 1
                        continue
                    self.tally.failed("upload after the blind rename", err)
                    break
                except (ZohoError, ValueError) as err:  # ValueError: a name WorkDrive refuses
                    self.tally.failed("upload", err)
                    break
                self.tally.uploaded += 1
                return True
        self.tally.upload_failed += 1
        return False


def blind_rename(name: str) -> str:
    """The seed's clash name: ``stem_YYYYMMDD_HHMMSS.ext`` with the current UTC second."""
    stem, dot, ext = name.rpartition(".")
    stamp = datetime.now(UTC).strftime("%Y%m%d_%H%M%S")
    return f"{stem}_{stamp}.{ext}" if dot and stem else f"{name}_{stamp}"
