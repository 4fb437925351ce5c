"""The detail pane: one row's A values, B candidates, per-field diff, reason and outcome.

Everything from the CRM is untrusted: it is shown as plain ``Text`` built from ``safe()``.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from fieldsync_tui.sync.model import BRecord, DiffKind, FieldDiff, Outcome, PlannedRow
from fieldsync_tui.text import safe

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


def diff_table(diffs: tuple[FieldDiff, ...]) -> Table:
    """field | B now | → A value | kind, coloured per kind (fill / same / overwrite)."""
    table = Table(box=None, pad_edge=False, expand=True, show_header=True)
    for title in ("field", "B now", "→ new", "change"):
        table.add_column(title, overflow="fold")
    for d in diffs:
        style = DIFF_STYLES.get(d.kind, "")
        table.add_row(
            _plain(d.api_name),
            _plain(d.old if d.old else "(empty)", "dim" if not d.old else ""),
            _plain(d.new, style),
            _plain(d.kind.value, style),
        )
    return table


def candidates_table(row: PlannedRow, b_records: Mapping[str, BRecord]) -> Table:
    """B candidates with name, values and Modified_Time; the chosen one marked."""
    table = Table(box=None, pad_edge=False, expand=True)
    for title in ("", "B id", "name", "URL", "folder id", "Modified_Time"):
        table.add_column(title, overflow="fold")
    for b_id in row.b_candidates or ((row.b_id,) if row.b_id else ()):
        b = b_records.get(b_id)
        mark = "→" if b_id == row.b_id else " "
        if b is None:
            table.add_row(_plain(mark), _plain(b_id), _plain("(not loaded)", "dim"))
            continue
        table.add_row(
            _plain(mark),
            _plain(b.id),
            _plain(b.name),
            _plain(b.url),
            _plain(b.folder_id),
            _plain(b.modified_time),
        )
    return table


def row_detail(row: PlannedRow, b_records: Mapping[str, BRecord]) -> RenderableType:
    """The whole detail renderable for ``row``."""
    outcome = row.outcome.value if row.outcome else "pending"
    bad = row.outcome in (Outcome.FAILED, Outcome.PARTIAL, Outcome.STALE)
    parts: list[RenderableType] = [
        _line(("A ", "bold"), (row.a.id, ""), ("  ", ""), (row.a.name or "(no name)", "bold")),
        _line(
            ("class ", "dim"),
            (row.klass.value, "bold"),
            ("  match ", "dim"),
            (row.match.value if row.match else "-", ""),
            ("  decision ", "dim"),
            (row.decision.value, ""),
            ("  outcome ", "dim"),
            (outcome, "bold red" if bad else "bold"),
        ),
        _line(("A URL ", "dim"), (row.a.url or "(empty)", "")),
        _line(("A folder id ", "dim"), (row.a.folder_id or "(empty)", "")),
        _line(("why: ", "dim"), (row.reason, "italic")),
    ]
    if row.code or row.message:
        step = f" at {row.step.value}" if row.step else ""
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
        if row is None:
            self.update(Text("No row selected.", style="dim"))
        else:
            self.update(row_detail(row, b_records))
