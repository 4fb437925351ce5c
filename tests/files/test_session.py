"""The files job's session as the console will drive it (in process, simulator transport):
load → rows → a file skip (journalled, honoured by the next load) → preview → apply with
events in files and bytes → cancel between files → retry."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fieldsync_tui.clients import build_clients
from fieldsync_tui.config import load_settings
from fieldsync_tui.core.events import Progress
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.files.events import FileSettled, FilesEvent, FilesRunFinished
from fieldsync_tui.files.model import FileClass, FileOutcome
from fieldsync_tui.files.session import FilesClients, FilesOptions, FilesSession
from fieldsync_tui.files.settings import files_settings
from fieldsync_tui.simulator import SimConfig, Simulator

KB = 1024


def world(tmp_path: Path) -> tuple[Simulator, FilesSession, dict[str, str]]:
    sim = Simulator(SimConfig(seed=3))
    a, drive, cfg = sim.org("A"), sim.org("B").workdrive, sim.config
    ids = {}
    for name in ("Ann", "Bea"):
        rid = a.add_record({cfg.name_field: name})
        drive.add_folder(sim.team_folder_id, name)
        for j in range(2):
            a.attachments.add_file(rid, f"{name}{j}.pdf", (j + 1) * KB, seed=j)
        ids[name] = rid
    env = {**sim.env("http://127.0.0.1"), "FIELDSYNC_STATE_DIR": str(tmp_path / "s")}
    env["LOG_DIR"] = str(tmp_path / "logs")
    env["ZOHO_MAX_CONCURRENCY"] = "1"  # one file at a time: "between files" is exact
    settings = load_settings(env, cwd=tmp_path)
    client_a, client_b = build_clients(settings, sim.transport())
    journal = Journal.open(settings.state_dir)
    session = FilesSession(
        files_settings(settings),
        FilesClients.of(client_a, client_b),
        journal,
        FilesOptions(mode="console", command="fieldsync files"),
        logging.getLogger("test"),
    )
    return sim, session, ids


def test_a_console_style_session(tmp_path: Path) -> None:
    sim, session, ids = world(tmp_path)

    async def scenario() -> None:
        await session.load()
        assert [r.klass for r in session.rows] == [FileClass.READY, FileClass.READY]
        ann = session.row(ids["Ann"])
        skipped = ann.files[1].attachment.id
        session.skip_file(ids["Ann"], skipped)
        await session.load()  # the journalled skip is honoured
        assert session.row(ids["Ann"]).files[1].skip is not None
        actions = session.approved_actions([ids["Ann"], ids["Bea"]])
        preview = session.preview(actions)
        assert (preview.records, preview.files, preview.bytes) == (2, 3, 1 * KB + 1 * KB + 2 * KB)
        events: list[FilesEvent] = []
        control = ApplyControl()

        def on_event(event: FilesEvent) -> None:
            events.append(event)
            if isinstance(event, FileSettled):
                control.cancel()  # between files: the files in flight finish, no new one

        summary = await session.apply(actions, on_event, control)
        settled = [e for e in events if isinstance(e, FileSettled)]
        progress = [e for e in events if isinstance(e, Progress)]
        assert settled and progress[-1].bytes_total == 4 * KB
        assert isinstance(events[-1], FilesRunFinished)
        assert summary.exit_code == 1 and summary.stopped_reason  # cancelled
        bea = session.row(ids["Bea"])
        assert bea.outcome in (FileOutcome.PARTIAL, FileOutcome.FAILED)
        assert "not attempted" in bea.message
        retry = await session.retry_failed()
        assert {r.outcome for r in retry.rows} <= {FileOutcome.APPLIED, FileOutcome.SKIPPED}
        assert all(r.a.id for r in retry.rows)
        await session.clients.client_a.aclose()
        await session.clients.client_b.aclose()

    asyncio.run(scenario())
    session.journal.close()
    files = [i for i in sim.org("B").workdrive.items.values() if not i.is_folder]
    assert sorted(i.name for i in files if not i.is_team_folder) == [
        "Ann0.pdf",
        "Bea0.pdf",
        "Bea1.pdf",
    ]
    rec = sim.org("A").get(ids["Ann"])
    assert rec is not None and rec[sim.config.files.files_checkbox_field] is True
