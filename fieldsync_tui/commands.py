"""``fieldsync check``, ``fieldsync history`` and ``fieldsync undo`` (DESIGN §3, §6).

Headless like ``--auto``: never imports textual. Exit codes as in ``cli.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final, TextIO

import httpx

from fieldsync_tui.clients import build_clients, start_logging
from fieldsync_tui.config import ConfigErrors, Settings, load_state_dir
from fieldsync_tui.core.journal import JOURNAL_NAME, Journal
from fieldsync_tui.core.lock import LockHeldError
from fieldsync_tui.fields.startup import Connected, StartupError, connect
from fieldsync_tui.fields.undo import UndoError, undo_run
from fieldsync_tui.logs import redact, teardown_logging
from fieldsync_tui.progress import (
    ProgressPrinter,
    format_history,
    format_undo_summary,
    print_problems,
    settings_or_exit_code,
)
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import ZohoError
from fieldsync_tui.zoho.forms import FORMS_FILE, ROADS
from fieldsync_tui.zoho.probe import probe_forms
from fieldsync_tui.zoho.regions import REGIONS

HISTORY_LIMIT: Final = 50


def run_command(args: argparse.Namespace) -> int:
    """Dispatch ``check`` / ``history`` / ``undo``."""
    if args.command == "history":
        return history(args.env_file)
    settings = settings_or_exit_code(args.env_file)
    if isinstance(settings, int):
        return settings
    if args.command == "check":
        return check(settings, probe=bool(getattr(args, "probe", False)))
    return undo(
        settings,
        args.run_id,
        tuple(args.undo_record_id or ()),
        dry_run=bool(args.undo_dry_run),
    )


def history(env_file: Path | None, stdout: TextIO | None = None) -> int:
    """Past runs with their counts, newest first (no credentials needed)."""
    out = stdout or sys.stdout
    try:
        state_dir = load_state_dir(env_file=env_file)
    except ConfigErrors as err:
        return print_problems("configuration", err.problems)
    if not (state_dir / JOURNAL_NAME).exists():
        out.write(f"no runs yet (no journal in {safe(str(state_dir))})\n")
        return 0
    with Journal.open(state_dir) as journal:
        out.write(format_history(journal.list_runs(HISTORY_LIMIT), journal.run_rows))
    return 0


async def _with_orgs(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
    body: Callable[[Connected], Awaitable[int]],
) -> int:
    client_a, client_b = build_clients(settings, transport)
    try:
        connected = await connect(settings, client_a, client_b)
        return await body(connected)
    except StartupError as err:
        return print_problems("start-up", [redact(p) for p in err.problems])
    except ZohoError as err:
        sys.stderr.write(f"fieldsync: {err.title}: {redact(safe(str(err)))}\n")
        return 1
    finally:
        await client_a.aclose()
        await client_b.aclose()


def check(
    settings: Settings,
    *,
    probe: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Configuration, tokens, org identities and field metadata; no record is read.
    ``probe``: then each undocumented query form, with LIMIT 1 queries (``zoho.probe``)."""
    out = stdout or sys.stdout
    if start_logging(settings, sys.stderr) is None:
        return 1

    async def report(connected: Connected) -> int:
        f = settings.fields
        for ctx in (connected.a, connected.b):
            triggers = ",".join(ctx.triggers) or "none"
            out.write(
                f"Org {ctx.label}: {safe(ctx.info.name)} (id {safe(ctx.info.id)}), region "
                f"{ctx.region}, module {f.module}, {len(ctx.fields)} fields, "
                f"write triggers: {triggers}\n"
            )
            region = REGIONS.get(ctx.region)
            if region is not None and not region.workdrive_confirmed:
                out.write(
                    f"Org {ctx.label}: note: no Zoho page lists WorkDrive in region "
                    f"{ctx.region}; the files job uses {region.workdrive_api_url} (unconfirmed)\n"
                )
        updated = f.updated_from or "(never written)"
        out.write(
            f"fields: name {f.name}, URL {f.url}, folder id {f.folder_id}, "
            f"checkbox (A) {f.checkbox}, updated-from (B) {updated}\n"
        )
        if probe:
            for ctx in (connected.a, connected.b):
                await _probe(settings, ctx.label, ctx.client, out)
        if settings.team_folder_id:
            from fieldsync_tui.files_commands import check_files

            client_pair = (connected.a.client, connected.b.client)
            if await check_files(settings, client_pair, out):
                return 1
        out.write("check passed: both orgs reachable, fields usable\n")
        logging.getLogger("fieldsync").info("check passed")
        return 0

    try:
        return asyncio.run(_with_orgs(settings, transport, report))
    finally:
        teardown_logging()


async def _probe(settings: Settings, label: str, client: object, out: TextIO) -> None:
    """``check --probe`` for one org: try each form, print what it accepts (and store it)."""
    if not isinstance(client, ZohoClient):
        return
    f = settings.fields
    fields = f.a_fields() if label == "A" else f.b_fields()
    checkbox = f.checkbox if label == "A" else None
    findings, calls = await probe_forms(
        client, client.reader.store, f.module, [x for x in fields if x != "id"], checkbox
    )
    out.write(f"Org {label}: query forms ({calls} LIMIT 1 calls):\n")
    for finding in findings:
        verdict = {True: "accepted", False: "refused", None: "not probed"}[finding.accepted]
        note = f" ({safe(finding.note)})" if finding.note else ""
        out.write(f"  {finding.form}: {verdict}{note}\n")
    forms = client.reader.forms
    ladder = [r for r in ROADS if r not in forms.refused]
    out.write(
        f"  reads will take: {' → '.join(ladder) or 'no road left'} "
        f"(ZOHO_READ_STRATEGY={settings.read_strategy}; stored in "
        f"{safe(str(settings.state_dir / FORMS_FILE))})\n"
    )


def undo(
    settings: Settings,
    run_id: str,
    record_ids: tuple[str, ...] = (),
    *,
    dry_run: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    stdout: TextIO | None = None,
) -> int:
    """``fieldsync undo RUN_ID``: a journalled run that puts back what ``run_id`` wrote.

    An unknown run (or a dry run) is refused before any network call; ``--record-id`` ids
    that are not rows of the run are named on stderr."""
    out = stdout or sys.stdout
    problem = _undo_precheck(settings.state_dir, run_id, record_ids)
    if problem:
        sys.stderr.write(f"fieldsync: {problem}\n")
        return 1
    if _run_job(settings.state_dir, run_id) == "files":
        from fieldsync_tui.files_commands import undo_files

        command = f"fieldsync undo {run_id}"
        return undo_files(
            settings,
            run_id,
            record_ids,
            dry_run=dry_run,
            command=command,
            transport=transport,
            stdout=out,
        )
    logger = start_logging(settings, sys.stderr)
    if logger is None:
        return 1
    printer = ProgressPrinter(sys.stderr)

    async def body(connected: Connected) -> int:
        with Journal.open(settings.state_dir) as journal:
            summary = await undo_run(
                settings,
                connected,
                journal,
                run_id,
                record_ids,
                dry_run=dry_run,
                on_event=printer.event,
                logger=logger,
            )
        printer.close()
        out.write(format_undo_summary(summary, run_id))
        return 1 if summary.exit_code else 0

    try:
        return asyncio.run(_with_orgs(settings, transport, body))
    except (UndoError, LockHeldError) as err:
        sys.stderr.write(f"fieldsync: {redact(safe(str(err)))}\n")
        return 1
    finally:
        printer.close()
        teardown_logging()


def _run_job(state_dir: Path, run_id: str) -> str | None:
    with Journal.open(state_dir) as journal:
        run = journal.get_run(run_id)
    return run.job if run is not None else None


def _undo_precheck(state_dir: Path, run_id: str, record_ids: tuple[str, ...]) -> str | None:
    """Why ``undo run_id`` cannot start (no network needed to know), else ``None``."""
    if not (state_dir / JOURNAL_NAME).exists():
        return f"no run {safe(run_id)!r}: no journal in {safe(str(state_dir))}"
    with Journal.open(state_dir) as journal:
        run = journal.get_run(run_id)
        if run is None:
            return f"no run {safe(run_id)!r} in the journal (see: fieldsync history)"
        if run.dry_run:
            return f"run {safe(run_id)} was a dry run: it wrote nothing to undo"
        rows = {j.a_id for j in journal.run_rows(run_id)}
    for a_id in dict.fromkeys(record_ids):
        if a_id not in rows:
            sys.stderr.write(
                f"fieldsync: --record-id {safe(a_id)}: not a row of run {safe(run_id)}\n"
            )
    return None
