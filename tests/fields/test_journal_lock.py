"""Journal (schema, runs, rows, decisions) and the run lock."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldsync_tui.core.journal import (
    SCHEMA_VERSION,
    Journal,
    JournalError,
    new_run_id,
)
from fieldsync_tui.core.lock import LockHeldError, RunLock, read_holder
from fieldsync_tui.core.model import DecisionKind, OperatorDecision

from .conftest import World


def test_schema_wal_and_version(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as j:
        assert j.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(tmp_path / "journal.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "rows", "decisions"} <= tables
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(JournalError, match="newer fieldsync"):
        Journal.open(tmp_path)


def test_reopen_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as j:
        j.begin_run("r1", job="fields", mode="auto", command="c", dry_run=False)
    with Journal.open(tmp_path) as j:
        assert [r.id for r in j.list_runs()] == ["r1"]


def test_run_ids_sort_by_time_and_read_well() -> None:
    rid = new_run_id()
    assert len(rid) == len("20261127T201500Z-ab12") and rid[8] == "T" and rid[15] == "Z"


def test_runs_history_and_untrusted_names(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.add_a("1", "Robert'); DROP TABLE runs;--", "https://u", "F")
    w.add_b("9", "Robert'); DROP TABLE runs;--")
    row = w.row("1", "9")
    w.journal.begin_run(
        "r1", job="fields", mode="console", command="fieldsync", dry_run=False, rows=[row]
    )
    [stored] = w.journal.run_rows("r1")
    assert stored.name == "Robert'); DROP TABLE runs;--"
    w.journal.finish_run("r1", "done", {"outcomes": {"applied": 1}})
    run = w.journal.get_run("r1")
    assert run is not None and run.status == "done" and run.counts["outcomes"]["applied"] == 1
    assert w.journal.unfinished_runs() == []
    with pytest.raises(ValueError):
        w.journal.finish_run("r1", "weird", {})
    w.journal.close()


def test_bulk_decisions_are_one_batch_and_fast(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as j:
        decisions = [
            OperatorDecision(str(i), DecisionKind.APPROVE, None, "fp") for i in range(100_000)
        ]
        started = time.perf_counter()
        batch = j.add_decisions(decisions)
        elapsed = time.perf_counter() - started
        assert elapsed < 5  # generous on a slow CI box; typically ~0.3 s
        j.add_decisions([OperatorDecision("7", DecisionKind.SKIP, None, "fp")])
        active = j.active_decisions()
        assert len(active) == 100_000 and active["7"].kind == "skip"
        assert len(j.undo_decision_batch(batch)) == 100_000
        assert j.active_decisions()["7"].kind == "skip"
        assert len(j.undo_decision_batch(batch + 1)) == 1
        assert j.active_decisions() == {}


def test_no_secret_reaches_the_journal(tmp_path: Path) -> None:
    from .conftest import make_settings

    settings = make_settings(tmp_path)
    with Journal.open(tmp_path) as j:
        j.begin_run("r1", job="fields", mode="auto", command="fieldsync --auto", dry_run=False)
    raw = (tmp_path / "journal.sqlite3").read_bytes()
    for secret in (settings.org_a.client_secret, settings.org_a.refresh_token):
        assert secret.reveal().encode() * 3 not in raw


def test_lock_held_names_the_holder(tmp_path: Path) -> None:
    with RunLock(tmp_path, "fieldsync --auto", name="lock.fields") as held:
        holder = read_holder(held.path)
        assert holder["pid"] == os.getpid() and holder["command"] == "fieldsync --auto"
        assert {"host", "user", "since"} <= set(holder)
    assert read_holder(tmp_path / "lock.fields") == {}  # released: no stale holder left


def _hold_in_subprocess(state: Path) -> subprocess.Popen[str]:
    code = (
        "import sys; from pathlib import Path; from fieldsync_tui.core.lock import RunLock;"
        f"l = RunLock(Path({str(state)!r}), 'fieldsync --auto --limit 5', name='lock.fields');"
        "l.acquire();"
        "print('held', flush=True); sys.stdin.read()"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def test_second_writer_is_refused_and_killed_holder_is_taken_over(tmp_path: Path) -> None:
    with _hold_in_subprocess(tmp_path) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(LockHeldError) as info:
            RunLock(tmp_path, "fieldsync", name="lock.fields").acquire()
        text = str(info.value)
        assert f"pid {proc.pid}" in text and "fieldsync --auto --limit 5" in text
        assert socket.gethostname() in text and "since" in text
        proc.kill()
        proc.wait()
    lock = RunLock(tmp_path, "fieldsync", name="lock.fields")
    with lock:
        assert lock.taken_over is not None and lock.taken_over["pid"] == proc.pid
        assert read_holder(lock.path)["pid"] == os.getpid()


def test_orphaned_lock_with_dead_pid_on_this_host_is_taken_over(tmp_path: Path) -> None:
    # The flock is held by a live process, but the recorded holder is a dead pid on this
    # host (a descriptor inherited by an orphan): take it over with a fresh lock file.
    with _hold_in_subprocess(tmp_path) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        dead = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        record = {
            "pid": int(dead.stdout),
            "host": socket.gethostname(),
            "user": "u",
            "command": "gone",
            "since": "then",
        }
        (tmp_path / "lock.fields").write_text(json.dumps(record))
        with RunLock(tmp_path, "fieldsync", name="lock.fields") as lock:
            assert lock.taken_over == record
        proc.kill()
        proc.wait()


def test_lock_is_not_reentrant_and_each_job_has_its_own(tmp_path: Path) -> None:
    with RunLock(tmp_path, "console", name="lock.fields") as held:
        with pytest.raises(LockHeldError):  # no process-wide counter: one holder, one lock
            RunLock(tmp_path, "session apply", name="lock.fields").acquire()
        with RunLock(tmp_path, "files job", name="lock.files") as other:
            assert held.held and other.held
    with RunLock(tmp_path, "again", name="lock.fields"):
        pass
