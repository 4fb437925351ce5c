"""The files job's detail dialog: the record's detail (folders, sharing records, every
attachment) and what the operator can do there.

- duplicate: pick one of the folder candidates (``enter``; the pick approves the record);
- unmatched: pick a near-name folder (from the index built once per load);
- any record with files: ``n`` on a file skips it (journalled), ``n`` again copies it after
  all. ``escape`` closes without a decision. The same ``DiffView`` ids as the field sync's
  dialog, so the app's stylesheet lays both out alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fieldsync_tui.core.model import DecisionKind
from fieldsync_tui.files.model import (
    FileClass,
    FilePlan,
    FileRow,
    FilesPlan,
    SkipReason,
    WorkDriveFolder,
)
from fieldsync_tui.text import safe
from fieldsync_tui.widgets.diff_view import DiffView
from fieldsync_tui.widgets.files_detail import file_line, files_detail, modified
from fieldsync_tui.widgets.flow import Flow, Labelled, units

from .detail import DetailChoice
from .job_view import ItemSkip


def _folder_option(
    folder: WorkDriveFolder | None, folder_id: str, extra: str = ""
) -> RenderableType:
    """Name, modified time (and score), then the link on its own line, never split mid-token
    when a line can hold it."""
    if folder is None:
        return Text.assemble((safe(folder_id), "bold"), ("  (not listed)", "dim"))
    head = units(
        ((safe(folder.name), "bold"),),
        (("modified ", "dim"), (modified(folder.modified_time_ms), "")),
        ((extra.strip(), "dim"),),
    )
    return Group(Flow(head), Labelled("  link", safe(folder.permalink), "dim"))


class FilesDetailScreen(ModalScreen[DetailChoice | ItemSkip | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="files_detail.close"),
        Binding("n", "skip_file", "Skip file", id="files_detail.skip_file"),
    ]

    def __init__(
        self,
        row: FileRow,
        plan: FilesPlan | None,
        suggestions: Sequence[tuple[WorkDriveFolder, float]] = (),
    ) -> None:
        super().__init__()
        self.row = row
        self.plan = plan
        self.picks: list[DetailChoice] = []
        self.options: list[RenderableType] = []
        self.files: list[FilePlan | None] = []  # per option: the file it stands for
        self.question = self._build(suggestions)

    def _build(self, suggestions: Sequence[tuple[WorkDriveFolder, float]]) -> str:
        row = self.row
        folders = self.plan.folders if self.plan is not None else {}
        question = ""
        if row.klass is FileClass.DUPLICATE:
            for folder_id in row.folder_candidates:
                choice = DetailChoice(DecisionKind.PICK_DUPLICATE, row.a.id, folder_id)
                self._add(_folder_option(folders.get(folder_id), folder_id), choice)
            question = "Pick the folder this record's files go to (enter):"
        elif row.klass is FileClass.UNMATCHED:
            for folder, score in suggestions:
                choice = DetailChoice(DecisionKind.MANUAL_MATCH, row.a.id, folder.id)
                self._add(_folder_option(folder, folder.id, f"  score {score:.2f}"), choice)
            question = (
                "Pick the folder with a near name (enter):"
                if suggestions
                else "No folder has a near name (create it in WorkDrive, then r)."
            )
        copyable = [p for p in row.files if p.there_by is None]
        for plan in copyable:
            self._add(file_line(row, plan), None, plan)
        if copyable:
            question += ("  " if question else "") + "n on a file skips it (n again copies it)."
        return question

    def _add(
        self, prompt: RenderableType, pick: DetailChoice | None, file: FilePlan | None = None
    ) -> None:
        self.options.append(prompt)
        self.files.append(file)
        if pick is not None:
            self.picks.append(pick)

    def compose(self) -> ComposeResult:
        picking = "-picking" if self.options else ""
        with Vertical(id="detail-dialog", classes=picking):
            with VerticalScroll(id="detail-body"):
                yield DiffView(id="detail-diff")
            if self.question:
                yield Static(Text(self.question, style="bold"), id="detail-question")
            if self.options:
                yield OptionList(*(Option(p) for p in self.options), id="detail-options")
            hint = "enter picks and approves the record (u undoes both)" if self.picks else ""
            hint = " · ".join(h for h in (hint, "n skips a file" if self._any_file() else "") if h)
            yield Static(Text((hint + " · " if hint else "↑ ↓ scroll · ") + "escape closes", "dim"))

    def _any_file(self) -> bool:
        return any(f is not None for f in self.files)

    def on_mount(self) -> None:
        self.query_one(DiffView).show(files_detail(self.row, self.plan))
        if self.options:
            self.query_one(OptionList).focus()
        else:
            self.query_one("#detail-body").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = event.option_index
        if index < len(self.picks):
            self.dismiss(self.picks[index])
        else:
            self.notify("n skips this file; enter picks only a folder.")

    def action_skip_file(self) -> None:
        if not self.options:
            return
        index = self.query_one(OptionList).highlighted
        file = self.files[index] if index is not None else None
        if file is None:
            self.notify("Move to a file first: n skips the file under the cursor.")
            return
        if file.skip is SkipReason.TOO_LARGE:
            self.notify("Larger than --max-file-mb: run without it (or higher) to copy it.")
            return
        skip = file.skip is None
        name = safe(file.attachment.file_name)
        what = "skipped" if skip else "will copy"
        note = f"{what} file '{name}' of record {self.row.a.id}"
        self.dismiss(ItemSkip(self.row.a.id, file.attachment.id, skip, note))

    def action_close(self) -> None:
        self.dismiss(None)
