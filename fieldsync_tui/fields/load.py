"""Loading both orgs for the field sync (DESIGN §4): whole-module reads down the read ladder
(``zoho.reader``), converted page by page, and the ``--record-id`` records the pending read
did not return; re-reading the records of failed rows (``R``)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from fieldsync_tui.config import Settings
from fieldsync_tui.core.model import ARecord, BRecord, PlannedRow
from fieldsync_tui.core.normalize import normalise_name
from fieldsync_tui.fields.classify import is_pending
from fieldsync_tui.fields.records import a_record, b_record
from fieldsync_tui.fields.startup import Connected, OrgContext
from fieldsync_tui.zoho.readfilter import ReadFilter

_R = TypeVar("_R")
OnProgress = Callable[[str, int], None]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (bulk object creation); restored afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def load_orgs(
    settings: Settings, connected: Connected, on_progress: OnProgress | None
) -> tuple[dict[str, ARecord], dict[str, BRecord]]:
    """Org A's pending records and every named Org B record, by id."""
    f = settings.fields
    where_a = ReadFilter(false=(f.checkbox,), present=(f.name,))
    where_b = ReadFilter(present=(f.name,))
    pending, b_records = await asyncio.gather(
        _pages(settings, connected.a, f.a_fields(), where_a, on_progress, a_record),
        _pages(settings, connected.b, f.b_fields(), where_b, on_progress, b_record),
    )
    return {a.id: a for a in pending if is_pending(a)}, {b.id: b for b in b_records}


async def load_record_ids(
    settings: Settings, connected: Connected, wanted: Sequence[str], have: dict[str, ARecord]
) -> dict[str, ARecord]:
    """The ``--record-id`` records not in ``have`` (read by id); the pending ones are added
    to ``have`` (pending now, missed by the load: they just changed). Returns all read."""
    missing = [i for i in dict.fromkeys(wanted) if i and i not in have]
    if not missing:
        return {}
    raw = await connected.a.client.get_records_by_ids(
        settings.fields.module, missing, settings.fields.a_fields()
    )
    known = {a.id: a for a in (a_record(r, settings) for r in raw)}
    for a in known.values():
        if is_pending(a):
            have[a.id] = a
    return known


async def reread_rows(
    settings: Settings,
    connected: Connected,
    rows: Sequence[PlannedRow],
    have_a: dict[str, ARecord],
    have_b: dict[str, BRecord],
) -> None:
    """Re-read the A and B records of ``rows`` by id into ``have_a``/``have_b``: an A record
    gone, ticked or nameless now leaves ``have_a``, a B record gone leaves ``have_b``."""
    if not rows:
        return
    f = settings.fields
    a_ids = [r.a.id for r in rows]
    b_ids = list(dict.fromkeys(c for r in rows for c in (*r.b_candidates, r.b_id) if c))
    a_raw, b_raw = await asyncio.gather(
        connected.a.client.get_records_by_ids(f.module, a_ids, f.a_fields()),
        connected.b.client.get_records_by_ids(f.module, b_ids, f.b_fields()),
    )
    fresh_a = {a.id: a for a in (a_record(r, settings) for r in a_raw)}
    for a_id in a_ids:
        a = fresh_a.get(a_id)
        if a is None or a.checkbox or not normalise_name(a.name):
            have_a.pop(a_id, None)
        else:
            have_a[a_id] = a
    fresh_b = {b.id: b for b in (b_record(r, settings) for r in b_raw)}
    for b_id in b_ids:
        if b_id in fresh_b:
            have_b[b_id] = fresh_b[b_id]
        else:
            have_b.pop(b_id, None)


async def _pages(
    settings: Settings,
    org: OrgContext,
    fields: list[str],
    where: ReadFilter,
    on_progress: OnProgress | None,
    convert: Callable[[dict[str, Any], Settings], _R],
) -> list[_R]:
    """Every record of a whole-module read, converted page by page (raw dicts of one page
    at a time stay in memory, not 200,000 of them)."""
    out: list[_R] = []
    async for page in org.client.read_pages(settings.fields.module, fields, where):
        with gc_paused():
            out.extend([convert(r, settings) for r in page])
        if on_progress is not None:
            on_progress(org.label, len(out))
    return out
