"""Zoho WorkDrive (``{Org B API base}/workdrive/api/v1``) with Org B's token and plumbing.

Every call goes through the Org B :class:`ZohoClient` (its OAuth, retry policy, concurrency
slots and typed errors) with ``Accept: application/vnd.api+json``; WorkDrive calls cost no
CRM credits. No sync logic here.

* listings: 50 a page, ``page[offset]``, ``sort=name``, until a short page (a large folder
  in windows of pages asked at once, read in order); trashed items skipped; a team-folder
  root that refuses ``/files/{id}/files`` (404 F6016) is listed by
  ``/teamfolders/{id}/folders`` instead (its folders only);
* upload: multipart ``content`` streamed from a file, ``parent_id``, URL-encoded UTF-8
  ``filename``, ``override-name-exist=false`` (as form fields and as query parameters: the
  sources show both); sent once — a lost answer (or a 5xx) raises
  :class:`UploadMayHaveLandedError` and is never resent; a 429 is retried (it refused);
* transfers have an idle timeout (per read/write), no total deadline.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Final, TypeVar
from urllib.parse import quote

import httpx

from fieldsync_tui.text import safe
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import (
    UploadMayHaveLandedError,
    ZohoAPIError,
    ZohoConnectionError,
    ZohoNotFoundError,
    ZohoServerError,
)
from fieldsync_tui.zoho.wd_items import (
    AnswerShapeError,
    TeamFolder,
    Uploaded,
    WdItem,
    items_of,
    one_item,
    team_folder_of,
    uploaded_of,
)

API: Final = "/workdrive/api/v1"
API_TYPE: Final = "application/vnd.api+json"
PAGE: Final = 50
MAX_PAGES: Final = 10_000
IDLE_TIMEOUT: Final = 60.0
_ACCEPT: Final = {"Accept": API_TYPE}
T = TypeVar("T")


def _id(value: str) -> str:
    """A WorkDrive id for a URL path: lowercase letters and digits only."""
    if not value or not value.isascii() or not value.isalnum() or len(value) > 100:
        raise ValueError(f"not a WorkDrive id: {safe(value)[:40]!r}")
    return value


class WorkDrive:
    """WorkDrive of the org whose :class:`ZohoClient` is given (Org B)."""

    def __init__(self, client: ZohoClient, *, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self._client = client
        self._timeout = httpx.Timeout(idle_timeout)

    @property
    def label(self) -> str:
        return self._client.label

    async def get(self, item_id: str) -> WdItem:
        """A file or folder (R008 → :class:`ZohoNoAccessError`: no access or not there)."""
        answer = await self._client._call(
            "GET", f"{API}/files/{_id(item_id)}", headers=_ACCEPT, credits=0
        )
        return self._shape(one_item, answer.body)

    async def team_folder(self, team_folder_id: str) -> TeamFolder:
        path = f"{API}/teamfolders/{_id(team_folder_id)}"
        answer = await self._client._call("GET", path, headers=_ACCEPT, credits=0)
        return self._shape(team_folder_of, answer.body)

    async def list_folder(
        self, folder_id: str, *, folders_only: bool = False, window: int = 1
    ) -> list[WdItem]:
        """The folder's items (or sub-folders), trashed ones skipped, by name.

        ``window`` > 1: after a full first page, the next pages are asked ``window`` at a
        time (a large folder such as the team folder; at most ``window`` - 1 calls past the
        end); each window is read in page order up to its first short page."""
        folder_id = _id(folder_id)
        try:
            items = await self._pages(f"{API}/files/{folder_id}/files", folders_only, window)
        except ZohoNotFoundError as err:
            if err.code != "F6016":
                raise
            # a team-folder root refusing /files/{id}/files: its folders the other way
            items = await self._pages(f"{API}/teamfolders/{folder_id}/folders", True, window)
        return [item for item in items if not item.trashed]

    async def _page(self, path: str, folders_only: bool, page: int) -> tuple[int, list[WdItem]]:
        params = {"page[limit]": str(PAGE), "page[offset]": str(page * PAGE), "sort": "name"}
        if folders_only:
            params["filter[type]"] = "folder"
        answer = await self._client._call("GET", path, params=params, headers=_ACCEPT, credits=0)
        return answer.status, self._shape(items_of, answer.body)

    async def _pages(self, path: str, folders_only: bool, window: int) -> list[WdItem]:
        found: dict[str, WdItem] = {}
        seen: set[str] = set()
        page = 0
        while page < MAX_PAGES:
            size = 1 if page == 0 else max(1, min(window, MAX_PAGES - page))
            answers = await asyncio.gather(
                *(self._page(path, folders_only, page + k) for k in range(size)),
                return_exceptions=True,
            )
            for answer in answers:  # in page order; past the first short page: not read
                if isinstance(answer, BaseException):
                    raise answer
                status, items = answer
                if items and all(item.id in seen for item in items):
                    raise ZohoAPIError(
                        f"WorkDrive paging did not advance at offset {page * PAGE} "
                        "(the same items again): the listing is incomplete",
                        status_code=status,
                        org=self.label,
                    )
                for item in items:
                    seen.add(item.id)
                    if not folders_only or item.is_folder:
                        found.setdefault(item.id, item)
                if len(items) < PAGE:
                    return sorted(found.values(), key=lambda i: (i.name.casefold(), i.id))
                page += 1
        return sorted(found.values(), key=lambda i: (i.name.casefold(), i.id))

    async def upload(self, parent_id: str, name: str, source: Path | IO[bytes]) -> Uploaded:
        """Upload one file (streamed); the answer's ``FileName`` is the name as stored."""
        if not name or "/" in name:
            raise ValueError("a WorkDrive file name must be non-empty and hold no '/'")
        encoded = quote(name, safe="")
        form = {"parent_id": _id(parent_id), "filename": encoded, "override-name-exist": "false"}
        if isinstance(source, Path):
            with source.open("rb") as handle:
                uploaded = await self._send(form, encoded, handle, name)
        else:
            uploaded = await self._send(form, encoded, source, name)
        if uploaded.name == encoded != name:
            # the name was stored undecoded (UNCONFIRMED behaviour): put the real one back
            item = await self.rename(uploaded.resource_id, name)
            uploaded = Uploaded(
                uploaded.resource_id,
                uploaded.parent_id,
                item.name,
                uploaded.permalink,
                uploaded.md5,
                uploaded.size,
                uploaded.info,
            )
        return uploaded

    async def _send(
        self, form: dict[str, str], encoded: str, handle: IO[bytes], name: str
    ) -> Uploaded:
        files = {"content": (encoded, handle, "application/octet-stream")}
        where = f"upload of {safe(name)[:80]!r}"
        try:
            answer = await self._client._call(
                "POST",
                f"{API}/upload",
                credits=0,
                write=True,
                retry_writes=False,
                headers=_ACCEPT,
                params=form,  # as query parameters and as form fields: the docs show both
                data=form,
                files=files,
                timeout=self._timeout,
            )
        except (ZohoConnectionError, ZohoServerError) as err:
            if not err.write_may_have_landed:
                raise
            raise UploadMayHaveLandedError(
                f"the {where} was sent and its answer was lost ({err.title}): the file may be "
                "in the folder — it is not sent again; list the folder to settle it",
                org=self.label,
            ) from None
        try:
            return uploaded_of(answer.body)
        except AnswerShapeError as err:
            raise UploadMayHaveLandedError(
                f"the {where} was answered without a usable result ({err}): the file may be "
                "in the folder — it is not sent again; list the folder to settle it",
                org=self.label,
            ) from None

    async def rename(self, item_id: str, name: str) -> WdItem:
        body = {"data": {"attributes": {"name": name}, "type": "files"}}
        return await self._patch(item_id, body)

    async def trash(self, item_id: str) -> WdItem:
        """Move a file or folder to the trash (status 51); it can be restored in WorkDrive."""
        body = {"data": {"attributes": {"status": "51"}, "type": "files"}}
        return await self._patch(item_id, body)

    async def _patch(self, item_id: str, body: Mapping[str, object]) -> WdItem:
        answer = await self._client._call(
            "PATCH",
            f"{API}/files/{_id(item_id)}",
            credits=0,
            write=True,
            headers={**_ACCEPT, "Content-Type": API_TYPE},
            content=json.dumps(body).encode(),
        )
        return self._shape(one_item, answer.body)

    def _shape(self, parse: Callable[[object], T], body: object) -> T:
        try:
            return parse(body)
        except AnswerShapeError as err:
            raise ZohoAPIError(
                f"WorkDrive answered in an unexpected shape: {err}",
                status_code=200,
                org=self.label,
            ) from None
