"""The files apply at full speed, still within the rules: each org keeps at most
``ZOHO_MAX_CONCURRENCY`` calls in flight (bodies included) while both are busy at once, and
two batches in flight never plan names in one folder (a folder's records share a batch, and a
folder larger than a batch runs its batches one after another)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from fieldsync_tui.clients import build_clients
from fieldsync_tui.config import load_settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.files import apply as files_apply
from fieldsync_tui.files.batches import FolderLocks, folder_batches
from fieldsync_tui.files.events import BatchStarted, FilesEvent
from fieldsync_tui.files.model import FileOutcome
from fieldsync_tui.files.session import FilesClients, FilesOptions, FilesSession
from fieldsync_tui.files.settings import files_settings
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.workdrive import ACTIVE

KB = 1024


class Counting(httpx.AsyncBaseTransport):
    """In-flight calls per org, from the request until its response body is closed (the
    files job's CRM calls are Org A's, its WorkDrive calls Org B's)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.now = {"A": 0, "B": 0}
        self.peak: dict[str, int] = {}

    def _enter(self, org: str) -> None:
        self.now[org] += 1
        self.peak[org] = max(self.peak.get(org, 0), self.now[org])
        self.peak["both"] = max(self.peak.get("both", 0), self.now["A"] + self.now["B"])

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "/oauth/" in request.url.path:
            return await self.inner.handle_async_request(request)
        org = "B" if "/workdrive/" in request.url.path else "A"
        self._enter(org)
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException:
            self.now[org] -= 1
            raise
        body = response.stream
        assert isinstance(body, httpx.AsyncByteStream)
        counter = self

        class Closing(httpx.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                async for chunk in body:
                    yield chunk

            async def aclose(self) -> None:
                try:
                    await body.aclose()
                finally:
                    counter.now[org] -= 1

        response.stream = Closing()
        return response


def session_on(sim: Simulator, tmp_path: Path, concurrency: int) -> tuple[FilesSession, Counting]:
    env = {**sim.env("http://127.0.0.1"), "FIELDSYNC_STATE_DIR": str(tmp_path / "s")}
    env["LOG_DIR"] = str(tmp_path / "logs")
    env["ZOHO_MAX_CONCURRENCY"] = str(concurrency)
    settings = load_settings(env, cwd=tmp_path)
    transport = Counting(sim.transport())
    client_a, client_b = build_clients(settings, transport)
    session = FilesSession(
        files_settings(settings),
        FilesClients.of(client_a, client_b),
        Journal.open(settings.state_dir),
        FilesOptions(mode="auto", command="fieldsync files --auto"),
        logging.getLogger("test"),
    )
    return session, transport


def apply_all(
    session: FilesSession, events: list[FilesEvent], after_load: Callable[[], None]
) -> None:
    async def scenario() -> None:
        await session.load()
        after_load()
        actions = session.approved_actions([r.a.id for r in session.rows])
        await session.apply(actions, events.append, ApplyControl())
        await session.clients.client_a.aclose()
        await session.clients.client_b.aclose()

    asyncio.run(scenario())
    session.journal.close()


def uploads(sim: Simulator) -> int:
    return sum(1 for c in sim.stats.calls if c.method == "POST" and c.path.endswith("/upload"))


def active_files(sim: Simulator, folder_id: str) -> list[str]:
    drive = sim.org("B").workdrive
    return sorted(
        i.name for i in drive.children(folder_id) if not i.is_folder and i.status == ACTIVE
    )


def test_each_org_stays_within_its_cap_while_both_are_busy(tmp_path: Path) -> None:
    sim = Simulator(SimConfig(seed=5, latency_ms=15))
    a, drive, cfg = sim.org("A"), sim.org("B").workdrive, sim.config
    for n in range(6):
        rid = a.add_record({cfg.name_field: f"Client {n}"})
        drive.add_folder(sim.team_folder_id, f"Client {n}")
        for j in range(3):
            a.attachments.add_file(rid, f"doc{j}.pdf", (j + 1) * 20 * KB, seed=10 * n + j)
    session, counting = session_on(sim, tmp_path, concurrency=2)
    apply_all(session, [], counting.peak.clear)  # the apply alone
    assert {r.outcome for r in session.rows} == {FileOutcome.APPLIED}
    assert uploads(sim) == 18
    assert counting.peak["A"] == 2 and counting.peak["B"] == 2  # each org: its cap, no more
    assert counting.peak["both"] > 2  # a download and an upload at once on the two orgs


def test_records_sharing_a_folder_across_batches_never_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 2: by id the shared folder's records would land in two batches running at
    once; grouped, they share one (and the folder holding more than a batch runs its batches
    one after another). A name planned at load is taken before the apply: the batch plans it
    again avoiding every name planned in that folder, so no upload clashes (a 409 would be
    one more upload call) and every file lands once, under a name of its own."""
    monkeypatch.setattr(files_apply, "BATCH_SIZE", 2)
    sim = Simulator(SimConfig(seed=6, latency_ms=5))
    a, drive, cfg = sim.org("A"), sim.org("B").workdrive, sim.config
    shared = drive.add_folder(sim.team_folder_id, "Shared Client")
    big = drive.add_folder(sim.team_folder_id, "Big Client")
    alone = drive.add_folder(sim.team_folder_id, "Alone Client")
    layout = ["Shared Client", "Alone Client", "Shared Client", *["Big Client"] * 5]
    for n, folder_name in enumerate(layout):
        rid = a.add_record({cfg.name_field: folder_name})
        a.attachments.add_file(rid, "report.pdf", 4 * KB + n, seed=n)
        a.attachments.add_file(rid, "photo.jpg", 3 * KB + n, seed=100 + n)
    session, _ = session_on(sim, tmp_path, concurrency=3)
    events: list[FilesEvent] = []

    def taken_since() -> None:  # someone files a report into the two shared folders
        drive.add_file(shared, "report.pdf", 1 * KB, md5="")
        drive.add_file(big, "report.pdf", 1 * KB, md5="")

    apply_all(session, events, taken_since)
    batches = [e for e in events if isinstance(e, BatchStarted)]
    assert len(batches) >= 4
    assert uploads(sim) == 2 * len(layout)
    assert {r.outcome for r in session.rows} == {FileOutcome.APPLIED}
    for folder_id, count in ((shared, 2 * 2 + 1), (big, 5 * 2 + 1), (alone, 2)):
        names = active_files(sim, folder_id)  # two files a record (+ the one taken since)
        assert len(names) == count and len(set(names)) == count


def test_folder_batches_keep_a_folder_together() -> None:
    items = [("r1", "x"), ("r2", "y"), ("r3", "x"), ("r4", None), ("r5", "z"), ("r6", "z")]
    got = folder_batches(items, lambda i: i[1], 2)
    assert [[r for r, _ in b] for b in got] == [["r1", "r3"], ["r2", "r4"], ["r5", "r6"]]
    big = [(f"r{n}", "x") for n in range(5)]
    assert [len(b) for b in folder_batches([("a", "y"), *big], lambda i: i[1], 2)] == [1, 2, 2, 1]
    flat = [(f"r{n}", None) for n in range(5)]
    assert [len(b) for b in folder_batches(flat, lambda i: i[1], 2)] == [2, 2, 1]
    with pytest.raises(ValueError, match="at least one"):
        folder_batches(items, lambda i: i[1], 0)


def test_folder_locks_let_batches_of_one_folder_run_one_at_a_time() -> None:
    locks = FolderLocks()
    trace: list[str] = []

    async def batch(name: str, folders: list[str | None]) -> None:
        async with locks.holding(folders):
            trace.append(f"{name}+")
            await asyncio.sleep(0.01)
            trace.append(f"{name}-")

    async def main() -> None:
        await asyncio.gather(
            batch("1", ["x", "y"]), batch("2", ["y", "x", None]), batch("3", ["z"])
        )

    asyncio.run(main())
    assert trace.index("1-") < trace.index("2+")  # one folder: one after the other
    assert trace.index("3+") < trace.index("1-")  # another folder: at the same time
