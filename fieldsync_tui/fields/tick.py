"""Step 4 of the write protocol (DESIGN §6): tick Org A (an undo unticks), batched, for rows
whose B write succeeded and for ``in_sync`` rows; a dropped tick is re-read before it is
sent again."""

from __future__ import annotations

from collections.abc import Sequence

from fieldsync_tui.core.model import Outcome, PlannedRow, RowClass, Step
from fieldsync_tui.core.runner import BATCH_SIZE
from fieldsync_tui.fields.protocol import (
    FATAL_ERRORS,
    RunStopped,
    WriteContext,
    a_fields,
    error_code,
    is_true,
    map_results,
    read_by_id,
    set_outcome,
)
from fieldsync_tui.zoho.errors import ZohoConnectionError, ZohoError
from fieldsync_tui.zoho.types import WriteResult


async def tick_a(ctx: WriteContext, rows: list[PlannedRow]) -> None:
    """Tick A for rows whose B write succeeded and for in_sync rows (chunks of 100)."""
    for start in range(0, len(rows), BATCH_SIZE):
        await _tick_chunk(ctx, rows[start : start + BATCH_SIZE])


async def _tick_chunk(ctx: WriteContext, rows: list[PlannedRow]) -> None:
    try:
        results = await _put_a(ctx, rows)
    except ZohoError as err:
        if not err.write_may_have_landed:
            _tick_failed(ctx, rows, error_code(err), str(err))
            return
        await _a_after_drop(ctx, rows, err, rewrite=isinstance(err, ZohoConnectionError))
        return
    _a_results(ctx, rows, results)


async def _put_a(ctx: WriteContext, rows: list[PlannedRow]) -> list[WriteResult]:
    payloads = [{"id": r.a.id, ctx.fields.checkbox: ctx.tick_value} for r in rows]
    try:
        return await ctx.client_a.update_records(ctx.fields.module, payloads, list(ctx.triggers_a))
    except FATAL_ERRORS as err:
        _tick_failed(ctx, rows, error_code(err), f"run stopped: {err}")
        raise RunStopped(err) from err


def _tick_failed(ctx: WriteContext, rows: list[PlannedRow], code: str | None, msg: str) -> None:
    for row in rows:
        outcome = Outcome.FAILED if row.klass is RowClass.IN_SYNC else Outcome.PARTIAL
        set_outcome(row, outcome, Step.A_TICK, code, msg)
    ctx.settle(rows)


def _a_results(ctx: WriteContext, rows: list[PlannedRow], results: Sequence[WriteResult]) -> None:
    mapped = map_results(results, [r.a.id for r in rows])
    if mapped is None:
        msg = "Zoho's answer could not be mapped to the records sent"
        _tick_failed(ctx, rows, "BatchMappingError", msg)
        return
    for row in rows:
        result = mapped[row.a.id]
        if result.ok:
            done = Outcome.TICKED if row.klass is RowClass.IN_SYNC else Outcome.APPLIED
            set_outcome(row, done, None, None, _done_message(ctx, done))
        else:
            outcome = Outcome.FAILED if row.klass is RowClass.IN_SYNC else Outcome.PARTIAL
            set_outcome(row, outcome, Step.A_TICK, result.code, result.message)
    ctx.settle(rows)


def _done_message(ctx: WriteContext, done: Outcome) -> str:
    if ctx.reverse_of is None:
        return ""
    return "B restored, A unticked" if done is Outcome.APPLIED else "A unticked"


async def _a_after_drop(
    ctx: WriteContext, rows: list[PlannedRow], err: ZohoError, *, rewrite: bool = True
) -> None:
    try:
        now = await read_by_id(
            ctx.client_a, ctx.fields.module, [r.a.id for r in rows], a_fields(ctx)
        )
    except ZohoError as read_err:
        _tick_failed(ctx, rows, error_code(read_err), str(read_err))
        return
    box = ctx.fields.checkbox
    landed = [r for r in rows if r.a.id in now and is_true(now[r.a.id].get(box)) is ctx.tick_value]
    again = [r for r in rows if r not in landed]
    _a_results(ctx, landed, [WriteResult(r.a.id, True, "SUCCESS", "") for r in landed])
    if again and not rewrite:
        _tick_failed(ctx, again, error_code(err), str(err))
    elif again:
        try:
            _a_results(ctx, again, await _put_a(ctx, again))
        except ZohoError as retry_err:
            _tick_failed(ctx, again, error_code(retry_err), str(retry_err))
