"""The field sync's view (``job_view.JobView``): its table, detail pane and dialog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import ModalScreen

from fieldsync_tui.core.model import DecisionKind, Plan, PlannedRow
from fieldsync_tui.core.report import rows_csv
from fieldsync_tui.fields.rules import FIELD_RULES
from fieldsync_tui.widgets.diff_view import row_detail

from .detail import DetailScreen
from .job_view import DetailRequest, JobView, table_for
from .notes import decision_note


def _detail(row: PlannedRow, plan: Plan | None) -> Any:
    return row_detail(row, plan.b_records if plan else {})


def _open(request: DetailRequest) -> ModalScreen[Any]:
    row: PlannedRow = request.row
    by_id: dict[str, Any] = {r.a.id: r for r in request.rows} if row.conflict_with else {}
    peers: list[PlannedRow] = [by_id[a] for a in row.conflict_with if a in by_id]
    b_records = request.plan.b_records if request.plan else {}
    return DetailScreen(row, b_records, request.suggestions, peers)


def _pool(plan: Plan) -> list[Any]:
    return list(plan.b_records.values())


def _export(rows: Sequence[PlannedRow], plan: Plan | None) -> str:
    return rows_csv(rows)


def _note(
    kind: DecisionKind, a_id: str, row: PlannedRow | None, target: str | None, plan: Plan | None
) -> str:
    return decision_note(kind, a_id, row, target, plan.b_records if plan else {})


FIELDS_VIEW = JobView(
    table=table_for(FIELD_RULES),
    detail=_detail,
    open_detail=_open,
    suggestion_pool=_pool,
    export_csv=_export,
    pick_note=_note,
)
