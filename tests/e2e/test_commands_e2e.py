"""``fieldsync check``, ``history`` and ``undo`` against the simulator over loopback."""

from __future__ import annotations

from fieldsync_tui.core.lock import RunLock

from .conftest import ServerFactory, write_env_file


def test_check_reads_no_records(make_server: ServerFactory) -> None:
    srv = make_server(records=20)
    result = srv.command("check", "--env-file", str(srv.env_file))
    assert result.returncode == 0, result.stderr
    assert "Simulated Org A" in result.stdout and "Simulated Org B" in result.stdout
    assert "check passed" in result.stdout
    paths = [c.path for c in srv.sim.stats.calls]
    assert any("/org" in p for p in paths) and any("/settings/fields" in p for p in paths)
    assert not [c for c in srv.sim.stats.calls if "/coql" in c.path or c.method == "PUT"]


def test_check_env_file_after_or_before_and_failure(make_server: ServerFactory) -> None:
    srv = make_server(records=5)
    env = dict(srv.env, CRM_CHECKBOX_FIELD_API_NAME="Transfer_Completed")
    bad = write_env_file(srv.dir / "bad.env", env)
    result = srv.command("--env-file", str(bad), "check")
    assert result.returncode == 1
    assert "CRM_CHECKBOX_FIELD_API_NAME" in result.stderr and "Transfer_Complete" in result.stderr


def test_history_lists_runs_with_counts(make_server: ServerFactory) -> None:
    srv = make_server(records=20)
    empty = srv.command("history", "--env-file", str(srv.env_file))
    assert empty.returncode == 0 and "no runs yet" in empty.stdout
    first = srv.run("--dry-run", "--report", "report.json")
    run_id = srv.report()["run_id"]
    assert first.returncode == 0 and run_id
    result = srv.command("history", "--env-file", str(srv.env_file))
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split()[:5] == ["run", "started", "status", "job", "mode"]
    line = next(ln for ln in lines if ln.startswith(run_id))
    dry_run = line[: header.index("dry_run") + len("dry_run")].split()[-1]
    assert "dry run" in line and int(dry_run) > 0
    assert srv.sim.stats.calls != []  # from the run; history itself needs no network
    calls = len(srv.sim.stats.calls)
    srv.command("history", "--env-file", str(srv.env_file))
    assert len(srv.sim.stats.calls) == calls


def test_undo_puts_back_what_a_run_wrote(make_server: ServerFactory) -> None:
    srv = make_server(records=40)
    before = srv.snapshot()
    assert srv.run("--report", "report.json").returncode == 0
    run_id = srv.report()["run_id"]
    assert srv.snapshot() != before
    dry = srv.command("undo", run_id, "--dry-run", "--env-file", str(srv.env_file))
    assert dry.returncode == 0, dry.stderr
    assert "would restore: " in dry.stdout and "would untick only: " in dry.stdout
    assert "classes:" not in dry.stdout  # an undo speaks of restores and unticks
    assert srv.snapshot() != before
    result = srv.command("--env-file", str(srv.env_file), "undo", run_id)
    assert result.returncode == 0, result.stderr
    assert f"fieldsync undo {run_id}" in result.stdout
    assert srv.snapshot() == before
    calls = len(srv.sim.stats.calls)
    unknown = srv.command("undo", "20000101T000000Z-0000", "--env-file", str(srv.env_file))
    assert unknown.returncode == 1 and "20000101T000000Z-0000" in unknown.stderr
    assert len(srv.sim.stats.calls) == calls  # refused before any network call
    stray = srv.command("undo", run_id, "--record-id", "123", "--env-file", str(srv.env_file))
    assert stray.returncode == 0, stray.stderr
    assert "--record-id 123: not a row of run" in stray.stderr


def test_undo_exits_1_while_another_run_holds_the_lock(make_server: ServerFactory) -> None:
    srv = make_server(records=20)
    assert srv.run("--report", "report.json").returncode == 0
    run_id = srv.report()["run_id"]
    before = srv.snapshot()
    with RunLock(srv.dir / ".fieldsync", "nightly holder job", name="lock.fields"):
        held = srv.command("undo", run_id, "--env-file", str(srv.env_file))
        dry = srv.command("undo", run_id, "--dry-run", "--env-file", str(srv.env_file))
    assert held.returncode == 1 and "nightly holder job" in held.stderr, held.stderr
    assert dry.returncode == 0, dry.stderr  # a dry run takes no lock
    assert srv.snapshot() == before
