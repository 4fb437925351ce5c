"""End to end, the files job is never twice (DESIGN §9.5): a SIGKILL during a download, after
WorkDrive stored an upload but before its answer (so before the journal commit), and during
the tick — then a rerun ends with every file in its folder exactly once and the ticks of an
uninterrupted run. Likewise an upload whose answer is lost, under each clash mode."""

from __future__ import annotations

import os
import re
import signal
import time
from typing import Any

import pytest

from fieldsync_tui.core.journal import Journal
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


def is_attachments_list(call: Any) -> bool:
    return bool(call.method == "GET" and call.path.endswith("/Attachments"))


@pytest.mark.parametrize("at", ["upload_1", "upload_4", "tick", "fields", "relist"])
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
    if kind == "relist":  # step 5's re-list of the attachments, after the 3 listed at load
        matches, wanted = is_attachments_list, 4

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


@pytest.mark.parametrize("mode", ["suffix", "version"])
def test_a_name_taken_before_the_upload_then_a_kill_after_it_landed_is_not_sent_twice(
    files_site: Any, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """WorkDrive stores the upload renamed (suffix mode) or as a new version of the file that
    took the name (version mode); the kill comes before the journal commit. The rerun settles
    the journalled intent: every file once, no second upload, ticked."""
    site = files_site(FilesConfig(clash_mode=mode))  # type: ignore[arg-type]
    rid = site.record("Mo Race")
    folder = site.folder("Mo Race")
    att = site.attach(rid, "race.pdf", 2 * KB)
    other = site.attach(rid, "other.pdf", 3 * KB)
    pid: list[int] = []

    def take(n: int) -> None:  # the download: after the folder was listed again
        if n == 1:
            site.put_file(folder, "RACE.pdf", 5)

    def kill(n: int) -> None:  # WorkDrive stored it; the answer never reaches the client
        stored = (2 * KB, site.md5_of(att)) in site.files_in(folder).values()
        if stored and len(pid) == 1:
            os.kill(pid.pop(), signal.SIGKILL)

    on_call(site, monkeypatch, lambda c: c.path.endswith(f"/Attachments/{att}"), take)
    on_call(site, monkeypatch, is_upload, kill)
    killed_then_rerun(site, {rid: folder}, pid)
    landed = site.files_in(folder)
    assert landed.pop("other.pdf") == (3 * KB, site.md5_of(other))
    ours = (2 * KB, site.md5_of(att))
    if mode == "suffix":
        assert landed.pop("RACE.pdf") == (5, "")
        ((name, got),) = landed.items()
        assert re.fullmatch(r"race \d\d-\d\d-\d{4} \d\d:\d\d:\d\d:\d{3}\.pdf", name), name
    else:  # the version holds our bytes; WorkDrive keeps the one that took the name before it
        ((name, got),) = landed.items()
        item = next(i for i in site.drive.children(folder) if i.name == name)
        assert name == "RACE.pdf" and item.version == 2
    assert got == ours
    assert site.upload_calls() == 2 and site.ticked(rid)  # each file sent once in all


@pytest.mark.parametrize("at", ["fields", "tick"])
def test_undo_of_a_run_killed_before_it_journalled_its_write_still_reverts_it(
    files_site: Any, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    """SIGKILL after Org A applied the field write (or the tick), before the answer was
    journalled: ``undo`` of the killed run restores A's URL / folder id, re-ticks the
    field-sync checkbox the run unticked, and unticks what it ticked."""
    site = files_site()
    folder = site.folder("Nia Undo")
    old = {"url": f"https://example.com/old/{folder}", "folder_id": "oldfolder1"}
    pointing = {"url": site.permalink(folder), "folder_id": folder}
    # "tick": A already points at the folder, the file is there: the run only ticks
    rid = site.record("Nia Undo", fields_ticked=True, **(pointing if at == "tick" else old))
    site.put_file(folder, "a.pdf", 2 * KB)
    site.attach(rid, "a.pdf", 2 * KB)
    pid: list[int] = []

    def kill(n: int) -> None:  # Org A applied the run's first PUT; no answer, no journal
        if n == 1:
            os.kill(pid[0], signal.SIGKILL)

    on_call(site, monkeypatch, is_put, kill)
    proc = site.start("--allow-overwrite")
    pid.append(proc.pid)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    a = site.a(rid)
    assert site.ticked(rid) if at == "tick" else a[site.cfg.folder_field] == folder
    with Journal.open(site.dir / ".fieldsync") as journal:
        (killed,) = journal.list_runs(1)
    undo = site.command("undo", killed.id, "--env-file", str(site.dir / ".env"))
    assert undo.returncode == 0, undo.stderr + undo.stdout
    a = site.a(rid)
    assert not site.ticked(rid) and a[site.cfg.checkbox_field] is True
    if at == "fields":
        assert a[site.cfg.url_field] == old["url"]
        assert a[site.cfg.folder_field] == old["folder_id"]


def test_a_kill_then_a_rerun_while_the_uploads_size_reads_0_sends_nothing_twice(
    files_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WorkDrive may show a new file's size late (§5.7): the rerun meets the killed run's
    upload under its planned name with size 0 — it waits for the size, never re-sends."""
    site = files_site(FilesConfig(size_hidden_for_s=4.0))
    folders = build(site)
    pid: list[int] = []

    def kill(n: int) -> None:
        if n == 1:
            os.kill(pid[0], signal.SIGKILL)

    on_call(site, monkeypatch, is_upload, kill)
    killed_then_rerun(site, folders, pid)
    stored = [c for c in site.sim.stats.calls if is_upload(c) and c.status == 200]
    assert len(stored) == 9  # (uploads cut off by the kill are refused, not stored)
    for rid, folder in folders.items():
        assert len(site.files_in(folder)) == 3 and site.ticked(rid)
