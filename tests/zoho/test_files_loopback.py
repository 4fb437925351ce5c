"""Attachments and WorkDrive clients over a real loopback socket: broken bodies, idle timeouts
(and no total deadline), a held upload, and a cut download that never reaches an upload."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.server import serve
from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.errors import (
    IncompleteDownloadError,
    UploadMayHaveLandedError,
    ZohoTimeoutError,
)
from fieldsync_tui.zoho.workdrive import WorkDrive

from .simfiles import MODULE, org_client


@pytest.fixture
def sim() -> Simulator:
    return Simulator(SimConfig())


@pytest.fixture
def base(sim: Simulator) -> Iterator[str]:
    with serve(sim) as url:
        yield url
        sim.transfers.clear()  # let held requests go before the server stops


def _attachment(sim: Simulator, size: int) -> tuple[str, str]:
    rid = sim.org("A").add_record({"Full_Name": "Loop"})
    return rid, sim.org("A").attachments.add_file(rid, "loop ✓.bin", size)


@pytest.mark.parametrize("fault", ["cut", "short"])
async def test_a_cut_download_never_reaches_an_upload(
    sim: Simulator, base: str, tmp_path: Path, fault: str
) -> None:
    rid, _ = _attachment(sim, 2_000_000)
    folder = sim.org("B").workdrive.add_folder(sim.team_folder_id, "Loop")
    overrides = {"accounts_url": base, "api_url": base, "transport": None}
    async with (
        org_client(sim, "A", None, **overrides) as crm_a,
        org_client(sim, "B", None, **overrides) as crm_b,
    ):
        attachments, drive = CrmAttachments(crm_a), WorkDrive(crm_b)
        [attachment] = await attachments.list(MODULE, rid)
        rule = sim.transfers.cut_next if fault == "cut" else sim.transfers.short_next
        rule(1, after_bytes=700_000, path_contains="/Attachments/")
        part = tmp_path / "part"
        with pytest.raises(IncompleteDownloadError):  # the copy as the job does it
            with part.open("wb") as sink:
                await attachments.download(MODULE, rid, attachment, sink)
            await drive.upload(folder, attachment.file_name, part)
    assert sim.stats.call_count(None, "/upload") == 0
    assert sim.org("B").workdrive.children(folder) == []


async def test_idle_timeout_but_no_total_deadline(sim: Simulator, base: str) -> None:
    rid, _ = _attachment(sim, 1_600_000)
    sim.transfers.cap_bandwidth(1_250_000)  # 1.3 s in all: more than the idle timeout
    overrides = {"accounts_url": base, "api_url": base, "transport": None, "retry_seconds": 0.2}
    async with org_client(sim, "A", None, **overrides) as crm:
        attachments = CrmAttachments(crm, idle_timeout=1.0)  # a loaded machine's pauses fit
        [attachment] = await attachments.list(MODULE, rid)
        got = await attachments.download(MODULE, rid, attachment, io.BytesIO())
        assert got.size == 1_600_000
        sim.transfers.hold_next(100, path_contains="/Attachments/")
        with pytest.raises(ZohoTimeoutError):  # a read: retried within ZOHO_RETRY_SECONDS
            await CrmAttachments(crm, idle_timeout=0.3).download(
                MODULE, rid, attachment, io.BytesIO()
            )
        assert sim.transfers.held >= 1


async def test_a_held_upload_times_out_as_may_have_landed(sim: Simulator, base: str) -> None:
    folder = sim.org("B").workdrive.add_folder(sim.team_folder_id, "Loop")
    overrides = {"accounts_url": base, "api_url": base, "transport": None, "retry_seconds": 5.0}
    async with org_client(sim, "B", None, **overrides) as crm:
        drive = WorkDrive(crm, idle_timeout=0.3)
        await drive.get(folder)
        sim.transfers.hold_next(1, path_contains="/upload")
        with pytest.raises(UploadMayHaveLandedError):
            await drive.upload(folder, "held.pdf", io.BytesIO(b"h" * 10_000))
        sim.transfers.release()
        assert sim.stats.call_count(None, "/upload") <= 1  # sent once, never again
