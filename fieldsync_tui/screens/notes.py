"""What the log pane says about an operator's decision, in words (names are escaped later)."""

from __future__ import annotations

from collections.abc import Mapping

from fieldsync_tui.core.model import BRecord, DecisionKind
from fieldsync_tui.core.port import ConsoleRow


def _row(row: ConsoleRow | None, a_id: str) -> str:
    name = f" '{row.a.name}'" if row is not None and row.a.name else ""
    return f"row {a_id}{name}"


def _b(b_records: Mapping[str, BRecord], b_id: str | None) -> str:
    b = b_records.get(b_id or "")
    name = f" '{b.name}'" if b is not None and b.name else ""
    return f"B record {b_id}{name}"


def decision_note(
    kind: DecisionKind,
    a_id: str,
    row: ConsoleRow | None,
    target: str | None = None,
    b_records: Mapping[str, BRecord] | None = None,
) -> str:
    """``approved row 101 'Ada'``, ``picked B record 9202 'Twin' for row 104 'Twin'``, …"""
    b_records = b_records or {}
    what = _row(row, a_id)
    if kind is DecisionKind.APPROVE:
        return f"approved {what}"
    if kind is DecisionKind.SKIP:
        return f"skipped {what} (later runs leave it alone)"
    if kind is DecisionKind.PICK_DUPLICATE:
        return f"picked {_b(b_records, target)} for {what}"
    if kind is DecisionKind.MANUAL_MATCH:
        return f"matched {what} to {_b(b_records, target)} (a near name)"
    if kind is DecisionKind.CONFLICT_WINNER:
        return f"{what} wins its conflict: its values go to B"
    return f"{kind.value} {what}"
