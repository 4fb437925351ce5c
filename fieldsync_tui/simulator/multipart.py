"""A streaming ``multipart/form-data`` reader for uploads: fields are kept (small), the file
part is only counted and hashed as it passes, so a gigabyte upload costs no memory."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

MAX_HEADER = 16 * 1024
MAX_FIELD = 64 * 1024
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_NAME = re.compile(r'\bname="((?:[^"\\]|\\.)*)"', re.IGNORECASE)
_FILENAME = re.compile(r'\bfilename="((?:[^"\\]|\\.)*)"', re.IGNORECASE)


class MultipartError(ValueError):
    """The body is not well-formed multipart/form-data."""


class TooLarge(Exception):
    """The file part grew past the limit."""


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    file_field: str | None = None
    part_filename: str | None = None
    size: int = 0
    md5: str = ""


def boundary_of(content_type: str | None) -> bytes:
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise MultipartError("not multipart/form-data")
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise MultipartError("no boundary")
    return match.group(1).encode("latin-1")


async def read_upload(
    chunks: AsyncIterator[bytes], boundary: bytes, file_field: str, max_size: int
) -> Upload:
    """Parse the body; ``file_field`` is streamed through MD5, other parts kept as text."""
    upload = Upload()
    reader = _Reader(chunks)
    await reader.skip_to(b"--" + boundary + b"\r\n")
    delimiter = b"\r\n--" + boundary
    while True:
        headers = (await reader.until(b"\r\n\r\n", MAX_HEADER)).decode("utf-8", "replace")
        name_match = _NAME.search(headers)
        if name_match is None:
            raise MultipartError("a part without a name")
        name = name_match.group(1)
        if name == file_field:
            upload.file_field = name
            filename = _FILENAME.search(headers)
            upload.part_filename = filename.group(1) if filename else None
            digest = hashlib.md5(usedforsecurity=False)
            async for piece in reader.stream_until(delimiter):
                upload.size += len(piece)
                if upload.size > max_size:
                    raise TooLarge()
                digest.update(piece)
            upload.md5 = digest.hexdigest()
        else:
            raw = await reader.until(delimiter, MAX_FIELD)
            upload.fields[name] = raw.decode("utf-8", "replace")
        tail = await reader.take(2)
        if tail == b"--":
            return upload
        if tail != b"\r\n":
            raise MultipartError("bad delimiter")


class _Reader:
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""
        self._eof = False

    async def _more(self) -> None:
        try:
            self._buf += await self._chunks.__anext__()
        except StopAsyncIteration:
            self._eof = True
            raise MultipartError("the body ended early") from None

    async def take(self, n: int) -> bytes:
        while len(self._buf) < n:
            await self._more()
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    async def skip_to(self, marker: bytes) -> None:
        while marker not in self._buf:
            if len(self._buf) > MAX_HEADER:
                raise MultipartError("no opening boundary")
            await self._more()
        self._buf = self._buf[self._buf.index(marker) + len(marker) :]

    async def until(self, marker: bytes, limit: int) -> bytes:
        while marker not in self._buf:
            if len(self._buf) > limit:
                raise MultipartError("a part is too long")
            await self._more()
        at = self._buf.index(marker)
        out, self._buf = self._buf[:at], self._buf[at + len(marker) :]
        return out

    async def stream_until(self, marker: bytes) -> AsyncIterator[bytes]:
        keep = len(marker) - 1
        while True:
            at = self._buf.find(marker)
            if at >= 0:
                out, self._buf = self._buf[:at], self._buf[at + len(marker) :]
                if out:
                    yield out
                return
            if len(self._buf) > keep:
                out, self._buf = self._buf[:-keep], self._buf[-keep:]
                yield out
            await self._more()
