"""Records as loaded (raw CRM dicts → ARecord/BRecord) and the apply preview."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

from fieldsync_tui.config import Settings
from fieldsync_tui.core.model import ARecord, BRecord, FieldMap, PlannedRow, RowClass
from fieldsync_tui.core.normalize import text_of
from fieldsync_tui.core.port import Preview
from fieldsync_tui.fields.engine import make_batches
from fieldsync_tui.zoho.costs import update_credits


@dataclass(frozen=True)
class ApplyPreview:
    """What ``x`` will do: counts per action, projected credits, triggers, dry-run state."""

    rows: int
    write_b_rows: int  # rows whose B record is written (then A ticked)
    b_writes: int  # B records written (a group writes once)
    tick_only: int  # in_sync rows: A ticked only
    not_applicable: int  # asked for but not ready/in_sync/overwrite (left alone)
    batches: int
    projected_credits: int
    triggers_a: tuple[str, ...]
    triggers_b: tuple[str, ...]
    dry_run: bool

    def preview(self) -> Preview:
        """The console's confirm-modal lines for this preview (the port's one type)."""
        lines = tuple(
            (_LABELS[f.name], _text(getattr(self, f.name))) for f in dataclasses.fields(self)
        )
        return Preview(self.rows, self.projected_credits, self.dry_run, lines)


_LABELS = {
    "rows": "rows to apply",
    "write_b_rows": "rows that write Org B",
    "b_writes": "Org B records written",
    "tick_only": "rows only ticked in Org A (in_sync)",
    "not_applicable": "approved but not applicable (left alone)",
    "batches": "batches of up to 100",
    "projected_credits": "projected Zoho credits",
    "triggers_a": "Org A trigger policy",
    "triggers_b": "Org B trigger policy",
    "dry_run": "dry run",
}


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def a_record(raw: dict[str, Any], s: Settings) -> ARecord:
    f = s.fields
    box = raw.get(f.checkbox)
    return ARecord(
        id=str(raw.get("id")),
        name=text_of(raw.get(f.name)),
        url=text_of(raw.get(f.url)),
        folder_id=text_of(raw.get(f.folder_id)),
        checkbox=box is True or str(box).lower() == "true",
    )


def b_record(raw: dict[str, Any], s: Settings) -> BRecord:
    f = s.fields
    return BRecord(
        id=str(raw.get("id")),
        name=text_of(raw.get(f.name)),
        url=text_of(raw.get(f.url)),
        folder_id=text_of(raw.get(f.folder_id)),
        updated_from=text_of(raw.get(f.updated_from)) if f.updated_from else None,
        modified_time=text_of(raw.get("Modified_Time")),
    )


def with_values(b: BRecord, values: dict[str, Any], f: FieldMap) -> BRecord:
    """``b`` after a write of ``values`` (API name → value)."""
    return replace(
        b,
        url=text_of(values.get(f.url, b.url)),
        folder_id=text_of(values.get(f.folder_id, b.folder_id)),
        updated_from=text_of(values[f.updated_from])
        if f.updated_from and f.updated_from in values
        else b.updated_from,
    )


def projected_credits(chosen: list[PlannedRow]) -> tuple[int, int]:
    """(batches, Zoho credits) of applying ``chosen``: re-reads (1 per 100 ids each org),
    the B write and the A tick (1 credit per 10 records each)."""
    batches = make_batches(chosen)
    credits = 0
    for batch in batches:
        n_rows = sum(len(g.rows) for g in batch)
        writes = sum(1 for g in batch if any(r.klass is not RowClass.IN_SYNC for r in g.rows))
        credits += 2  # one re-read by ids per org: a batch holds ≤ 100 rows and ≤ 100 B ids
        credits += update_credits(writes) + update_credits(n_rows)
    return len(batches), credits
