"""CRM record attachments (ZOHO_WORKDRIVE §1–§2): list them, and download a file attachment
streamed into a sink with its size and MD5 computed on the way — never whole in memory.

* the list always sends ``fields`` (Zoho answers 400 REQUIRED_PARAM_MISSING without it) and
  pages by ``per_page`` ≤ 200; 204 and 200 ``data: []`` both mean "none";
* ``Size`` is a string; ``$type`` tells a file (``File``) from a link (``Link URL``);
* a link is never downloaded (:class:`DownloadNotAllowedError` before any call);
* a body shorter than ``Size`` or ``Content-Length`` is :class:`IncompleteDownloadError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final, Protocol

import httpx

from fieldsync_tui.text import safe
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.disposition import filename_of
from fieldsync_tui.zoho.errors import (
    DownloadNotAllowedError,
    IncompleteDownloadError,
    ZohoAPIError,
    ZohoNotFoundError,
)
from fieldsync_tui.zoho.query import coql_id, validate_api_name
from fieldsync_tui.zoho.records import rows_of
from fieldsync_tui.zoho.streaming import open_stream

FIELDS: Final = (
    "id",
    "File_Name",
    "Size",
    "$type",
    "$link_url",
    "$file_id",
    "Created_Time",
    "Modified_Time",
)
PER_PAGE_MAX: Final = 200
MAX_PAGES: Final = 500
FILE: Final = "File"
LINK: Final = "Link URL"
IDLE_TIMEOUT: Final = 60.0


class Sink(Protocol):
    """Where downloaded bytes go (an open binary file)."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True, slots=True)
class Attachment:
    id: str
    file_name: str
    size: int | None  # from the ``Size`` string; None when absent or not a number
    kind: str  # ``File`` or ``Link URL`` (``$type``)
    link_url: str | None = None
    file_id: str | None = None
    created_time: str | None = None
    modified_time: str | None = None

    @property
    def is_link(self) -> bool:
        return self.kind != FILE


@dataclass(frozen=True, slots=True)
class Download:
    """What a download wrote: byte count, MD5 (hex) and the header's file name, if any."""

    size: int
    md5: str
    header_name: str | None
    content_type: str | None


def _size(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def attachment_of(row: dict[str, Any]) -> Attachment | None:
    """An :class:`Attachment` from one ``data[]`` row (None without a usable id)."""
    aid = row.get("id")
    if not isinstance(aid, str | int) or isinstance(aid, bool) or not str(aid).isdigit():
        return None
    link = _text(row.get("$link_url"))
    kind = _text(row.get("$type")) or (LINK if link else FILE)
    return Attachment(
        id=str(aid),
        file_name=_text(row.get("File_Name")) or "",
        size=_size(row.get("Size")),
        kind=kind,
        link_url=link,
        file_id=_text(row.get("$file_id")),
        created_time=_text(row.get("Created_Time")),
        modified_time=_text(row.get("Modified_Time")),
    )


class CrmAttachments:
    """Attachments of one org's records, through that org's :class:`ZohoClient`."""

    def __init__(
        self,
        client: ZohoClient,
        *,
        per_page: int = PER_PAGE_MAX,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        if not 1 <= per_page <= PER_PAGE_MAX:
            raise ValueError(f"per_page must be within 1..{PER_PAGE_MAX}")
        self._client = client
        self._per_page = per_page
        self._timeout = httpx.Timeout(idle_timeout)  # per read/write: an idle timeout, no total

    @staticmethod
    def _path(module: str, record_id: str) -> str:
        return f"/crm/v8/{validate_api_name(module)}/{coql_id(record_id)}/Attachments"

    async def list(self, module: str, record_id: str) -> list[Attachment]:
        """Every attachment of the record (files and links), in Zoho's order."""
        path = self._path(module, record_id)
        base = {"fields": ",".join(FIELDS), "per_page": str(self._per_page)}
        found: dict[str, Attachment] = {}
        paging: dict[str, str] = {"page": "1"}
        for page in range(1, MAX_PAGES + 1):
            answer = await self._client._call("GET", path, params={**base, **paging})
            rows = rows_of(answer.body)
            parsed = [a for row in rows if (a := attachment_of(row)) is not None]
            fresh = [a for a in parsed if a.id not in found]
            if parsed and not fresh:
                raise ZohoAPIError(
                    f"attachment paging of record {record_id} did not advance (page {page}): "
                    "the list is incomplete",
                    status_code=answer.status,
                    org=self._client.label,
                )
            for attachment in fresh:
                found[attachment.id] = attachment
            info = answer.body.get("info") if isinstance(answer.body, dict) else None
            more = info.get("more_records") if isinstance(info, dict) else None
            if not rows or more is False or (more is None and len(rows) < self._per_page):
                break
            token = info.get("next_page_token") if isinstance(info, dict) else None
            paging = (
                {"page_token": token}
                if isinstance(token, str) and token
                else {"page": str(page + 1)}
            )
        return list(found.values())

    async def download(
        self, module: str, record_id: str, attachment: Attachment, sink: Sink
    ) -> Download:
        """Stream the file into ``sink``; size and MD5 computed on the way."""
        if attachment.is_link:
            raise DownloadNotAllowedError(
                f"attachment {attachment.id} is a link ({safe(attachment.kind)[:20]}), not a file: "
                "links are listed, never downloaded",
                status_code=400,
                code="DOWNLOAD_NOT_ALLOWED",
                org=self._client.label,
            )
        path = f"{self._path(module, record_id)}/{coql_id(attachment.id)}"
        digest = hashlib.md5(usedforsecurity=False)
        size = 0
        async with open_stream(self._client, "GET", path, timeout=self._timeout) as response:
            if response.status_code == 204:
                raise ZohoNotFoundError(
                    f"attachment {attachment.id} of record {record_id} is gone (HTTP 204)",
                    status_code=204,
                    code="NO_CONTENT",
                    org=self._client.label,
                )
            announced = _size(response.headers.get("content-length"))
            if "content-encoding" in response.headers:
                announced = None  # the length is of the encoded body
            try:
                async for chunk in response.aiter_bytes():
                    digest.update(chunk)
                    size += len(chunk)
                    sink.write(chunk)
            except httpx.HTTPError as err:
                raise IncompleteDownloadError(
                    f"the download of attachment {attachment.id} broke off after {size} bytes "
                    f"({type(err).__name__})",
                    org=self._client.label,
                ) from None
            header_name = filename_of(response.headers.get("content-disposition"))
            content_type = response.headers.get("content-type")
        for expected, what in ((announced, "Content-Length"), (attachment.size, "Size")):
            if expected is not None and size != expected:
                raise IncompleteDownloadError(
                    f"the download of attachment {attachment.id} gave {size} bytes, its {what} "
                    f"says {expected}: not a whole file",
                    org=self._client.label,
                )
        return Download(size, digest.hexdigest(), header_name, content_type)


__all__ = ["FIELDS", "Attachment", "CrmAttachments", "Download", "Sink"]
