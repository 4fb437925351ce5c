"""Record detail: the full diff, and the pick a review row needs.

- duplicate: pick one of the B candidates;
- unmatched: pick a near-name suggestion (from the index built once per load);
- conflict: pick the winning A row among those that resolve to the same B record.

``enter`` on an option picks it; ``escape`` closes without a decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fieldsync_tui.core.model import BRecord, DecisionKind, PlannedRow, RowClass
from fieldsync_tui.text import safe
from fieldsync_tui.widgets.diff_view import DiffView
from fieldsync_tui.widgets.flow import Flow, units


@dataclass(frozen=True)
class DetailChoice:
    kind: DecisionKind
    a_id: str  # the A row the decision is about (the winner, for a conflict)
    target_b_id: str | None


def _b_option(b: BRecord | None, b_id: str, extra: str = "") -> Flow:
    if b is None:
        return Flow(units(((safe(b_id), "bold"),), (("(not loaded)", "dim"),)))
    return Flow(
        units(
            ((safe(b.id), "bold"),),
            ((safe(b.name), ""),),
            (("modified ", "dim"), (safe(b.modified_time), "")),
            (("url ", "dim"), (safe(b.url) or "(empty)", "")),
            ((extra.strip(), "dim"),),
        )
    )


def _a_option(row: PlannedRow) -> Flow:
    return Flow(
        units(
            ((safe(row.a.id), "bold"),),
            ((safe(row.a.name), ""),),
            (("url ", "dim"), (safe(row.a.url), "")),
            (("folder ", "dim"), (safe(row.a.folder_id), "")),
        )
    )


class DetailScreen(ModalScreen[DetailChoice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="detail.close"),
    ]

    def __init__(
        self,
        row: PlannedRow,
        b_records: Mapping[str, BRecord],
        suggestions: Sequence[tuple[BRecord, float]] = (),
        peers: Sequence[PlannedRow] = (),
    ) -> None:
        super().__init__()
        self.row = row
        self.b_records = b_records
        self.choices: list[DetailChoice] = []
        self.prompts: list[Flow] = []
        self.question = self._build_choices(suggestions, peers)

    def _build_choices(
        self, suggestions: Sequence[tuple[BRecord, float]], peers: Sequence[PlannedRow]
    ) -> str:
        row = self.row
        if row.klass is RowClass.DUPLICATE:
            for b_id in row.b_candidates:
                self._add(
                    DecisionKind.PICK_DUPLICATE,
                    row.a.id,
                    b_id,
                    _b_option(self.b_records.get(b_id), b_id),
                )
            return "Pick the Org B record this row should write (enter):"
        if row.klass is RowClass.UNMATCHED:
            for b, score in suggestions:
                self._add(
                    DecisionKind.MANUAL_MATCH,
                    row.a.id,
                    b.id,
                    _b_option(b, b.id, f"  score {score:.2f}"),
                )
            return (
                "Pick the Org B record with a near name (enter):"
                if suggestions
                else "No Org B record has a near name."
            )
        if row.klass is RowClass.CONFLICT:
            for peer in (row, *peers):
                self._add(DecisionKind.CONFLICT_WINNER, peer.a.id, None, _a_option(peer))
            return "Pick the Org A row whose values win for this B record (enter):"
        return ""

    def _add(self, kind: DecisionKind, a_id: str, b_id: str | None, prompt: Flow) -> None:
        self.choices.append(DetailChoice(kind, a_id, b_id))
        self.prompts.append(prompt)

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-dialog", classes="-picking" if self.prompts else ""):
            with VerticalScroll(id="detail-body"):
                yield DiffView(id="detail-diff")
            if self.question:
                yield Static(Text(self.question, style="bold"), id="detail-question")
            if self.prompts:
                yield OptionList(*(Option(p) for p in self.prompts), id="detail-options")
            hint = (
                "enter picks and approves the row (u undoes both)" if self.prompts else "↑ ↓ scroll"
            )
            yield Static(Text(hint + " · escape closes", style="dim"))

    def on_mount(self) -> None:
        self.query_one(DiffView).show_row(self.row, self.b_records)
        if self.prompts:
            self.query_one(OptionList).focus()
        else:  # ↑ ↓ pgup pgdn scroll a detail taller than the terminal
            self.query_one("#detail-body").focus()

    @on(OptionList.OptionSelected, "#detail-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
