"""How the console shows one job: its table, detail pane, detail dialog, suggestions and
export (the presentation half of the port; the rules half is ``core.port.JobRules``).

The review screen knows no job: it asks the backend's ``JobView``. The field sync's view is
``fields_view.FIELDS_VIEW``, the files job's ``files_view.FILES_VIEW``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.screen import ModalScreen

from fieldsync_tui.core.port import ConsoleRow, JobRules
from fieldsync_tui.widgets.record_table import BASE_COLUMNS, JOB_COLUMNS, TableColumn, TableSpec


def table_for(rules: JobRules, own: Mapping[str, TableColumn] | None = None) -> TableSpec:
    """The job's table: mark, A id and name, then ``rules.columns`` in order (the shared
    ones from ``JOB_COLUMNS``, the job's own from ``own``)."""
    known = {**JOB_COLUMNS, **(own or {})}
    return TableSpec((*BASE_COLUMNS, *(known[c.key] for c in rules.columns)))


@dataclass(frozen=True)
class DetailRequest:
    """What ``enter`` opens: the row, its plan, near-name suggestions, every row."""

    row: Any  # the job's own row type
    plan: Any  # the job's own plan type
    suggestions: Sequence[tuple[Any, float]]
    rows: Sequence[ConsoleRow]


@dataclass(frozen=True)
class ItemSkip:
    """The detail dialog's answer ``n`` on one item (a file) of a row: skip it, or copy it
    after all (``skip=False``)."""

    a_id: str
    item_id: str
    skip: bool
    note: str


@dataclass(frozen=True)
class JobView:
    table: TableSpec
    detail: Callable[[Any, Any], RenderableType]
    """(row, plan) → the detail pane."""
    open_detail: Callable[[DetailRequest], ModalScreen[Any]]
    """The dialog ``enter`` opens; it answers a ``detail.DetailChoice``, an ``ItemSkip`` or
    None."""
    suggestion_pool: Callable[[Any], list[Any]]
    """plan → what near names are looked for among (records or folders, with id and name)."""
    export_csv: Callable[[Sequence[Any], Any], str]
    """(rows, plan) → the CSV ``e`` writes."""
    pick_note: Callable[[Any, str, Any, str | None, Any], str]
    """(decision kind, A id, row, target, plan) → the log line of a pick, in words."""
    count_extra: Callable[[Any], list[Text]] = field(default=lambda plan: [])
    """plan → the job's own units after the class counts."""
