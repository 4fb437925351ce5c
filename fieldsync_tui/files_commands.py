"""``check`` and ``undo`` for the files job (DESIGN §9.1, §9.6), called by ``commands``."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TextIO

import httpx

from fieldsync_tui.clients import build_clients, start_logging
from fieldsync_tui.config import Settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.lock import LockHeldError
from fieldsync_tui.files.settings import files_settings
from fieldsync_tui.files.startup import FilesStartupError, connect_files
from fieldsync_tui.files.undo import undo_files_run
from fieldsync_tui.logs import redact, teardown_logging
from fieldsync_tui.progress import print_problems
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import ZohoError
from fieldsync_tui.zoho.workdrive import WorkDrive


async def check_files(settings: Settings, client_a_b: tuple[object, object], out: TextIO) -> int:
    """The files job's part of ``check`` (only when ``ORG_B_TEAM_FOLDER_ID`` is set)."""
    from fieldsync_tui.zoho.client import ZohoClient

    client_a, client_b = client_a_b
    assert isinstance(client_a, ZohoClient) and isinstance(client_b, ZohoClient)
    fs = files_settings(settings)
    try:
        connected = await connect_files(
            fs.fields, fs.team_folder_id, client_a, client_b, WorkDrive(client_b)
        )
    except FilesStartupError as err:
        return print_problems("files job", [redact(p) for p in err.problems])
    except ZohoError as err:
        sys.stderr.write(f"fieldsync: files job: {err.title}: {redact(safe(str(err)))}\n")
        return 1
    f = fs.fields
    out.write(
        f"files job: team folder {safe(connected.team_folder_name)!r} ({fs.team_folder_id}), "
        f"files checkbox (A) {f.files_checkbox}, URL {f.url}, folder id {f.folder_id}\n"
    )
    return 0


def undo_files(
    settings: Settings,
    run_id: str,
    record_ids: tuple[str, ...],
    *,
    dry_run: bool,
    command: str,
    transport: httpx.AsyncBaseTransport | None = None,
    stdout: TextIO | None = None,
) -> int:
    out = stdout or sys.stdout
    logger = start_logging(settings, sys.stderr)
    if logger is None:
        return 1

    async def body() -> int:
        client_a, client_b = build_clients(settings, transport)
        try:
            with Journal.open(settings.state_dir) as journal:
                result = await undo_files_run(
                    files_settings(settings),
                    client_a,
                    WorkDrive(client_b),
                    journal,
                    run_id,
                    record_ids,
                    dry_run=dry_run,
                    command=command,
                    logger=logging.getLogger("fieldsync"),
                )
        finally:
            await client_a.aclose()
            await client_b.aclose()
        what = " (dry run)" if dry_run else ""
        out.write(
            f"fieldsync undo {safe(run_id)}: run {result.run_id}{what}\n"
            f"restored: {result.restored} records, unticked: {result.unticked}, "
            f"files trashed: {result.trashed}, kept: {len(result.kept)}, "
            f"failed: {len(result.failed)}\n"
        )
        for text in result.failed:
            out.write(f"failed: {text}\n")
        return result.exit_code

    try:
        return asyncio.run(body())
    except (LockHeldError, ZohoError) as err:
        sys.stderr.write(f"fieldsync: {redact(safe(str(err)))}\n")
        return 1
    finally:
        teardown_logging()
