"""An unfinished run found at start: resume it, review its rows, or discard it (§6, §7)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from rich.text import Text

from fieldsync_tui.core.journal import RunRecord
from fieldsync_tui.core.model import DecisionKind
from fieldsync_tui.core.port import ConsoleRow
from fieldsync_tui.text import safe

from .choice_modal import ChoiceModal
from .session_port import ConsoleBackend

CHOICES = [
    ("r", "resume", "Resume: approve its rows left without an outcome (x applies them)"),
    ("v", "review", "Review: show only its rows (escape shows all)"),
    ("d", "discard", "Discard: mark it interrupted"),
]


class UnfinishedOwner(Protocol):
    """What this helper needs of the screen that owns it (the review screen)."""

    @property
    def rows(self) -> Sequence[ConsoleRow]: ...

    def push_choice(self, modal: ChoiceModal, done: Callable[[str | None], None]) -> None: ...

    def log_line(self, level: str, text: str) -> None: ...

    def show_only(self, a_ids: frozenset[str]) -> None: ...

    def notify_text(self, text: str) -> None: ...

    def decide(
        self, a_ids: list[str], kind: DecisionKind, target: str | None, note: str
    ) -> None: ...


class UnfinishedRuns:
    def __init__(self, screen: UnfinishedOwner, backend: ConsoleBackend) -> None:
        self.screen = screen
        self.backend = backend
        self.runs: list[RunRecord] = []
        self.choice: str | None = None
        self.a_ids: frozenset[str] = frozenset()
        """Rows of those runs without an outcome (what resume offers); a run's ``unconfirmed``
        counts only those whose write intent was journalled."""

    def ask_then(self, proceed: Callable[[], None]) -> None:
        """Ask about unfinished runs (if any), then call ``proceed`` (the load)."""
        self.runs = list(self.backend.session.unfinished_runs())
        if not self.runs:
            proceed()
            return
        self.a_ids = frozenset(
            r.a_id
            for run in self.runs
            for r in self.backend.history.run_rows(run.id)
            if r.outcome is None
        )
        question = Text("An earlier run did not finish:\n")
        for run in self.runs:
            question.append(
                f"  {safe(run.id)}  started {safe(run.started)}  "
                f"rows not confirmed: {run.unconfirmed}\n"
            )

        def chosen(choice: str | None) -> None:
            self.choice = choice
            if choice == "discard":
                for run in self.runs:
                    self.backend.discard_run(run.id)
                self.screen.log_line("WARNING", f"discarded {len(self.runs)} unfinished runs")
            proceed()

        modal = ChoiceModal("Unfinished run", question, CHOICES, "review")
        self.screen.push_choice(modal, chosen)

    def after_load(self) -> None:
        """Apply the choice to the fresh plan: review shows the rows (a filter escape
        clears); resume approves the rows still applicable and leaves the rest to the
        operator — no filter, no dialog opened on its own (x applies, as always)."""
        if self.choice not in ("resume", "review") or not self.a_ids:
            return
        choice, self.choice = self.choice, None
        if choice == "review":
            self.screen.show_only(self.a_ids)
            shown = len(self.a_ids)
            self.screen.notify_text(
                f"Showing the {shown:,} rows without an outcome; escape shows all."
            )
            return
        resumable = self.backend.rules.resumable
        rows = [
            r
            for r in self.screen.rows
            if r.a.id in self.a_ids and r.klass in resumable and r.outcome is None
        ]
        if not rows:
            self.screen.notify_text("Nothing left to resume: the rows are done or need review.")
            return
        ids = [r.a.id for r in rows]
        note = f"resume: approved {len(ids):,} rows of the unfinished run"
        self.screen.decide(ids, DecisionKind.APPROVE, None, note)
        left = len(self.a_ids) - len(ids)
        extra = f" ({left:,} others are done or need review)" if left > 0 else ""
        self.screen.notify_text(
            f"Resume: approved {len(ids):,} rows of the unfinished run{extra}. "
            "Press x to apply them."
        )
