"""The apply preview (``session.apply_preview``) as (label, value) lines for the confirm modal."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

LABELS = {
    "rows": "rows to apply",
    "write_b_rows": "rows that write Org B",
    "b_writes": "Org B records written",
    "tick_only": "rows only ticked in Org A (in_sync)",
    "not_applicable": "approved but not applicable (left alone)",
    "batches": "batches of up to 100",
    "counts": "rows per action",
    "actions": "rows per action",
    "projected_credits": "projected Zoho credits",
    "credits": "projected Zoho credits",
    "triggers_a": "Org A trigger policy",
    "triggers_b": "Org B trigger policy",
    "dry_run": "dry run",
}


def _value(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items()) or "none"
    if isinstance(value, tuple | list | frozenset | set):
        return ",".join(str(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _fields(preview: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(preview) and not isinstance(preview, type):
        return {f.name: getattr(preview, f.name) for f in dataclasses.fields(preview)}
    if isinstance(preview, Mapping):
        return dict(preview)
    return dict(vars(preview)) if hasattr(preview, "__dict__") else {"preview": preview}


def preview_lines(preview: Any) -> list[tuple[str, str]]:
    """Every field of the preview, with a readable label where we know the field."""
    return [
        (LABELS.get(name, name.replace("_", " ")), _value(v))
        for name, v in _fields(preview).items()
    ]
