"""End to end, the files job is never twice (DESIGN §9.5): a SIGKILL during a download, after
WorkDrive stored an upload but before its answer (so before the journal commit), and during
the tick — then a rerun ends with every file in its folder exactly once and the ticks of an
uninterrupted run. Likewise an upload whose answer is lost, under each clash mode."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

from fieldsync_tui.simulator.files_config import FilesConfig

from .filesite import KB, FilesSite, is_put, is_upload, on_call

NAMES = ("Kim One", "Lee Two", "Max Three")


def build(site: FilesSite) -> dict[str, str]:
    folders = {}
    for i, name in enumerate(NAMES):
        rid = site.record(name)
        folders[rid] = site.folder(name)
        for j in range(3):
            site.attach(rid, f"file{j}.bin", (i + 1) * KB + j * 100)
    return folders


def state(site: FilesSite, folders: dict[str, str]) -> dict[str, Any]:
    """Per record (by name): the folder's files (name → size, md5) and the tick."""
    out = {}
    for rid, folder in folders.items():
        out[site.a(rid)[site.cfg.name_field]] = (site.files_in(folder), site.ticked(rid))
    return out


def reference(files_site: Any) -> dict[str, Any]:
    site = files_site()
    folders = build(site)
    result = site.run()
    assert result.returncode == 0, result.stderr
    expected = state(site, folders)
    assert all(len(files) == 3 and ticked for files, ticked in expected.values())
    return expected


def killed_then_rerun(site: FilesSite, folders: dict[str, str], pid: list[int]) -> None:
    proc = site.start()
    pid.append(proc.pid)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    site.sim.transfers.release()
    rerun = site.run()
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert "interrupted" in rerun.stderr  # the killed run was recognised and marked


@pytest.mark.parametrize("at", ["upload_1", "upload_4", "tick", "fields"])
def test_sigkill_at_a_write_then_rerun_lands_every_file_exactly_once(
    files_site: Any, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    expected = reference(files_site)
    site = files_site()
    folders = build(site)
    pid: list[int] = []
    kind, _, nth = at.partition("_")
    wanted = int(nth or "1")
    matches = is_upload if kind == "upload" else is_put
    if kind == "tick":
        wanted = 2  # PUT 1 writes A's fields, PUT 2 ticks

    def kill(n: int) -> None:
        if n == wanted:  # WorkDrive / CRM applied it; the answer never reaches the client
            os.kill(pid[0], signal.SIGKILL)

    on_call(site, monkeypatch, matches, kill)
    killed_then_rerun(site, folders, pid)
    assert state(site, folders) == expected


def test_sigkill_during_a_download_then_rerun(files_site: Any) -> None:
    expected = reference(files_site)
    site = files_site()
    folders = build(site)
    site.sim.transfers.hold_next(1, path_contains="/Attachments/")
    proc = site.start()
    deadline = time.monotonic() + 20
    while site.sim.transfers.held == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert site.sim.transfers.held == 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    site.sim.transfers.release()
    rerun = site.run()
    assert rerun.returncode == 0, rerun.stderr
    assert state(site, folders) == expected
    assert not list((site.dir / ".fieldsync" / "files-tmp").glob("*"))


@pytest.mark.parametrize("mode", ["409", "suffix", "version"])
def test_an_upload_answer_lost_is_found_not_sent_twice(files_site: Any, mode: str) -> None:
    site = files_site(FilesConfig(clash_mode=mode))  # type: ignore[arg-type]
    folders = build(site)
    site.sim.faults.drop_next(1, after_apply=True, method="POST", path_contains="/upload")
    result = site.run("--report", "r.json")
    assert result.returncode == 0, result.stderr + result.stdout
    assert site.upload_calls() == 9  # nine files, each sent once
    for rid, folder in folders.items():
        assert len(site.files_in(folder)) == 3 and site.ticked(rid)
