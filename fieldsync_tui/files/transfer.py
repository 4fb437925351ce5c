"""One file of the §9.5 protocol, step 4: download (streamed to a temporary file under
``FIELDSYNC_STATE_DIR``, size and MD5 on the way), upload with ``override-name-exist=false``,
journal what WorkDrive answered, compare MD5s.

* a 409 / name taken → the folder is listed again, the name planned again (journalled), and
  the upload retried, at most ``MAX_REPLANS`` times;
* an upload whose answer was lost is looked for first — by name and size, among files that
  were not in the folder before it was sent, re-listing with backoff; if it cannot be settled
  the file is ``failed`` for review and never sent a second time (its name stays reserved: a
  later run finds it there by name and size, or uploads it under that name);
* fatal errors (credits, authentication, licence, storage, the temporary disk full) raise
  :class:`FatalStop`: the run stops.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.journal_items import CONFIRMED, FAILED, ItemRecord, record_items
from fieldsync_tui.files.convert import folder_files
from fieldsync_tui.files.model import CopyOutcome, FilePlan, FileResult, FolderFile
from fieldsync_tui.files.names import replan
from fieldsync_tui.files.presence import lost_upload, unreadable_copy
from fieldsync_tui.files.store import intent
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.attachments import Attachment as CrmAttachment
from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.errors import (
    AuthError,
    CreditsExhaustedError,
    UploadMayHaveLandedError,
    ZohoAuthenticationError,
    ZohoError,
    ZohoLicenceError,
    ZohoNameClashError,
    ZohoStorageFullError,
)
from fieldsync_tui.zoho.wd_items import Uploaded
from fieldsync_tui.zoho.workdrive import WorkDrive

MAX_REPLANS = 3
VERSIONED = "VERSIONED"
"""The code of an upload WorkDrive stored as a new version of a file already there."""
SETTLE_DELAYS: tuple[float, ...] = (0.3, 0.7, 1.5, 3.0, 5.0)
"""Re-listings looking for an upload whose answer was lost (about 10 s in all)."""
FATAL_ERRORS: tuple[type[ZohoError], ...] = (
    CreditsExhaustedError,
    AuthError,
    ZohoAuthenticationError,
    ZohoLicenceError,
    ZohoStorageFullError,
)


@asynccontextmanager
async def _go() -> AsyncIterator[bool]:
    yield True


class FatalStop(Exception):
    """The run stops (DESIGN §9.5 "Fatal"); ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fatal_reason(err: BaseException) -> str | None:
    if isinstance(err, FATAL_ERRORS) or getattr(err, "stops_run", False):
        return f"{getattr(err, 'title', 'error')}: {err}"
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the temporary directory's disk is full ({err.strerror})"
    return None


def _versioned(uploaded: Uploaded, before: set[str]) -> bool:
    """The upload became a new version of a file already there: its id was listed before,
    or the answer's ``File INFO`` says a version above 1 (when it says one: UNCONFIRMED)."""
    version = uploaded.info.get("version")
    newer = isinstance(version, int | str) and str(version).isdigit() and int(version) > 1
    return uploaded.resource_id in before or newer


def error_code(err: BaseException) -> str:
    code = getattr(err, "code", None)
    return str(code) if code else type(err).__name__


@dataclass(slots=True)
class FolderState:
    """A folder during one batch: its files as last listed plus this run's uploads, and the
    planned names of every file still to copy into it (a new name avoids them all)."""

    folder_id: str
    files: list[FolderFile]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def names(self) -> list[str]:
        return [f.name for f in self.files]

    def ids(self) -> set[str]:
        return {f.resource_id for f in self.files}


@dataclass(slots=True)
class Copier:
    """Copies files for one run (shared by the batches)."""

    run_id: str
    module: str
    attachments: CrmAttachments
    drive: WorkDrive
    journal: Journal
    temp_dir: Path
    planned_at: datetime
    on_bytes: Callable[[int], None] = lambda n: None
    settle_delays: Sequence[float] = SETTLE_DELAYS

    async def copy(
        self,
        a_id: str,
        plan: FilePlan,
        folder: FolderState,
        slot: AbstractAsyncContextManager[bool] | None = None,
    ) -> FileResult | None:
        """Copy one file; a fatal error raises :class:`FatalStop` (after journalling it
        failed); every other failure is the file's ``failed`` result.

        ``slot`` is held around the download (the caller's download slots); entering it
        answers whether the file may start — False: nothing done, ``None`` returned."""
        att = plan.attachment
        tmp = self.temp_dir / f"{self.run_id}-{att.id}.part"
        try:
            async with slot or _go() as go:
                if not go:
                    return None
                if plan.reserved and unreadable_copy(plan.dest_name, att.size, folder.files):
                    return await self._settle_reserved(a_id, plan, folder)
                try:
                    size, md5 = await self._download(a_id, plan, tmp)
                except Exception as err:
                    return self._failed(a_id, plan, folder, err, "download")
            return await self._upload(a_id, plan, folder, tmp, size, md5)
        finally:
            tmp.unlink(missing_ok=True)

    async def _download(self, a_id: str, plan: FilePlan, tmp: Path) -> tuple[int, str]:
        att = plan.attachment
        source = CrmAttachment(att.id, att.file_name, att.size, "File")
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as sink:
            got = await self.attachments.download(self.module, a_id, source, sink)
        return got.size, got.md5

    async def _upload(
        self, a_id: str, plan: FilePlan, folder: FolderState, tmp: Path, size: int, md5: str
    ) -> FileResult:
        for attempt in range(MAX_REPLANS + 1):
            before = folder.ids()
            try:
                uploaded = await self.drive.upload(folder.folder_id, plan.dest_name, tmp)
            except ZohoNameClashError as err:
                if attempt == MAX_REPLANS:
                    return self._failed(a_id, plan, folder, err, "upload")
                plan = await self._replan(a_id, plan, folder)
                continue
            except UploadMayHaveLandedError as err:
                found = await self._settle(plan, folder, size, before)
                if found is None:
                    return self._failed(a_id, plan, folder, err, "upload", keep_intent=True)
                return self._confirmed(a_id, plan, folder, found, md5, None)
            except Exception as err:
                return self._failed(a_id, plan, folder, err, "upload")
            file = FolderFile(uploaded.resource_id, uploaded.name, size)
            if _versioned(uploaded, before):  # WorkDrive made it a version of another file
                result = self._confirmed(a_id, plan, folder, file, md5, uploaded.md5)
                text = (
                    f"WorkDrive stored it as a new version of the existing file "
                    f"{safe(uploaded.name)!r} (a name taken after the folder was listed)"
                )
                # journalled as such: undo never trashes another's file with its history
                j = file.name, CONFIRMED, file.resource_id, md5, f"{VERSIONED}: {text}"
                self._journal(a_id, plan, folder, *j)
                return FileResult(
                    CopyOutcome.FAILED, "upload", result.resource_id, file.name, VERSIONED, text
                )
            return self._confirmed(a_id, plan, folder, file, md5, uploaded.md5)
        raise AssertionError("unreachable")

    async def _replan(self, a_id: str, plan: FilePlan, folder: FolderState) -> FilePlan:
        async with folder.lock:
            folder.files = folder_files(await self.drive.list_folder(folder.folder_id))
            again = replan(plan, folder.names(), self.planned_at)
            record_items(self.journal, [intent(self.run_id, a_id, folder.folder_id, again)])
            return again

    async def _settle_reserved(self, a_id: str, plan: FilePlan, folder: FolderState) -> FileResult:
        """An earlier run's unconfirmed name holds a file whose size cannot be read yet: it
        is looked for until its size reads; never sent again while it cannot be settled."""
        att = plan.attachment
        unread = {f.resource_id for f in folder.files if not f.size}
        found = await self._settle(plan, folder, att.size or 0, set(), unread)
        if found is None:
            text = (
                f"an earlier upload may be {safe(plan.dest_name)!r} in the folder (its size "
                "cannot be read yet); not sent again — run again later"
            )
            return FileResult(CopyOutcome.FAILED, "upload", None, plan.dest_name, "UNSETTLED", text)
        folder.files = [f for f in folder.files if f.resource_id != found.resource_id] + [found]
        text = "an earlier run's upload, found once its size could be read"
        self._journal(a_id, plan, folder, found.name, CONFIRMED, found.resource_id, None, text)
        return FileResult(CopyOutcome.COPIED, None, found.resource_id, found.name)

    async def _settle(
        self,
        plan: FilePlan,
        folder: FolderState,
        size: int,
        before: set[str],
        open_ids: Collection[str] = (),
    ) -> FolderFile | None:
        """The lost upload in the folder (``presence.lost_upload``): a file not there before
        it was sent (``open_ids`` excepted) and not this run's copy of another attachment."""
        for delay in self.settle_delays:
            await asyncio.sleep(delay)
            try:
                listed = folder_files(await self.drive.list_folder(folder.folder_id))
            except ZohoError as err:
                if fatal_reason(err):
                    raise
                continue
            claimed = {i for i in before | folder.ids() if i not in open_ids}
            found = lost_upload(plan.dest_name, size, listed, claimed)
            if found is not None:
                return found
        return None

    def _confirmed(
        self,
        a_id: str,
        plan: FilePlan,
        folder: FolderState,
        file: FolderFile,
        md5: str,
        their_md5: str | None,
    ) -> FileResult:
        att = plan.attachment
        folder.files.append(file)
        same = their_md5 is None or their_md5.lower() == md5.lower()
        message = None if same else f"WorkDrive's MD5 {their_md5} differs from ours {md5}"
        self._journal(a_id, plan, folder, file.name, CONFIRMED, file.resource_id, md5, message)
        self.on_bytes(att.bytes)
        if not same:
            return FileResult(
                CopyOutcome.FAILED,
                "md5_mismatch",
                file.resource_id,
                file.name,
                "MD5_MISMATCH",
                f"WorkDrive's MD5 {their_md5} differs from ours {md5}",
            )
        return FileResult(CopyOutcome.COPIED, None, file.resource_id, file.name)

    def _journal(
        self,
        a_id: str,
        plan: FilePlan,
        folder: FolderState,
        dest_name: str,
        status: str,
        resource_id: str | None = None,
        md5: str | None = None,
        message: str | None = None,
    ) -> None:
        att = plan.attachment
        item = ItemRecord(
            self.run_id,
            a_id,
            att.id,
            folder.folder_id,
            att.file_name,
            att.size,
            dest_name,
            status,
            resource_id,
            md5,
            message,
        )
        record_items(self.journal, [item])

    def _failed(
        self,
        a_id: str,
        plan: FilePlan,
        folder: FolderState,
        err: BaseException,
        where: str,
        *,
        keep_intent: bool = False,
    ) -> FileResult:
        reason = fatal_reason(err)
        text = safe(str(err))[:300]
        if not keep_intent:
            self._journal(a_id, plan, folder, plan.dest_name, FAILED, message=text)
        if reason is not None:
            raise FatalStop(safe(reason)) from None
        return FileResult(CopyOutcome.FAILED, where, None, plan.dest_name, error_code(err), text)
