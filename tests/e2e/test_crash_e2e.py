"""Crash safety (DESIGN §6): SIGKILL at any moment, then a rerun, equals an uninterrupted run;
SIGTERM finishes the batch in flight; a second run is refused while the first holds the lock.

The kill is sent from inside the simulator at the moment it records the N-th PUT: the write
has landed in Zoho but its answer never reaches fieldsync — the hardest moment to crash.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

import pytest

from fieldsync_tui.simulator.stats import CallRecord

from .conftest import Server, ServerFactory, summary_counts, with_switches_flipped

RECORDS = 400  # about 270 rows to apply: three batches of at most 100
SEED = 5


def identical_pair(
    make_server: ServerFactory, victim_env: dict[str, str] | None = None
) -> tuple[Server, Server]:
    reference = make_server(records=RECORDS, seed=SEED)
    victim = make_server(records=RECORDS, seed=SEED, extra_env=victim_env)
    assert victim.snapshot() == reference.snapshot()
    result = reference.run()
    assert result.returncode == 0, result.stderr
    return reference, victim


def on_put(srv: Server, monkeypatch: pytest.MonkeyPatch, action: Callable[[int], None]) -> None:
    """Call ``action(n)`` in the simulator when it records its n-th PUT."""
    original = srv.sim.stats.record
    count = 0
    lock = threading.Lock()

    def record(call: CallRecord) -> None:
        nonlocal count
        original(call)
        if call.method != "PUT":
            return
        with lock:
            count += 1
            n = count
        action(n)

    monkeypatch.setattr(srv.sim.stats, "record", record)


@pytest.mark.parametrize("kill_at_put", [1, 2, 3])
def test_sigkill_mid_run_then_rerun_equals_uninterrupted(
    make_server: ServerFactory, monkeypatch: pytest.MonkeyPatch, kill_at_put: int
) -> None:
    sigkill_then_rerun(make_server, monkeypatch, kill_at_put)


@with_switches_flipped
def test_sigkill_under_each_switch(
    make_server: ServerFactory, monkeypatch: pytest.MonkeyPatch, switches: dict[str, object]
) -> None:
    sigkill_then_rerun(make_server, monkeypatch, 2)


def sigkill_then_rerun(
    make_server: ServerFactory, monkeypatch: pytest.MonkeyPatch, kill_at_put: int
) -> None:
    reference, victim = identical_pair(make_server)
    pid: list[int] = []
    killed = threading.Event()

    def kill(n: int) -> None:
        if n == kill_at_put:
            os.kill(pid[0], signal.SIGKILL)
            killed.set()

    on_put(victim, monkeypatch, kill)
    proc = victim.start()
    pid.append(proc.pid)
    proc.communicate(timeout=90)
    assert killed.is_set() and proc.returncode == -signal.SIGKILL
    # (batches run in parallel, so writes already in flight may still land after the kill:
    # the proof that the run was cut short is the rerun reporting it as interrupted)

    rerun = victim.run("--report", "report.json")
    assert rerun.returncode == 0, rerun.stderr
    assert "interrupted" in rerun.stderr  # the unfinished run is reported
    assert victim.snapshot() == reference.snapshot()
    again = victim.run()
    assert again.returncode == 0
    assert summary_counts(again.stdout)["outcomes"]["applied"] == 0


def test_sigterm_finishes_the_batch_in_flight(
    make_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one batch in flight at a time (batches run in parallel up to ZOHO_MAX_CONCURRENCY)
    reference, victim = identical_pair(make_server, {"ZOHO_MAX_CONCURRENCY": "1"})
    pid: list[int] = []

    def term(n: int) -> None:
        if n == 1:
            os.kill(pid[0], signal.SIGTERM)

    on_put(victim, monkeypatch, term)
    proc = victim.start("--report", "report.json")
    pid.append(proc.pid)
    stdout, stderr = proc.communicate(timeout=90)
    assert proc.returncode == 1, stderr
    assert "status: interrupted" in stdout
    rows = victim.report()["rows"]
    applied = [r for r in rows if r["outcome"] in ("applied", "ticked")]
    assert 0 < len(applied) <= 100  # the first batch finished, B written and A ticked
    box = victim.sim.config.checkbox_field
    for row in applied:
        assert victim.sim.org("A").get(row["a_id"])[box] is True
    not_attempted = [r for r in rows if r["outcome"] == "failed"]
    assert not_attempted and all(r["step"] is None for r in not_attempted)

    rerun = victim.run()
    assert rerun.returncode == 0, rerun.stderr
    assert victim.snapshot() == reference.snapshot()


def test_second_run_refused_then_holder_killed_then_run_recovers(
    make_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference, victim = identical_pair(make_server)
    reached, release = threading.Event(), threading.Event()

    def hold(n: int) -> None:
        if n == 1:
            reached.set()
            release.wait(60)  # the first run waits for its answer, holding the lock

    on_put(victim, monkeypatch, hold)
    first = victim.start()
    try:
        assert reached.wait(60)
        second = victim.run()
        assert second.returncode == 1
        assert "holds the lock" in second.stderr and f"pid {first.pid}" in second.stderr
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    finally:
        release.set()
    assert first.returncode == -signal.SIGKILL
    third = victim.run()
    assert third.returncode == 0, third.stderr
    assert victim.snapshot() == reference.snapshot()


def test_credits_spent_mid_run_stops_with_report(
    make_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    srv = make_server(records=RECORDS, seed=SEED, extra_env={"ZOHO_MAX_CONCURRENCY": "1"})

    def spend(n: int) -> None:
        if n == 1:
            srv.sim.faults.spend_credits("B")

    on_put(srv, monkeypatch, spend)
    result = srv.run("--report", "report.json")
    assert result.returncode == 1
    assert "credit" in result.stdout.lower() or "credit" in result.stderr.lower()
    report = srv.report()
    assert report["run_id"]
    outcomes = report["counts"]["outcomes"]
    assert outcomes["applied"] > 0 and outcomes["failed"] > 0
    assert sum(outcomes.values()) == sum(report["counts"]["classes"].values())
    assert sum(outcomes.values()) == len([r for r in report["rows"] if r["class"]])
