"""Which classified rows this run may touch: ``--record-id`` then ``--limit`` (DESIGN §4).

Classification has already run over every pending row, so a selection can never split a
conflict or a write group's class. ``select`` sets ``selected`` on every row and the outcome
``not_selected`` on rows left out (it clears a ``not_selected`` left by an earlier call on
rows now chosen); the engine sets every other outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from fieldsync_tui.core.model import ARecord, Outcome, Plan, PlannedRow, ReportStatus
from fieldsync_tui.core.normalize import id_key, normalise_name

_NO_RECORDS: Mapping[str, ARecord] = {}


def select(
    plan: Plan,
    *,
    record_ids: Sequence[str] = (),
    limit: int | None = None,
    known_a: Mapping[str, ARecord] = _NO_RECORDS,
    in_place: bool = False,
) -> Plan:
    """A new plan (rows copied) with this run's selection applied.

    ``in_place=True`` marks ``plan.rows`` themselves instead of copying them (for a plan
    nobody else holds yet, such as a fresh ``classify`` result: 100,000 copies cost time).

    ``record_ids`` (stripped, repeated ids once) keeps only those pending rows; then
    ``limit`` keeps the first N of what is left by ascending A id. A requested id that is not
    a pending row goes into ``report_only``: ``already_done`` when ``known_a`` holds it
    ticked, ``no_name`` when its normalised name is empty, otherwise ``not_found`` (unknown
    to Org A, or not among the rows loaded). Earlier ``report_only`` entries are kept.
    """
    wanted = requested_ids(record_ids)
    pending_ids = {r.a.id for r in plan.rows}
    chosen = choose(pending_ids, wanted, limit)
    if in_place:
        rows = list(plan.rows)
        for row in rows:
            _mark_selection(row, row.a.id in chosen)
    else:
        rows = [_with_selection(r, r.a.id in chosen) for r in plan.rows]
    report_only = dict(plan.report_only)
    report_names = dict(plan.report_names)
    for a_id in wanted:
        if a_id not in pending_ids:
            report_only[a_id] = report_status(known_a.get(a_id))
            known = known_a.get(a_id)
            report_names[a_id] = known.name if known is not None else None
    return Plan(
        rows=rows, b_records=plan.b_records, report_only=report_only, report_names=report_names
    )


def requested_ids(record_ids: Sequence[str]) -> list[str]:
    """``--record-id`` values stripped, empty ones dropped, repeated ones once (in order)."""
    return list(dict.fromkeys(i.strip() for i in record_ids if i.strip()))


def choose(ids: Iterable[str], wanted: Sequence[str], limit: int | None) -> set[str]:
    """The ids a run may touch, for either job: ``wanted`` (``--record-id``; empty = all)
    first, then the first ``limit`` by ascending id. ValueError for a limit below 1."""
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    ordered = sorted(ids, key=id_key)
    if wanted:
        asked = set(wanted)
        ordered = [i for i in ordered if i in asked]
    return set(ordered if limit is None else ordered[:limit])


def _with_selection(row: PlannedRow, selected: bool) -> PlannedRow:
    if selected:
        outcome = None if row.outcome is Outcome.NOT_SELECTED else row.outcome
        return replace(row, selected=True, outcome=outcome)
    return replace(row, selected=False, outcome=Outcome.NOT_SELECTED)


def _mark_selection(row: PlannedRow, selected: bool) -> None:
    row.selected = selected
    if selected:
        row.outcome = None if row.outcome is Outcome.NOT_SELECTED else row.outcome
    else:
        row.outcome = Outcome.NOT_SELECTED


def report_status(a: ARecord | None) -> ReportStatus:
    """Why a requested Org A record is not a pending row."""
    if a is None:
        return ReportStatus.NOT_FOUND
    if a.checkbox:
        return ReportStatus.ALREADY_DONE
    if not normalise_name(a.name):
        return ReportStatus.NO_NAME
    return ReportStatus.NOT_FOUND
