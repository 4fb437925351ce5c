"""SyncSession over fake clients: load, decisions, auto rows, apply, retry, journal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fieldsync_tui.core.events import RunFinished, RunStarted
from fieldsync_tui.core.lock import LockHeldError, RunLock
from fieldsync_tui.core.model import (
    Decision,
    DecisionKind,
    Outcome,
    ReportStatus,
    RowClass,
)
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.fields.session import SyncSession, recover_unfinished
from fieldsync_tui.fields.startup import connect
from fieldsync_tui.zoho.errors import CreditsExhaustedError
from fieldsync_tui.zoho.readfilter import ReadFilter

from .conftest import Env, make_settings, seed_mixed


async def test_load_classifies_and_counts_add_up(env: Env) -> None:
    seed_mixed(env)
    s = await env.session()
    counts = s.plan.class_counts()
    assert counts[RowClass.READY] == 1 and counts[RowClass.IN_SYNC] == 1
    assert counts[RowClass.OVERWRITE] == 1 and counts[RowClass.DUPLICATE] == 1
    assert counts[RowClass.UNMATCHED] == 1 and counts[RowClass.INVALID] == 1
    assert sum(counts.values()) == 6
    assert [c[1] for c in env.a.calls if c[0] == "coql"] == [
        ReadFilter(false=("Transfer_Complete",), present=("Name",))
    ]
    assert s.reads == {"org_a": "fake", "org_b": "fake"}
    assert s.auto_rows() == ["1", "2"]


async def test_auto_apply_end_to_end_with_skips(env: Env) -> None:
    seed_mixed(env)
    s = await env.session()
    summary = await s.apply(s.auto_rows(), env.events.append)
    out = {r.a.id: r.outcome for r in summary.rows}
    assert out == {
        "1": Outcome.APPLIED,
        "2": Outcome.TICKED,
        "3": Outcome.SKIPPED,
        "4": Outcome.SKIPPED,
        "5": Outcome.SKIPPED,
        "6": Outcome.SKIPPED,
    }
    assert sum(summary.outcome_counts.values()) == 6
    assert summary.exit_code == 0 and summary.review_rows() == 4
    assert {r.decision for r in summary.rows if r.a.id in ("1", "2")} == {Decision.AUTO}
    assert sum(isinstance(e, RunStarted) for e in env.events) == 1
    assert isinstance(env.events[-1], RunFinished)
    [run] = env.journal.list_runs()
    assert run.status == "done" and run.counts["outcomes"]["applied"] == 1
    assert len(env.journal.run_rows(run.id)) == 6
    assert env.b.records["91"]["WorkDrive_URL"] == "https://r1"


async def test_allow_overwrite_and_newest_duplicate(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(allow_overwrite=True, on_duplicate="newest")
    assert s.auto_rows() == ["1", "2", "3", "4"]
    summary = await s.apply(s.auto_rows())
    assert env.b.records["95"]["WorkDrive_URL"] == "https://u"  # the newest duplicate
    assert env.b.records["94"]["WorkDrive_URL"] is None
    assert env.b.records["93"]["WorkDrive_URL"] == "https://new"
    assert summary.outcome_counts[Outcome.APPLIED] == 3


async def test_record_ids_limit_and_report_only(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(record_ids=("1", "2", "7", "8", "404"), limit=1)
    assert [r.a.id for r in s.plan.rows if r.selected] == ["1"]
    assert s.plan.report_only == {
        "7": ReportStatus.ALREADY_DONE,
        "8": ReportStatus.NO_NAME,
        "404": ReportStatus.NOT_FOUND,
    }
    summary = await s.apply(s.auto_rows())
    assert summary.outcome_counts[Outcome.NOT_SELECTED] == 5
    assert summary.outcome_counts[Outcome.APPLIED] == 1


async def test_decisions_are_journalled_honoured_and_undone(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(mode="console", command="fieldsync")
    s.decide(["4"], DecisionKind.PICK_DUPLICATE, "94")
    assert s.plan.by_a_id()["4"].klass is RowClass.READY
    s.decide(["1", "2"], DecisionKind.SKIP)
    assert {s.plan.by_a_id()[i].decision for i in ("1", "2")} == {Decision.SKIPPED}
    assert s.replan().by_a_id()["1"].decision is Decision.SKIPPED  # in place == replanned
    s.decide(["1"], DecisionKind.APPROVE)
    assert s.plan.by_a_id()["1"].decision is Decision.APPROVED
    assert s.replan().by_a_id()["1"].decision is Decision.APPROVED
    assert s.undo_last_decision() == ["1"]
    assert s.plan.by_a_id()["1"].decision is Decision.SKIPPED
    assert s.undo_last_decision() == ["1", "2"]
    assert s.plan.by_a_id()["1"].decision is Decision.NONE
    s.decide(["2"], DecisionKind.SKIP)
    # a later --auto session honours the pick and the skip
    auto = await env.session()
    assert auto.auto_rows() == ["1", "4"]
    summary = await auto.apply(auto.auto_rows())
    assert env.b.records["94"]["WorkDrive_URL"] == "https://u"
    assert {r.a.id: r.outcome for r in summary.rows}["2"] is Outcome.SKIPPED


async def test_approve_in_console_marks_approved(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(mode="console", command="fieldsync")
    s.decide(["3"], DecisionKind.APPROVE)
    assert s.plan.by_a_id()["3"].decision is Decision.APPROVED
    preview = s.preview_counts(["1", "2", "3", "5"])
    assert (preview.rows, preview.write_b_rows, preview.tick_only, preview.not_applicable) == (
        3,
        2,
        1,
        1,
    )
    assert preview.projected_credits == 4  # 2 re-reads + 1 B write + 1 A tick
    summary = await s.apply(["3"])
    row = {r.a.id: r for r in summary.rows}["3"]
    assert row.outcome is Outcome.APPLIED and row.decision is Decision.APPROVED
    # a second run in the same session does not re-apply row 3
    second = await s.apply(["1", "3"])
    assert env.b.count("update") == 2
    assert {r.a.id: r.outcome for r in second.rows}["1"] is Outcome.APPLIED


async def test_dry_run_takes_no_lock_and_writes_nothing(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(dry_run=True)
    with RunLock(env.settings.state_dir, "someone else", name="lock.fields"):
        pass
    summary = await s.apply(s.auto_rows())
    assert summary.outcome_counts[Outcome.DRY_RUN] == 2
    assert env.a.count("update") == 0 and env.b.count("update") == 0
    assert env.journal.list_runs()[0].dry_run is True


async def test_stop_on_credits_sets_reason_and_exit_code(env: Env) -> None:
    seed_mixed(env)
    env.b.fail_next["update"] = [CreditsExhaustedError("spent", org="B")]
    s = await env.session()
    summary = await s.apply(s.auto_rows())
    assert summary.stopped_reason and summary.exit_code == 1
    assert sum(summary.outcome_counts.values()) == 6
    assert env.journal.list_runs()[0].status == "stopped"


async def test_retry_failed_rereads_and_applies(env: Env) -> None:
    seed_mixed(env)
    env.b.record_errors["91"] = ("RECORD_LOCKED", "locked")
    s = await env.session(mode="console", command="fieldsync")
    first = await s.apply(["1", "2"])
    assert {r.a.id: r.outcome for r in first.rows}["1"] is Outcome.FAILED
    assert first.exit_code == 1
    env.b.record_errors.clear()
    second = await s.retry_failed(None, None)
    out = {r.a.id: r.outcome for r in second.rows}
    assert out["1"] is Outcome.APPLIED and out["2"] is Outcome.TICKED
    assert len(env.journal.list_runs()) == 2


async def test_apply_refuses_while_another_process_holds_the_lock(env: Env) -> None:
    import subprocess
    import sys

    seed_mixed(env)
    s = await env.session()
    state = env.settings.state_dir
    code = (
        "import sys, time; from pathlib import Path; from fieldsync_tui.core.lock import RunLock;"
        f"l = RunLock(Path({str(state)!r}), 'holder cmd', name='lock.fields'); l.acquire();"
        "print('held', flush=True); sys.stdin.read()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
            with pytest.raises(LockHeldError, match="holder cmd"):
                await s.apply(s.auto_rows())
            assert env.journal.list_runs() == []
        finally:
            proc.kill()
            proc.wait()
    summary = await s.apply(s.auto_rows())  # the killed holder's lock is taken over
    assert summary.outcome_counts[Outcome.APPLIED] == 1


async def test_unfinished_run_is_reported_and_marked_interrupted(env: Env) -> None:
    seed_mixed(env)
    s = await env.session()
    row = s.plan.by_a_id()["1"]
    env.journal.begin_run(
        "20260101T000000Z-dead", job="fields", mode="auto", command="x", dry_run=False, rows=[row]
    )
    from fieldsync_tui.core.journal import Intent

    env.journal.record_intents("20260101T000000Z-dead", [Intent("1", "91", "write_b", {}, {}, "1")])
    [found] = s.unfinished_runs()
    assert found.id == "20260101T000000Z-dead" and found.unconfirmed == 1
    [recovered] = recover_unfinished(env.journal, env.settings.state_dir)
    assert recovered.unconfirmed == 1
    assert env.journal.get_run(found.id).status == "interrupted"  # type: ignore[union-attr]
    assert s.unfinished_runs() == []


async def test_load_reports_progress_per_org(env: Env) -> None:
    seed_mixed(env)
    connected = await connect(env.settings, env.a, env.b)
    s = SyncSession(env.settings, connected, env.journal, RunOptions())
    seen: list[tuple[str, int]] = []
    await s.load(lambda org, n: seen.append((org, n)))
    assert ("A", 7) in seen and ("B", 6) in seen


def test_settings_helper_is_sane(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    assert replace(s.fields, updated_from=None).updated_from is None


async def test_second_run_in_a_session_sees_its_own_b_writes(env: Env) -> None:
    env.a_rec("1", "Gus", "https://g", "G")
    env.a_rec("2", "gus", "https://g", "G")
    env.b_rec("9", "Gus")
    s = await env.session(mode="console", command="fieldsync")
    first = await s.apply(["1"])
    assert {r.a.id: r.outcome for r in first.rows} == {"1": Outcome.APPLIED, "2": Outcome.SKIPPED}
    s.replan()
    assert s.plan.by_a_id()["2"].klass is RowClass.IN_SYNC
    second = await s.apply(["2"])
    assert {r.a.id: r.outcome for r in second.rows}["2"] is Outcome.TICKED
    assert env.b.records["9"]["Record_Updated_From"] == "1"


async def test_approving_or_skipping_keeps_the_picked_duplicate(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(mode="console", command="fieldsync")
    s.decide(["4"], DecisionKind.PICK_DUPLICATE, "94")
    s.decide(["4"], DecisionKind.APPROVE)
    row = s.replan().by_a_id()["4"]
    assert (row.klass, row.b_id, row.decision) == (RowClass.READY, "94", Decision.APPROVED)
    s.decide(["4"], DecisionKind.SKIP)
    row = s.replan().by_a_id()["4"]
    assert (row.klass, row.b_id, row.decision) == (RowClass.READY, "94", Decision.SKIPPED)
    later = await env.session()
    row = later.plan.by_a_id()["4"]
    assert (row.klass, row.decision) == (RowClass.READY, Decision.SKIPPED)
    assert "4" not in later.auto_rows()
