"""The detail pane: one row's A values, B candidates, per-field diff, reason and outcome.

Everything from the CRM is untrusted: it is shown as plain ``Text`` built from ``safe()``.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from fieldsync_tui.core.model import (
    STEP_WORDS,
    BRecord,
    DiffKind,
    FieldDiff,
    Outcome,
    PlannedRow,
)
from fieldsync_tui.text import safe

from .flow import Flow, Labelled, units

DIFF_STYLES: dict[DiffKind, str] = {
    DiffKind.FILL: "green",
    DiffKind.SAME: "dim",
    DiffKind.OVERWRITE: "bold yellow",
}


def _plain(value: object, style: str = "") -> Text:
    return Text(safe(value), style=style)


def _line(*parts: tuple[str, str]) -> Text:
    """A line of (text, style) parts; texts are escaped, never parsed as markup."""
    return Text.assemble(*((safe(t), s) for t, s in parts))


def _value(label: str, value: object, style: str = "") -> Labelled:
    """``label value``; a long value (URL, id) moves below its label, never split mid-token
    when a line can hold it."""
    shown = safe(value) if value not in (None, "") else "(empty)"
    return Labelled(label, shown, style or ("dim" if shown == "(empty)" else ""))


def diff_table(diffs: tuple[FieldDiff, ...]) -> Group:
    """Per field: its name and change kind, then B's value now and A's new value, coloured
    fill / same / overwrite."""
    parts: list[RenderableType] = []
    for d in diffs:
        style = DIFF_STYLES.get(d.kind, "")
        parts.append(_line((d.api_name, "bold"), ("  ", ""), (d.kind.value, style)))
        parts.append(_value("  B now", d.old, "dim"))
        parts.append(_value("  → new", d.new, style))
    return Group(*parts)


def candidates_table(row: PlannedRow, b_records: Mapping[str, BRecord]) -> Group:
    """B candidates (the chosen one marked →): id and name, then Modified_Time, URL and
    folder id."""
    parts: list[RenderableType] = []
    for b_id in row.b_candidates or ((row.b_id,) if row.b_id else ()):
        b = b_records.get(b_id)
        mark = "→ " if b_id == row.b_id else "  "
        if b is None:
            parts.append(Flow(units(((mark + safe(b_id), "bold"),), (("(not loaded)", "dim"),))))
            continue
        parts.append(Flow(units(((mark + safe(b.id), "bold"),), ((safe(b.name), ""),)), gap=2))
        for label, value in (
            ("  modified", b.modified_time),
            ("  URL", b.url),
            ("  folder id", b.folder_id),
        ):
            parts.append(_value(label, value))
    return Group(*parts)


def row_detail(row: PlannedRow, b_records: Mapping[str, BRecord]) -> RenderableType:
    """The whole detail renderable for ``row``."""
    outcome = row.outcome.value if row.outcome else "pending"
    bad = row.outcome in (Outcome.FAILED, Outcome.PARTIAL, Outcome.STALE)
    parts: list[RenderableType] = [
        Flow(
            units(
                (("A ", "bold"), (safe(row.a.id), "")),
                ((safe(row.a.name) or "(no name)", "bold"),),
            )
        ),
        Flow(
            units(
                (("class ", "dim"), (row.klass.value, "bold")),
                (("match ", "dim"), (row.match.value if row.match else "-", "")),
                (("decision ", "dim"), (row.decision.value, "")),
                (("outcome ", "dim"), (outcome, "bold red" if bad else "bold")),
            )
        ),
        _value("A URL", row.a.url),
        _value("A folder id", row.a.folder_id),
        _line(("why: ", "dim"), (row.reason, "italic")),
    ]
    if row.code or row.message:
        step = f" while {STEP_WORDS.get(row.step, row.step.value)}" if row.step else ""
        parts.append(
            _line(
                (f"Zoho{step}: ", "bold red"),
                (row.code or "", "bold red"),
                (" ", ""),
                (row.message, "red"),
            )
        )
    if row.conflict_with:
        parts.append(_line(("conflicts with A ", "dim"), (", ".join(row.conflict_with), "")))
    if row.diffs:
        parts += [Text("changes", style="bold underline"), diff_table(row.diffs)]
    if row.b_candidates or row.b_id:
        parts += [Text("B candidates", style="bold underline"), candidates_table(row, b_records)]
    return Group(*parts)


class DiffView(Static):
    """Shows :func:`row_detail` for the row it is given (or a hint when none)."""

    DEFAULT_CSS = """
    DiffView {
        height: auto;
        padding: 0 1;
    }
    """

    def show_row(self, row: PlannedRow | None, b_records: Mapping[str, BRecord]) -> None:
        self.show(None if row is None else row_detail(row, b_records))

    def show(self, detail: RenderableType | None) -> None:
        """A job's detail renderable (``JobView.detail``), or the hint when no row."""
        self.update(Text("No row selected.", style="dim") if detail is None else detail)
