"""End to end, the files job repairing and refusing (DESIGN §9.2, §9.5, §9.6): a folder the
old script filled, ``--include-ticked``, a file failing for good, a file attached or a record
changed after the plan, a name taken since, storage full, the per-job lock, undo."""

from __future__ import annotations

import re
import signal
import time
from typing import Any

import pytest

from fieldsync_tui.simulator.files_config import FilesConfig

from .filesite import KB, FilesSite, on_call


def one(
    site: FilesSite, name: str, files: dict[str, int], **values: Any
) -> tuple[str, str, dict[str, str]]:
    rid = site.record(name, **values)
    folder = site.folder(name)
    atts = {n: site.attach(rid, n, size) for n, size in files.items()}
    return rid, folder, atts


def test_old_script_folder_is_recognised_and_include_ticked_copies_only_the_missing(
    files_site: Any,
) -> None:
    site = files_site()
    # the old script filled this folder completely (empty journal): nothing to upload
    full, full_folder, _ = one(site, "Ada Full", {"a.pdf": 2 * KB, "b.pdf": 3 * KB})
    site.put_file(full_folder, "a.pdf", 2 * KB)
    site.put_file(full_folder, "b.pdf", 3 * KB)
    # ticked after its first file: two files never came
    rid, folder, atts = one(
        site,
        "Ben Half",
        {"one.pdf": 2 * KB, "two.pdf": 3 * KB, "three.pdf": 4 * KB},
        files_ticked=True,
    )
    site.put_file(folder, "one.pdf", 2 * KB)
    first = site.run()
    assert first.returncode == 0, first.stderr
    assert site.upload_calls() == 0 and site.ticked(full)
    repair = site.run("--include-ticked", "--report", "r.json")
    assert repair.returncode == 0, repair.stderr + repair.stdout
    assert site.upload_calls() == 2
    assert set(site.files_in(folder)) == {"one.pdf", "two.pdf", "three.pdf"}
    assert site.files_in(folder)["two.pdf"][1] == site.md5_of(atts["two.pdf"])
    assert site.ticked(rid)
    files = {
        f["file_name"]: f["outcome"]
        for r in site.report("r.json")["rows"]
        if r["a_id"] == rid
        for f in r["files"]
    }
    assert files == {"one.pdf": "already_there", "two.pdf": "copied", "three.pdf": "copied"}


def test_a_file_failing_for_good_leaves_the_record_partial_until_a_rerun(
    files_site: Any,
) -> None:
    site = files_site()
    rid, folder, atts = one(site, "Cid Part", {"ok.pdf": 2 * KB, "bad.pdf": 5 * KB})
    site.sim.transfers.cut_next(1, after_bytes=100, path_contains=atts["bad.pdf"])
    first = site.run("--report", "r.json")
    assert first.returncode == 1
    row = site.report("r.json")["rows"][0]
    assert row["outcome"] == "partial" and row["step"] == "download"
    assert not site.ticked(rid)
    assert set(site.files_in(folder)) == {"ok.pdf"}
    assert site.report("r.json")["totals"]["files_failed"] == 1
    again = site.run("--report", "r2.json")
    assert again.returncode == 0, again.stderr
    assert site.upload_calls() == 2  # only the file that failed
    assert set(site.files_in(folder)) == {"ok.pdf", "bad.pdf"} and site.ticked(rid)


def test_a_file_attached_after_the_plan_is_not_ticked_and_goes_with_the_next_run(
    files_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = files_site()
    rid, folder, _ = one(site, "Dee Late", {"first.pdf": 2 * KB})
    late: list[str] = []

    def attach(n: int) -> None:
        if n == 1:
            late.append(site.attach(rid, "late.pdf", 3 * KB))

    on_call(site, monkeypatch, lambda c: c.method == "POST" and c.path.endswith("/upload"), attach)
    first = site.run("--report", "r.json")
    assert first.returncode == 1
    assert site.report("r.json")["rows"][0]["outcome"] == "partial"
    assert not site.ticked(rid)
    second = site.run()
    assert second.returncode == 0, second.stderr
    assert set(site.files_in(folder)) == {"first.pdf", "late.pdf"} and site.ticked(rid)


def test_a_record_changed_after_the_plan_is_stale_and_a_name_taken_is_planned_again(
    files_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = files_site()
    changed, changed_folder, _ = one(site, "Eli Changed", {"x.pdf": 2 * KB})
    taken, taken_folder, atts = one(site, "Fay Taken", {"Doc.pdf": 2 * KB})
    url_field = site.cfg.url_field

    def change(n: int) -> None:  # at load, after A was read: the plan holds the old URL
        if n == 1:
            edit = {url_field: "https://elsewhere.example/x"}
            site.sim.org("A").edit_as_other_user(changed, edit)

    def take(n: int) -> None:  # the batch's re-read by ids, before the folders are re-listed
        if n == 1:
            site.put_file(taken_folder, "doc.PDF", 77)

    on_call(site, monkeypatch, lambda c: c.path.endswith(f"{changed}/Attachments"), change)
    on_call(site, monkeypatch, lambda c: c.method == "GET" and c.path.endswith("/Contacts"), take)
    result = site.run("--report", "r.json")
    rows = {r["a_id"]: r for r in site.report("r.json")["rows"]}
    assert rows[changed]["outcome"] == "stale", rows[changed]
    assert site.files_in(changed_folder) == {} and not site.ticked(changed)
    assert rows[taken]["outcome"] == "applied", result.stderr
    landed = site.files_in(taken_folder)
    assert landed.pop("doc.PDF") == (77, "")
    ((name, (_, md5)),) = landed.items()
    assert re.fullmatch(r"Doc_\d{8}_\d{6}\.pdf", name) and md5 == site.md5_of(atts["Doc.pdf"])


def test_storage_full_stops_the_run_with_a_message(files_site: Any) -> None:
    site = files_site(FilesConfig(org_storage_bytes=3 * KB))
    rid, folder, _ = one(site, "Gus Full", {"a.pdf": 2 * KB, "b.pdf": 2 * KB, "c.pdf": 2 * KB})
    other, _, _ = one(site, "Hal Next", {"d.pdf": 2 * KB})
    result = site.run("--report", "r.json")
    assert result.returncode == 1
    assert "Storage full" in result.stderr + result.stdout
    report = site.report("r.json")
    assert "Storage full" in report["stopped_reason"]
    assert not site.ticked(rid) and not site.ticked(other)
    assert len(site.files_in(folder)) <= 1


def test_lock_files_blocks_a_second_files_run_not_the_field_sync(files_site: Any) -> None:
    site = files_site()
    rid, folder, atts = one(site, "Ivy Lock", {"slow.pdf": 2 * KB})
    site.sim.transfers.hold_next(1, path_contains=atts["slow.pdf"])
    holder = site.start()
    try:
        deadline = time.monotonic() + 20
        while site.sim.transfers.held == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.sim.transfers.held == 1
        second = site.run()
        assert second.returncode == 1
        assert "lock" in second.stderr.lower()
        fields = site.command("--auto", "--env-file", str(site.dir / ".env"))
        assert "lock" not in fields.stderr.lower(), fields.stderr
        assert fields.returncode in (0, 3), fields.stderr
    finally:
        site.sim.transfers.release()
        _, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, err
    assert set(site.files_in(folder)) == {"slow.pdf"} and site.ticked(rid)


def test_undo_trashes_exactly_the_files_the_run_uploaded_and_restores_a(
    files_site: Any,
) -> None:
    site = files_site()
    rid, folder, _ = one(
        site, "Jo Undo", {"new.pdf": 2 * KB, "old.pdf": 3 * KB}, fields_ticked=True
    )
    site.put_file(folder, "old.pdf", 3 * KB)  # there before: not ours to trash
    result = site.run()
    assert result.returncode == 0, result.stderr
    a = site.a(rid)
    assert a[site.cfg.folder_field] == folder and site.ticked(rid)
    assert a[site.cfg.checkbox_field] is False  # the field sync will copy the new values
    run_id = re.search(r"run (\S+)", result.stdout).group(1)  # type: ignore[union-attr]
    history = site.command("history", "--env-file", str(site.dir / ".env"))
    assert run_id in history.stdout and "files" in history.stdout
    undo = site.command("undo", run_id, "--env-file", str(site.dir / ".env"))
    assert undo.returncode == 0, undo.stderr + undo.stdout
    assert set(site.files_in(folder)) == {"old.pdf"}
    a = site.a(rid)
    assert not a.get(site.cfg.folder_field) and not a.get(site.cfg.url_field)
    assert not site.ticked(rid) and a[site.cfg.checkbox_field] is True


def said_in_logs(site: Any, text: str) -> bool:
    return any(text in p.read_text(encoding="utf-8") for p in (site.dir / "logs").glob("*.log"))


def test_sigterm_finishes_the_file_in_flight_then_stops(files_site: Any) -> None:
    site = files_site(ZOHO_MAX_CONCURRENCY="1")  # one file in flight at a time
    first, first_folder, atts = one(site, "Kai Term", {"held.pdf": 2 * KB})
    later, later_folder, _ = one(site, "Lou Later", {"later.pdf": 2 * KB})
    site.sim.transfers.hold_next(1, path_contains=atts["held.pdf"])
    proc = site.start("--report", "r.json")
    deadline = time.monotonic() + 20
    while site.sim.transfers.held == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    # released only once the run has taken the signal (a loaded machine may take a while)
    deadline = time.monotonic() + 20
    while not said_in_logs(site, "SIGTERM received") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert said_in_logs(site, "SIGTERM received")
    site.sim.transfers.release()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    rows = {r["a_id"]: r for r in site.report("r.json")["rows"]}
    assert set(site.files_in(first_folder)) == {"held.pdf"}  # finished, not abandoned
    # its folder was set (step 3) but its file never started: partial, not ticked
    assert rows[later]["outcome"] == "partial" and "not attempted" in rows[later]["message"]
    assert site.files_in(later_folder) == {} and not site.ticked(later)
    again = site.run()
    assert again.returncode == 0, again.stderr
    assert set(site.files_in(later_folder)) == {"later.pdf"} and site.upload_calls() == 2
    assert site.ticked(first) and site.ticked(later)


def test_check_validates_the_files_configuration(files_site: Any) -> None:
    site = files_site()
    good = site.command("check", "--env-file", str(site.dir / ".env"))
    assert good.returncode == 0, good.stderr
    assert "team folder 'Clients'" in good.stdout
    bad = files_site(ORG_B_TEAM_FOLDER_ID="nosuchfolder1")
    result = bad.command("check", "--env-file", str(bad.dir / ".env"))
    assert result.returncode == 1
    assert "ORG_B_TEAM_FOLDER_ID" in result.stderr + result.stdout
    refused = bad.run("--report", "r.json")
    assert refused.returncode == 1 and "ORG_B_TEAM_FOLDER_ID" in refused.stderr
    run_id = bad.report("r.json")["run_id"]
    history = bad.command("history", "--env-file", str(bad.dir / ".env"))
    assert run_id and run_id in history.stdout and "failed" in history.stdout


def test_a_name_taken_just_before_the_upload_is_planned_again_after_the_409(
    files_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = files_site()
    rid, folder, atts = one(site, "Mo Race", {"race.pdf": 2 * KB})

    def take(n: int) -> None:  # the download: after the folder was listed again
        if n == 1:
            site.put_file(folder, "RACE.pdf", 5)

    on_call(site, monkeypatch, lambda c: c.path.endswith(f"/Attachments/{atts['race.pdf']}"), take)
    result = site.run()
    assert result.returncode == 0, result.stderr
    landed = site.files_in(folder)
    assert landed.pop("RACE.pdf") == (5, "")
    ((name, (_, md5)),) = landed.items()
    assert re.fullmatch(r"race_\d{8}_\d{6}\.pdf", name) and md5 == site.md5_of(atts["race.pdf"])
    assert site.upload_calls() == 2 and site.ticked(rid)  # the 409, then the new name


def test_an_upload_stored_as_a_version_of_a_file_taken_meanwhile_is_never_trashed_by_undo(
    files_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = files_site(FilesConfig(clash_mode="version"))
    rid, folder, atts = one(site, "Vi Version", {"race.pdf": 2 * KB})

    def take(n: int) -> None:  # the download: after the folder was listed again
        if n == 1:
            site.put_file(folder, "RACE.pdf", 5)

    on_call(site, monkeypatch, lambda c: c.path.endswith(f"/Attachments/{atts['race.pdf']}"), take)
    result = site.run("--report", "r.json")
    assert result.returncode == 1, result.stderr  # a partial record
    (row,) = site.report("r.json")["rows"]
    assert row["outcome"] == "partial" and row["files"][0]["code"] == "VERSIONED"
    undo = site.command(
        "undo", site.report("r.json")["run_id"], "--env-file", str(site.dir / ".env")
    )
    assert undo.returncode == 0, undo.stderr + undo.stdout
    assert "kept" in undo.stderr + undo.stdout
    assert list(site.files_in(folder)) == ["RACE.pdf"]  # not trashed with its history
    assert not site.ticked(rid)
