"""Steps 2–3 of the write protocol (DESIGN §6): re-read, write Org B (step 4, the tick of
Org A, is ``fields.tick``).

Each function is given a :class:`WriteContext` (clients, fields, journal, settle callback),
decides outcomes for the rows it handles and hands them to ``ctx.settle`` (journal + log +
event) before it returns. Nothing here knows the batch runner that calls it. Fatal errors
(credits spent, refresh budget spent, authentication, permission) raise :class:`RunStopped`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.model import BRecord, FieldMap, Outcome, PlannedRow, Step
from fieldsync_tui.core.normalize import clean_value as clean
from fieldsync_tui.core.normalize import text_of
from fieldsync_tui.core.ports import CrmClient
from fieldsync_tui.zoho.errors import (
    AuthError,
    CreditsExhaustedError,
    ZohoAuthenticationError,
    ZohoConnectionError,
    ZohoError,
    ZohoPermissionError,
)
from fieldsync_tui.zoho.types import WriteResult

FATAL_ERRORS: tuple[type[ZohoError], ...] = (
    CreditsExhaustedError,
    AuthError,  # includes RefreshBudgetError
    ZohoAuthenticationError,
    ZohoPermissionError,
)


@dataclass(slots=True)
class WriteContext:
    """What the write protocol needs for one run: clients, fields, journal, settle callback."""

    run_id: str
    fields: FieldMap
    client_a: CrmClient
    client_b: CrmClient
    triggers_a: tuple[str, ...]
    triggers_b: tuple[str, ...]
    journal: Journal
    settle: Callable[[Sequence[PlannedRow]], None]
    """Journal (and commit) the outcomes of rows, log them, tell listeners."""
    b_records: dict[str, BRecord] = field(default_factory=dict)
    """B as planned, by id (the re-read compares against it)."""
    written_b: dict[str, dict[str, Any]] = field(default_factory=dict)
    """B id → the values this run wrote there (successful B writes only)."""
    reverse_of: str | None = None
    """The run being undone (``fieldsync undo``): B gets its old values back, A is unticked,
    and only B's written values and A's existence are re-checked."""

    @property
    def tick_value(self) -> bool:
        """The checkbox value step 4 writes: ticked, or unticked by an undo."""
        return self.reverse_of is None


class RunStopped(Exception):
    """A fatal error: the run stops cleanly after journalling what it knows."""

    def __init__(self, error: ZohoError) -> None:
        super().__init__(str(error))
        self.error = error


def error_code(err: BaseException) -> str:
    code = getattr(err, "code", None)
    return str(code) if code else type(err).__name__


def stop_reason(err: ZohoError) -> str:
    return f"{err.title}: {err}"


@dataclass(slots=True)
class Group:
    """Rows of one batch that resolve to the same B record: B is written once."""

    b_id: str
    rows: list[PlannedRow]
    payload: dict[str, Any] = field(default_factory=dict)  # B write without "id"; {} = tick only
    old: dict[str, str | None] = field(default_factory=dict)
    expect: dict[str, str | None] | None = field(default_factory=dict)
    """B's values the re-read must find (API name → value); None = B is not re-read."""

    @property
    def writes_b(self) -> bool:
        return bool(self.payload)


def set_outcome(
    row: PlannedRow, outcome: Outcome, step: Step | None, code: str | None, msg: str
) -> None:
    row.outcome, row.step, row.code, row.message = outcome, step, code, msg


def map_results(
    results: Sequence[WriteResult], ids: Sequence[str]
) -> dict[str, WriteResult] | None:
    """Results keyed by record id; None when they are not one per record sent.

    The client has already matched Zoho's answer to the records sent (``zoho.batch.
    map_results``: by ``details.id``, else by position): here each result carries its id."""
    by_id = {r.id: r for r in results}
    if len(results) != len(ids) or set(by_id) != set(ids):
        return None
    return by_id


def is_true(value: object) -> bool:
    """A checkbox value that reads as ticked (``true``, or the text ``"true"``)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


async def read_by_id(
    client: CrmClient, module: str, ids: Sequence[str], fields: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Records by id (the client chunks by 100); raises RunStopped on a fatal error."""
    try:
        records = await client.get_records_by_ids(module, list(ids), list(fields))
    except FATAL_ERRORS as err:
        raise RunStopped(err) from err
    return {str(r.get("id")): r for r in records}


# ---- step 2: re-read -----------------------------------------------------------------------


async def re_read(ctx: WriteContext, batch: list[Group]) -> list[Group]:
    """Groups whose B record and every A record are unchanged since the plan."""
    fields = ctx.fields
    rows = [r for g in batch for r in g.rows]
    b_ids = [g.b_id for g in batch if g.expect is not None]
    try:
        b_now, a_now = await asyncio.gather(
            read_by_id(ctx.client_b, fields.module, b_ids, b_fields(ctx)),
            read_by_id(ctx.client_a, fields.module, [r.a.id for r in rows], a_fields(ctx)),
        )
    except ZohoError as err:
        for row in rows:
            set_outcome(row, Outcome.FAILED, Step.RE_READ, error_code(err), str(err))
        ctx.settle(rows)
        return []
    live: list[Group] = []
    stale: list[PlannedRow] = []
    for group in batch:
        b_reason = b_changed(ctx, group, b_now.get(group.b_id))
        a_reasons = {r.a.id: a_changed(ctx, r, a_now.get(r.a.id)) for r in group.rows}
        if not b_reason and not any(a_reasons.values()):
            live.append(group)
            continue
        first = b_reason or next(m for m in a_reasons.values() if m)
        for row in group.rows:
            why = a_reasons[row.a.id] or b_reason or f"another row of its group is stale: {first}"
            set_outcome(row, Outcome.STALE, Step.RE_READ, None, why)
        stale.extend(group.rows)
    ctx.settle(stale)
    return live


def b_fields(ctx: WriteContext) -> list[str]:
    return ctx.fields.b_fields()


def a_fields(ctx: WriteContext) -> list[str]:
    return ctx.fields.a_fields()


def b_changed(ctx: WriteContext, group: Group, now: dict[str, Any] | None) -> str | None:
    if group.expect is None:
        return None
    if now is None:
        return f"Org B record {group.b_id} is gone"
    expected = group.expect
    changed = [name for name, old in expected.items() if clean(old) != clean(now.get(name))]
    if not changed:
        return None
    if ctx.reverse_of is not None:
        return (
            f"Org B record {group.b_id} changed since run {ctx.reverse_of} wrote it"
            f" ({', '.join(changed)}); not restored"
        )
    return f"Org B record {group.b_id} changed since the plan ({', '.join(changed)})"


def planned_b(fields: FieldMap, planned: BRecord | None) -> dict[str, str | None]:
    """What the re-read must find in a B record as planned (its copied fields, updated-from)."""
    if planned is None:
        return {}
    expected = {fields.url: planned.url, fields.folder_id: planned.folder_id}
    if fields.updated_from:
        expected[fields.updated_from] = planned.updated_from
    return expected


def a_changed(ctx: WriteContext, row: PlannedRow, now: dict[str, Any] | None) -> str | None:
    f = ctx.fields
    if now is None:
        return f"Org A record {row.a.id} is gone"
    if ctx.reverse_of is not None:  # an undo unticks what the run ticked: A only has to exist
        return None
    if is_true(now.get(f.checkbox)):
        return f"Org A record {row.a.id} was ticked since the plan ({f.checkbox})"
    changed = []
    if text_of(now.get(f.name)) != row.a.name:
        changed.append(f.name)
    for name, old in ((f.url, row.a.url), (f.folder_id, row.a.folder_id)):
        if clean(old) != clean(now.get(name)):
            changed.append(name)
    if changed:
        return f"Org A record {row.a.id} changed since the plan ({', '.join(changed)})"
    return None


# ---- step 3: write Org B ---------------------------------------------------------------------


async def write_b(ctx: WriteContext, groups: list[Group]) -> list[PlannedRow]:
    """PUT Org B once per group; returns the rows whose B write succeeded."""
    if not groups:
        return []
    try:
        results = await _put_b(ctx, groups)
    except ZohoError as err:
        if not err.write_may_have_landed:
            return _fail_groups(ctx, groups, err)
        # a dropped connection is written again where it did not land; a 5xx the client
        # gave up on is not (it failed for the retry budget already): only what landed counts
        rewrite = isinstance(err, ZohoConnectionError)
        return await _b_after_drop(ctx, groups, err, rewrite=rewrite)
    return _b_results(ctx, groups, results)


async def _put_b(ctx: WriteContext, groups: list[Group]) -> list[WriteResult]:
    payloads = [{"id": g.b_id, **g.payload} for g in groups]
    try:
        return await ctx.client_b.update_records(ctx.fields.module, payloads, list(ctx.triggers_b))
    except FATAL_ERRORS as err:
        _fail_groups(ctx, groups, err)
        raise RunStopped(err) from err


def _fail_groups(ctx: WriteContext, groups: list[Group], err: ZohoError) -> list[PlannedRow]:
    rows = [r for g in groups for r in g.rows if r.outcome is None]
    for row in rows:
        set_outcome(row, Outcome.FAILED, Step.B_WRITE, error_code(err), str(err))
    ctx.settle(rows)
    return []


def _b_results(
    ctx: WriteContext, groups: list[Group], results: Sequence[WriteResult]
) -> list[PlannedRow]:
    mapped = map_results(results, [g.b_id for g in groups])
    if mapped is None:
        msg = "Zoho's answer could not be mapped to the records sent; nothing is assumed written"
        for row in (r for g in groups for r in g.rows):
            set_outcome(row, Outcome.FAILED, Step.B_WRITE, "BatchMappingError", msg)
        ctx.settle([r for g in groups for r in g.rows])
        return []
    ok: list[PlannedRow] = []
    failed: list[PlannedRow] = []
    for group in groups:
        result = mapped[group.b_id]
        if result.ok:
            ok.extend(group.rows)
            continue
        for row in group.rows:
            set_outcome(row, Outcome.FAILED, Step.B_WRITE, result.code, result.message)
        failed.extend(group.rows)
    ctx.settle(failed)
    for group in groups:
        if mapped[group.b_id].ok:
            ctx.written_b[group.b_id] = dict(group.payload)
    for row in ok:  # B is written: journal the step before the tick (crash → in_sync)
        row.step = Step.B_WRITE
    ctx.journal.record_outcomes(ctx.run_id, ok)
    return ok


def holds(now: dict[str, Any] | None, payload: dict[str, Any]) -> bool:
    return now is not None and all(clean(now.get(k)) == clean(v) for k, v in payload.items())


async def _b_after_drop(
    ctx: WriteContext, groups: list[Group], err: ZohoError, *, rewrite: bool = True
) -> list[PlannedRow]:
    """The write dropped and may have landed: re-read; write again only where it did not
    (``rewrite``; otherwise those rows fail with ``err``)."""
    try:
        now = await read_by_id(
            ctx.client_b, ctx.fields.module, [g.b_id for g in groups], b_fields(ctx)
        )
    except ZohoError as read_err:
        return _fail_groups(ctx, groups, read_err)
    landed = [g for g in groups if holds(now.get(g.b_id), g.payload)]
    again = [g for g in groups if g not in landed and holds(now.get(g.b_id), g.old)]
    moved = [g for g in groups if g not in landed and g not in again]
    for row in (r for g in moved for r in g.rows):
        msg = f"Org B record {row.b_id} changed while the write was in doubt ({err})"
        set_outcome(row, Outcome.STALE, Step.B_WRITE, None, msg)
    ctx.settle([r for g in moved for r in g.rows])
    ok = _b_results(ctx, landed, [WriteResult(g.b_id, True, "SUCCESS", "") for g in landed])
    if again and not rewrite:
        _fail_groups(ctx, again, err)
    elif again:
        try:
            ok += _b_results(ctx, again, await _put_b(ctx, again))
        except ZohoError as retry_err:
            _fail_groups(ctx, again, retry_err)
    return ok
