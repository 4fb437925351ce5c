"""The run guard: the job's lock, leftovers of that job marked interrupted, stopped runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.lock import LockHeldError, read_holder


def test_guard_takes_the_jobs_lock_and_interrupts_only_that_jobs_leftovers(
    tmp_path: Path,
) -> None:
    with Journal.open(tmp_path) as journal:
        journal.begin_run("r-fields", job="fields", mode="auto", command="c", dry_run=False)
        journal.begin_run("r-files", job="files", mode="auto", command="c", dry_run=False)
        guard = RunGuard(journal, tmp_path, "fields", "fieldsync --auto")
        with guard as leftovers:
            assert [r.id for r in leftovers] == ["r-fields"]
            assert read_holder(tmp_path / "lock.fields")["command"] == "fieldsync --auto"
            with pytest.raises(LockHeldError):  # one writer per job, this process included
                RunGuard(journal, tmp_path, "fields", "console").acquire()
            with RunGuard(journal, tmp_path, "files", "fieldsync files") as files_left:
                assert [r.id for r in files_left] == ["r-files"]
        assert not guard.held
        assert {r.id: r.status for r in journal.list_runs()} == {
            "r-fields": "interrupted",
            "r-files": "interrupted",
        }


def test_recover_leaves_a_run_alone_while_its_lock_is_held(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.begin_run("r1", job="fields", mode="console", command="c", dry_run=False)
        with RunGuard(journal, tmp_path, "fields", "holder"):
            journal.begin_run("r2", job="fields", mode="console", command="c", dry_run=False)
            assert RunGuard(journal, tmp_path, "fields", "peek").recover() == []
        [left] = RunGuard(journal, tmp_path, "fields", "peek").recover()
        assert left.id == "r2" and journal.unfinished_runs() == []


def test_a_stopped_run_is_journalled_under_its_job(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        guard = RunGuard(journal, tmp_path, "files", "fieldsync files --auto")
        run_id = guard.journal_stopped(
            mode="auto",
            command="fieldsync files --auto",
            dry_run=False,
            rows=(),
            status="failed",
            counts={"outcomes": {}},
            reason="start-up refused",
        )
        run = journal.get_run(run_id)
        assert run is not None and run.job == "files" and run.status == "failed"
        assert run.stopped_reason == "start-up refused"
