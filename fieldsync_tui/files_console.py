"""``fieldsync files`` and ``fieldsync files --demo``: the files job's console (DESIGN §9.6) —
wiring only: settings → clients → start-up checks → the files session behind the console's
port (``files.console``), with the files job's rules and view. Screens never build clients.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from fieldsync_tui.simulator import Simulator

from fieldsync_tui.app import (
    DEMO_EXPORTS,
    EXPORTS,
    BackendFactory,
    run_app,
    run_demo,
)
from fieldsync_tui.clients import build_clients
from fieldsync_tui.config import Settings, demo_settings, secret_values
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.suggest import NameSuggester
from fieldsync_tui.files import JOB
from fieldsync_tui.files.console import FilesConsoleOptions, FilesConsoleSession
from fieldsync_tui.files.rules import FILES_RULES
from fieldsync_tui.files.session import FilesClients, FilesOptions, FilesSession
from fieldsync_tui.files.settings import files_settings
from fieldsync_tui.files.startup import FilesStartupError, connect_files
from fieldsync_tui.screens.files_view import FILES_VIEW
from fieldsync_tui.screens.session_port import ConsoleBackend
from fieldsync_tui.text import safe
from fieldsync_tui.widgets.org_header import HeaderInfo, OrgLine

DEMO_RECORDS = 40
DEMO_SEED = 7
DEMO_LATENCY_MS = 40.0
DEMO_FAILS_ONCE = 1  # files whose first download fails (R then copies them)


class FilesConsoleError(Exception):
    """Start-up problems of the files job, each naming what to fix (shown in the error modal)."""


def files_header(
    settings: Settings, names: tuple[str, str], folder: str, options: FilesOptions, demo: bool
) -> HeaderInfo:
    fs = files_settings(settings)
    notes = [f"team folder {folder}"]
    if options.tick_empty:
        notes.append("--tick-empty: no_files records are ticked")
    writes = (
        f"files are copied into Org B's WorkDrive ({names[1]}) and Org A ({names[0]}) gets "
        "each record's folder URL / id and its files tick"
    )
    return HeaderInfo(
        OrgLine("A", names[0], fs.region_a, fs.a_triggers),
        OrgLine("B", names[1], fs.region_b),
        fs.fields.module,
        options.dry_run,
        demo,
        job=JOB,
        notes=tuple(notes),
        writes=writes,
    )


def files_connector(
    settings: Settings,
    options: FilesOptions,
    transport: httpx.AsyncBaseTransport | None = None,
    export_dir: Path | None = None,
    demo: bool = False,
) -> BackendFactory:
    async def connect() -> ConsoleBackend:
        client_a, client_b = build_clients(settings, transport)
        clients = FilesClients.of(client_a, client_b)
        fs = files_settings(settings)

        async def close_clients() -> None:
            await client_a.aclose()
            await client_b.aclose()

        try:
            connected = await connect_files(
                fs.fields, fs.team_folder_id, client_a, client_b, clients.drive
            )
        except FilesStartupError as err:
            await close_clients()
            raise FilesConsoleError("\n".join(err.problems)) from None
        except BaseException:
            await close_clients()
            raise
        journal = Journal.open(settings.state_dir)

        async def close() -> None:
            await close_clients()
            journal.close()

        logger = logging.getLogger("fieldsync.files")
        session = FilesSession(fs, clients, journal, options, logger)
        triggers = ",".join(fs.a_triggers) or "none"
        adapter = FilesConsoleSession(
            session, FilesConsoleOptions(options.dry_run, options.tick_empty, triggers)
        )
        names = (connected.a_info.name, connected.b_info.name)
        return ConsoleBackend(
            session=adapter,
            rules=FILES_RULES,
            header=files_header(settings, names, connected.team_folder_name, options, demo),
            history=journal,
            make_suggester=NameSuggester.build,
            discard_run=journal.mark_interrupted,
            export_dir=export_dir or settings.state_dir / EXPORTS,
            close=close,
            view=FILES_VIEW,
        )

    return connect


def run_files_console(settings: Settings, options: FilesOptions) -> int:
    return run_app(files_connector(settings, options))


def files_demo_connector(
    options: FilesOptions, tmp: Path, latency_ms: float = DEMO_LATENCY_MS
) -> tuple[Settings, BackendFactory]:
    """Settings and a factory for the built-in simulated orgs with the files demo data:
    every class, renames, links, a shared folder, and a file whose first download fails."""
    from fieldsync_tui.simulator import SimConfig, Simulator
    from fieldsync_tui.simulator.dataset import populate_demo
    from fieldsync_tui.simulator.files_dataset import populate_files_demo

    sim = Simulator(SimConfig(latency_ms=latency_ms, seed=DEMO_SEED))
    populate_demo(sim, records=DEMO_RECORDS, seed=DEMO_SEED)
    populate_files_demo(sim.org("A"), sim.org("B").workdrive, sim.team_folder_id, DEMO_SEED)
    demo_extras(sim)
    settings = demo_settings(sim.env("http://127.0.0.1"), tmp)
    connect = files_connector(settings, options, sim.transport(), DEMO_EXPORTS, demo=True)
    return settings, connect


def demo_extras(sim: Simulator) -> None:
    """What the seeded demo data may lack, so every class and case is on screen: a record
    whose folder was never created (a near name exists: ``unmatched``), two records sharing
    one folder, a clash renamed by the seed's pattern, and a file whose first download fails
    (``R`` then copies it)."""
    org_a, drive, root = sim.org("A"), sim.org("B").workdrive, sim.team_folder_id
    name, files = org_a.config.name_field, org_a.attachments
    now = drive.now_ms()
    lonely = org_a.add_record({name: "Northwind Traders Ltd"})
    files.add_file(lonely, "Contract.pdf", 48_000, seed=11)
    drive.add_folder(root, "Northwind Trading Ltd", modified_ms=now - 86_400_000)
    harbor = drive.add_folder(root, "Harbor Logistics GmbH", modified_ms=now - 3_600_000)
    drive.add_file(harbor, "delivery note.pdf", 1_000, md5="")  # not ours: the copy is renamed
    first = org_a.add_record({name: "Harbor Logistics GmbH"})
    files.add_file(first, "delivery note.pdf", 240_000, seed=12)
    flaky = files.add_file(first, "site photo.jpg", 900_000, seed=13)
    files.add_link(first, "Harbor tracking", "https://example.com/track?id=7")
    second = org_a.add_record({name: "HARBOR  LOGISTICS  GmbH"})
    files.add_file(second, "customs form.pdf", 64_000, seed=14)
    sim.faults.fail_next(
        DEMO_FAILS_ONCE, 400, org="A", path_contains=f"/Attachments/{flaky}", method="GET"
    )


def run_files_demo_console(options: FilesOptions) -> int:
    """``fieldsync files --demo``: the files console on in-process simulated orgs."""
    return run_demo(lambda tmp: files_demo_connector(options, tmp), "fieldsync-files-demo-")


def main_files_console(args: argparse.Namespace) -> int:
    """Entry from ``cli.py`` for ``fieldsync files`` without ``--auto`` (a terminal is there)."""
    from fieldsync_tui.files_auto import FilesAutoOptions
    from fieldsync_tui.logs import setup_logging, teardown_logging
    from fieldsync_tui.progress import print_problems, settings_or_exit_code

    options = replace(FilesAutoOptions.from_args(args), mode="console")
    if args.demo:
        return run_files_demo_console(options)
    settings = settings_or_exit_code(args.env_file)
    if isinstance(settings, int):
        return settings
    if not settings.team_folder_id:
        return print_problems(
            "configuration", ["ORG_B_TEAM_FOLDER_ID: missing (required by fieldsync files)"]
        )
    for warning in settings.warnings:
        sys.stderr.write(f"fieldsync: warning: {warning}\n")
    try:
        setup_logging(settings.log_dir, secrets=secret_values(settings))
    except OSError as err:
        where = safe(str(settings.log_dir))
        sys.stderr.write(f"fieldsync: LOG_DIR: cannot use {where} ({safe(str(err))})\n")
        return 1
    try:
        return run_files_console(settings, options)
    finally:
        teardown_logging()
