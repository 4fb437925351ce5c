"""Undo of a run: restore B where unchanged, untick A, journalled as its own run."""

from __future__ import annotations

import pytest

from fieldsync_tui.core.model import Outcome, Step
from fieldsync_tui.fields.startup import connect
from fieldsync_tui.fields.undo import UndoError, undo_run

from .conftest import Env, seed_mixed


async def _applied(env: Env) -> str:
    seed_mixed(env)
    s = await env.session(allow_overwrite=True)
    summary = await s.apply(s.auto_rows())
    assert summary.outcome_counts[Outcome.APPLIED] == 2
    return summary.run_id


async def test_undo_restores_b_and_unticks_a(env: Env) -> None:
    run_id = await _applied(env)
    connected = await connect(env.settings, env.a, env.b)
    summary = await undo_run(env.settings, connected, env.journal, run_id)
    out = {r.a.id: r.outcome for r in summary.rows}
    assert out == {"1": Outcome.APPLIED, "2": Outcome.TICKED, "3": Outcome.APPLIED}
    assert env.b.records["91"]["WorkDrive_URL"] is None
    assert env.b.records["91"]["Record_Updated_From"] is None
    assert env.b.records["93"]["WorkDrive_URL"] == "https://old"
    assert env.b.records["92"]["WorkDrive_URL"] == "https://s"  # in_sync: B untouched
    assert not any(env.a.records[i]["Transfer_Complete"] for i in ("1", "2", "3"))
    [latest, _] = env.journal.list_runs()
    assert latest.mode == "undo" and latest.undo_of == run_id and latest.status == "done"


async def test_undo_refuses_rows_changed_since(env: Env) -> None:
    run_id = await _applied(env)
    env.b.records["91"]["WorkDrive_Folder_ID"] = "edited by a person"
    connected = await connect(env.settings, env.a, env.b)
    summary = await undo_run(env.settings, connected, env.journal, run_id, record_ids=("1", "3"))
    rows = {r.a.id: r for r in summary.rows}
    assert set(rows) == {"1", "3"}
    assert (rows["1"].outcome, rows["1"].step) == (Outcome.STALE, Step.RE_READ)
    assert "changed since run" in rows["1"].message
    assert env.b.records["91"]["WorkDrive_Folder_ID"] == "edited by a person"
    assert env.a.records["1"]["Transfer_Complete"] is True  # refused: still ticked
    assert rows["3"].outcome is Outcome.APPLIED


async def test_undo_dry_run_and_unknown_run(env: Env) -> None:
    run_id = await _applied(env)
    connected = await connect(env.settings, env.a, env.b)
    writes = env.b.count("update")
    summary = await undo_run(env.settings, connected, env.journal, run_id, dry_run=True)
    assert summary.outcome_counts[Outcome.DRY_RUN] == 3
    assert env.b.count("update") == writes
    with pytest.raises(UndoError):
        await undo_run(env.settings, connected, env.journal, "nope")


async def test_undo_of_one_record_takes_its_whole_b_group(env: Env) -> None:
    env.a_rec("11", "Group Co", "https://g", "G")
    env.a_rec("12", "group  co", "https://g", "G")  # same B record, same values: one write
    env.b_rec("97", "Group Co")
    env.a_rec("13", "Alone Co", "https://a", "A")
    env.b_rec("98", "Alone Co")
    s = await env.session()
    await s.apply(s.auto_rows())
    run_id = env.journal.list_runs()[0].id
    assert env.b.records["97"]["WorkDrive_URL"] == "https://g"
    connected = await connect(env.settings, env.a, env.b)
    summary = await undo_run(env.settings, connected, env.journal, run_id, record_ids=("12",))
    assert {r.a.id for r in summary.rows} == {"11", "12"}  # widened to the group
    assert env.b.records["97"]["WorkDrive_URL"] is None
    assert not env.a.records["11"]["Transfer_Complete"]
    assert not env.a.records["12"]["Transfer_Complete"]
    assert env.a.records["13"]["Transfer_Complete"] is True  # not asked, not in the group


async def test_undo_rechecks_a_dropped_restore_that_landed(env: Env) -> None:
    """Undo goes through the same write protocol: a restore whose answer was lost is re-read,
    counted when it landed and never sent twice; a dropped untick is re-read too."""
    run_id = await _applied(env)
    connected = await connect(env.settings, env.a, env.b)
    writes_b, writes_a = env.b.count("update"), env.a.count("update")
    env.b.drop_after_apply = 1
    env.a.drop_before_apply = 1
    summary = await undo_run(env.settings, connected, env.journal, run_id)
    out = {r.a.id: r.outcome for r in summary.rows}
    assert out == {"1": Outcome.APPLIED, "2": Outcome.TICKED, "3": Outcome.APPLIED}
    assert env.b.count("update") == writes_b + 1  # landed: not written again
    assert env.a.count("update") == writes_a + 2  # did not land: unticked again
    assert env.b.records["93"]["WorkDrive_URL"] == "https://old"
    assert not any(env.a.records[i]["Transfer_Complete"] for i in ("1", "2", "3"))
