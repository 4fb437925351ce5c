"""The write protocol (DESIGN §6) against the in-memory fake client."""

from __future__ import annotations

import asyncio
from typing import Any

from fieldsync_tui.core.events import BatchStarted, LogLine, Progress, RowsChanged
from fieldsync_tui.core.model import Outcome, RowClass, Step
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.fields.engine import make_batches
from fieldsync_tui.zoho.errors import (
    CreditsExhaustedError,
    RefreshBudgetError,
    ZohoRateLimitError,
    ZohoServerError,
)

from .conftest import World
from .fakes import FakeClient


async def test_ready_row_writes_b_then_ticks_a(world: World) -> None:
    world.add_a("101", "Ada", "https://wd.example/a", "F1")
    world.add_b("901", "Ada")
    row = world.row("101", "901")
    assert row.klass is RowClass.READY
    engine = world.engine([row])
    assert await engine.run([row]) is None
    assert row.outcome is Outcome.APPLIED
    assert world.b.records["901"]["WorkDrive_URL"] == "https://wd.example/a"
    assert world.b.records["901"]["WorkDrive_Folder_ID"] == "F1"
    assert world.b.records["901"]["Record_Updated_From"] == "101"
    assert world.a.records["101"]["Transfer_Complete"] is True
    assert world.b.triggers_seen == [["workflow"]]
    assert world.a.triggers_seen == [[]]
    [jrow] = world.journal.run_rows(engine.cfg.run_id)
    assert jrow.outcome == "applied" and jrow.action == "write_b"
    assert jrow.old_values == {
        "WorkDrive_URL": None,
        "WorkDrive_Folder_ID": None,
        "Record_Updated_From": None,
    }
    assert jrow.new_values["WorkDrive_URL"] == "https://wd.example/a"
    assert jrow.updated_from == "101"


async def test_in_sync_row_is_only_ticked(world: World) -> None:
    world.add_a("101", "Ada", "https://u", "F1")
    world.add_b("901", "Ada", "https://u", "F1")
    row = world.row("101", "901")
    assert row.klass is RowClass.IN_SYNC
    await world.engine([row]).run([row])
    assert row.outcome is Outcome.TICKED
    assert world.b.count("update") == 0
    assert world.b.count("get_by_ids") == 1  # in_sync targets are re-read too
    assert world.a.records["101"]["Transfer_Complete"] is True


async def test_only_changed_fields_and_updated_from_are_sent(world: World) -> None:
    world.add_a("101", "Ada", "https://u", "F1")
    world.add_b("901", "Ada", "https://u", None)
    row = world.row("101", "901")
    await world.engine([row]).run([row])
    [(_, sent)] = [c for c in world.b.calls if c[0] == "update"]
    assert sent == [{"id": "901", "WorkDrive_Folder_ID": "F1", "Record_Updated_From": "101"}]


async def test_group_writes_b_once_with_lowest_a_id_and_ticks_every_a(world: World) -> None:
    for rid in ("300", "99", "1000"):
        world.add_a(rid, "Ada", "https://u", "F1")
    world.add_b("901", "Ada")
    rows = [world.row(rid, "901") for rid in ("300", "99", "1000")]
    await world.engine(rows).run(rows)
    assert [r.outcome for r in rows] == [Outcome.APPLIED] * 3
    [(_, sent)] = [c for c in world.b.calls if c[0] == "update"]
    assert len(sent) == 1 and sent[0]["Record_Updated_From"] == "99"
    assert all(world.a.records[r]["Transfer_Complete"] for r in ("300", "99", "1000"))


async def test_fixed_updated_from_value_and_disabled_field(world: World) -> None:
    from dataclasses import replace

    from .conftest import FIELDS

    world.add_a("101", "Ada", "https://u", "F1")
    world.add_a("102", "Bob", "https://v", "F2")
    world.add_b("901", "Ada")
    world.add_b("902", "Bob")
    r1 = world.row("101", "901")
    await world.engine([r1], fields=replace(FIELDS, updated_from_value="Org A")).run([r1])
    assert world.b.records["901"]["Record_Updated_From"] == "Org A"
    r2 = world.row("102", "902")
    await world.engine([r2], fields=replace(FIELDS, updated_from=None)).run([r2])
    assert r2.outcome is Outcome.APPLIED
    assert "Record_Updated_From" not in world.b.calls[-1][1][0]


async def test_b_edited_since_plan_is_stale_and_nothing_written(world: World) -> None:
    world.add_a("101", "Ada", "https://u", "F1")
    world.add_b("901", "Ada")
    row = world.row("101", "901")
    engine = world.engine([row])
    world.b.records["901"]["WorkDrive_URL"] = "https://someone-else"
    await engine.run([row])
    assert (row.outcome, row.step) == (Outcome.STALE, Step.RE_READ)
    assert "WorkDrive_URL" in row.message
    assert world.b.count("update") == 0 and world.a.count("update") == 0


async def test_b_updated_from_change_is_stale(world: World) -> None:
    world.add_a("101", "Ada", "https://u", "F1")
    world.add_b("901", "Ada")
    row = world.row("101", "901")
    engine = world.engine([row])
    world.b.records["901"]["Record_Updated_From"] = "elsewhere"
    await engine.run([row])
    assert row.outcome is Outcome.STALE


async def test_a_changes_make_rows_stale(world: World) -> None:
    for rid, name in (("1", "A1"), ("2", "A2"), ("3", "A3"), ("4", "A4")):
        world.add_a(rid, name, "https://u" + rid, "F" + rid)
        world.add_b("9" + rid, name)
    rows = [world.row(r, "9" + r) for r in ("1", "2", "3", "4")]
    engine = world.engine(rows)
    world.a.records["1"]["Name"] = "A1 renamed"
    world.a.records["2"]["WorkDrive_URL"] = "https://changed"
    world.a.records["3"]["Transfer_Complete"] = True
    del world.b.records["94"]
    await engine.run(rows)
    assert [r.outcome for r in rows] == [Outcome.STALE] * 4
    assert "ticked" in rows[2].message and "gone" in rows[3].message
    assert world.b.count("update") == 0 and world.a.count("update") == 0


async def test_deleted_a_record_is_stale(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    engine = world.engine([row])
    del world.a.records["1"]
    await engine.run([row])
    assert row.outcome is Outcome.STALE and "gone" in row.message


async def test_stale_member_makes_whole_group_stale(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_a("2", "Ada", "https://u", "F")
    world.add_a("3", "Bob", "https://v", "G")
    world.add_b("9", "Ada")
    world.add_b("8", "Bob")
    rows = [world.row("1", "9"), world.row("2", "9"), world.row("3", "8")]
    engine = world.engine(rows)
    world.a.records["2"]["WorkDrive_Folder_ID"] = "other"
    await engine.run(rows)
    assert [r.outcome for r in rows] == [Outcome.STALE, Outcome.STALE, Outcome.APPLIED]
    assert "group" in rows[0].message
    assert world.b.records["9"]["WorkDrive_URL"] is None
    assert world.a.records["1"]["Transfer_Complete"] is False


async def test_failure_inside_batch_keeps_zoho_code_and_a_is_not_ticked(world: World) -> None:
    for rid in ("1", "2"):
        world.add_a(rid, "N" + rid, "https://u" + rid, "F")
        world.add_b("9" + rid, "N" + rid)
    world.b.record_errors["92"] = ("RECORD_LOCKED", "the record is locked")
    rows = [world.row("1", "91"), world.row("2", "92")]
    await world.engine(rows).run(rows)
    assert rows[0].outcome is Outcome.APPLIED
    assert (rows[1].outcome, rows[1].step, rows[1].code) == (
        Outcome.FAILED,
        Step.B_WRITE,
        "RECORD_LOCKED",
    )
    assert rows[1].message == "the record is locked"
    assert world.a.records["2"]["Transfer_Complete"] is False


async def test_tick_failure_after_b_success_is_partial(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_a("2", "Bob", "https://v", "G")
    world.add_b("9", "Ada")
    world.add_b("8", "Bob", "https://v", "G")
    world.a.record_errors["1"] = ("INVALID_DATA", "invalid data")
    world.a.record_errors["2"] = ("INVALID_DATA", "invalid data")
    rows = [world.row("1", "9"), world.row("2", "8")]
    await world.engine(rows).run(rows)
    assert (rows[0].outcome, rows[0].step, rows[0].code) == (
        Outcome.PARTIAL,
        Step.A_TICK,
        "INVALID_DATA",
    )
    assert (rows[1].outcome, rows[1].step) == (Outcome.FAILED, Step.A_TICK)  # in_sync
    assert world.b.records["9"]["WorkDrive_URL"] == "https://u"


async def test_dry_run_writes_nothing_but_journals(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    engine = world.engine([row], dry_run=True)
    await engine.run([row])
    assert row.outcome is Outcome.DRY_RUN
    assert world.b.count("update") == 0 and world.a.count("update") == 0
    [jrow] = world.journal.run_rows(engine.cfg.run_id)
    assert jrow.outcome == "dry_run" and jrow.new_values["WorkDrive_URL"] == "https://u"


def _many(world: World, n: int) -> list:  # type: ignore[type-arg]
    rows = []
    for i in range(1, n + 1):
        rid = str(1000 + i)
        world.add_a(rid, f"N{i}", f"https://u/{i}", f"F{i}")
        world.add_b(str(5000 + i), f"N{i}")
        rows.append(world.row(rid, str(5000 + i)))
    return rows


async def test_batches_hold_at_most_100_rows_and_keep_groups_together(world: World) -> None:
    rows = _many(world, 150)  # A ids 1001..1150
    world.add_b("7000", "Grp")
    for rid in ("1099", "1100", "1101"):
        world.add_a(rid, "Grp", "https://g", "G")
    rows = [r for r in rows if r.a.id not in ("1099", "1100", "1101")]
    rows += [world.row(rid, "7000") for rid in ("1099", "1100", "1101")]
    batches = make_batches(rows)
    sizes = [sum(len(g.rows) for g in b) for b in batches]
    assert sizes == [98, 52]  # 98 + the group of 3 would exceed 100
    assert len(batches[1][0].rows) == 3


async def test_credits_exhausted_stops_cleanly(world: World) -> None:
    rows = _many(world, 150)
    world.b.fail_next["update"] = [CreditsExhaustedError("no credits left", org="B")]
    engine = world.engine(rows)
    reason = await engine.run(rows)
    assert reason is not None and "credits" in reason.lower()
    assert all(r.outcome is Outcome.FAILED for r in rows)
    assert world.b.count("update") == 1 and world.a.count("update") == 0
    assert {r.code for r in rows} == {"CreditsExhaustedError"}
    assert {r.step for r in rows[100:]} == {None}
    outcomes = {r.outcome for r in world.journal.run_rows(engine.cfg.run_id)}
    assert outcomes == {"failed"}


async def test_refresh_budget_during_tick_leaves_partial_rows(world: World) -> None:
    rows = _many(world, 3)
    world.a.fail_next["update"] = [RefreshBudgetError("10 refreshes spent", org="A")]
    reason = await world.engine(rows).run(rows)
    assert reason is not None
    assert {r.outcome for r in rows} == {Outcome.PARTIAL}


async def test_rate_limit_fails_one_batch_and_the_next_continues(world: World) -> None:
    rows = _many(world, 150)
    world.b.fail_next["update"] = [
        ZohoRateLimitError("still 429", status_code=429, code="TOO_MANY_REQUESTS", org="B")
    ]
    assert await world.engine(rows).run(rows) is None
    assert {r.outcome for r in rows[:100]} == {Outcome.FAILED}
    assert {r.code for r in rows[:100]} == {"TOO_MANY_REQUESTS"}
    assert {r.outcome for r in rows[100:]} == {Outcome.APPLIED}


async def test_cancel_between_batches(world: World) -> None:
    rows = _many(world, 250)
    control = ApplyControl()

    def on_event(event: object) -> None:
        if isinstance(event, BatchStarted) and event.index == 0:
            control.cancel()

    reason = await world.engine(rows, control=control, emit=on_event).run(rows)
    assert reason == "cancelled by the operator"
    assert {r.outcome for r in rows[:100]} == {Outcome.APPLIED}
    assert {r.outcome for r in rows[100:]} == {Outcome.FAILED}
    assert {r.code for r in rows[100:]} == {"CANCELLED"}
    assert world.b.count("update") == 1


async def test_pause_holds_the_next_batch_until_resume(world: World) -> None:
    rows = _many(world, 150)
    control = ApplyControl()
    seen: list[int] = []
    loop = asyncio.get_running_loop()

    def resume() -> None:
        seen.append(world.b.count("update"))
        control.resume()

    def on_event(event: object) -> None:
        if isinstance(event, Progress) and not seen and not control.paused:
            control.pause()
            loop.call_soon(resume)

    await world.engine(rows, control=control, emit=on_event).run(rows)
    assert seen == [1]
    assert world.b.count("update") == 2
    assert {r.outcome for r in rows} == {Outcome.APPLIED}


async def test_dropped_b_write_that_landed_is_not_written_again(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    world.b.drop_after_apply = 1
    await world.engine([row]).run([row])
    assert row.outcome is Outcome.APPLIED
    assert world.b.count("update") == 1


async def test_dropped_b_write_that_did_not_land_is_written_again(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    world.b.drop_before_apply = 1
    await world.engine([row]).run([row])
    assert row.outcome is Outcome.APPLIED
    assert world.b.count("update") == 2
    assert world.b.records["9"]["WorkDrive_URL"] == "https://u"


async def test_dropped_tick_rechecked(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    world.a.drop_before_apply = 1
    await world.engine([row]).run([row])
    assert row.outcome is Outcome.APPLIED
    assert world.a.count("update") == 2


async def test_events_and_log_lines_are_safe(world: World) -> None:
    world.add_a("1", "Evil\x1b[31m", "https://u", "F")
    world.add_b("9", "Evil\x1b[31m")
    row = world.row("1", "9")
    await world.engine([row]).run([row])
    logs = [e.text for e in world.events if isinstance(e, LogLine)]
    assert logs and "\x1b" not in logs[0] and "\\x1b" in logs[0]
    changed = [r for e in world.events if isinstance(e, RowsChanged) for r in e.rows]
    assert changed == [row]
    assert isinstance(world.events[-1], Progress) and world.events[-1].done == 1


def _server_error_after_apply(client: FakeClient) -> None:
    """The next write applies, then the answer is a 5xx the client gave up on."""
    original = client.update_records

    async def update(module: str, records: Any, trigger: Any) -> Any:
        client.update_records = original  # type: ignore[method-assign]
        await original(module, records, trigger)
        err = ZohoServerError("INTERNAL_ERROR (HTTP 500)", status_code=500, code="INTERNAL_ERROR")
        err.write_may_have_landed = True
        raise err

    client.update_records = update  # type: ignore[method-assign]


async def test_b_write_5xx_that_landed_counts_as_written(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    _server_error_after_apply(world.b)
    await world.engine([row]).run([row])
    assert row.outcome is Outcome.APPLIED  # re-read: it landed, so A is ticked
    assert world.b.count("update") == 1 and world.a.records["1"]["Transfer_Complete"] is True


async def test_b_write_5xx_that_did_not_land_fails_without_writing_again(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    err = ZohoServerError("INTERNAL_ERROR (HTTP 500)", status_code=500, code="INTERNAL_ERROR")
    err.write_may_have_landed = True
    world.b.fail_next["update"] = [err]
    await world.engine([row]).run([row])
    assert row.outcome is Outcome.FAILED and row.step is Step.B_WRITE
    assert row.code == "INTERNAL_ERROR" and world.b.count("update") == 1
    assert world.a.records["1"].get("Transfer_Complete") is not True


async def test_tick_5xx_that_landed_is_applied(world: World) -> None:
    world.add_a("1", "Ada", "https://u", "F")
    world.add_b("9", "Ada")
    row = world.row("1", "9")
    _server_error_after_apply(world.a)
    await world.engine([row]).run([row])
    assert row.outcome is Outcome.APPLIED and world.a.count("update") == 1
