"""A fake files session (``files.console.FilesSessionLike``) for the files console's tests:
every class, renames, links, a shared folder, files already there (both ways we know), and
a file that fails once. The console drives it through the real adapter
(``files.console.FilesConsoleSession``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fieldsync_tui.core.events import Progress, RowsChanged, RunStarted
from fieldsync_tui.core.journal import RunRecord
from fieldsync_tui.core.model import Decision, DiffKind, FieldDiff, MatchKind
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.files.console import FilesConsoleOptions, FilesConsoleSession
from fieldsync_tui.files.model import (
    ARecord,
    Attachment,
    AttachmentKind,
    CopyOutcome,
    FileClass,
    FileOutcome,
    FilePlan,
    FileResult,
    FileRow,
    FilesPlan,
    ThereBy,
    WorkDriveFolder,
)
from fieldsync_tui.files.policy import Action, class_action
from fieldsync_tui.files.projection import Projection, project_apply
from fieldsync_tui.files.rules import FILES_RULES
from fieldsync_tui.screens.files_view import FILES_VIEW
from fieldsync_tui.screens.session_port import ConsoleBackend
from fieldsync_tui.widgets.org_header import HeaderInfo, OrgLine

from .fakes import FakeHistory

URL, FOLDER = "WorkDrive_URL", "WorkDrive_Folder_ID"
KB = 1000


def folder(fid: str, name: str, ms: int = 1_760_000_000_000) -> WorkDriveFolder:
    return WorkDriveFolder(fid, name, f"https://workdrive.zoho.eu/folder/{fid}", ms)


def att(aid: str, name: str, size: int) -> Attachment:
    return Attachment(aid, name, size)


def fp(a: Attachment, dest: str | None = None, **kw: Any) -> FilePlan:
    return FilePlan(a, dest or a.file_name, clash=dest is not None, **kw)


def row(
    a_id: str,
    name: str,
    klass: FileClass,
    folder_id: str | None,
    files: tuple[FilePlan, ...] = (),
    links: tuple[Attachment, ...] = (),
    candidates: tuple[str, ...] = (),
    old_url: str | None = None,
) -> FileRow:
    diffs: tuple[FieldDiff, ...] = ()
    if folder_id is not None:
        url = f"https://workdrive.zoho.eu/folder/{folder_id}"
        kind = DiffKind.OVERWRITE if old_url else DiffKind.FILL
        if klass is FileClass.IN_SYNC:
            kind, old_url = DiffKind.SAME, url
        diffs = (
            FieldDiff(URL, old_url, url, kind),
            FieldDiff(FOLDER, folder_id if kind is DiffKind.SAME else None, folder_id, kind),
        )
    return FileRow(
        a=ARecord(a_id, name, old_url, None),
        norm_name=" ".join(name.casefold().split()),
        klass=klass,
        reason=f"because {klass.value}",
        folder_id=folder_id,
        folder_candidates=candidates or ((folder_id,) if folder_id else ()),
        match=MatchKind.EXACT if folder_id or candidates else None,
        diffs=diffs,
        files_loaded=folder_id is not None,
        files=files,
        links=links,
    )


def sample_folders() -> dict[str, WorkDriveFolder]:
    return {
        f.id: f
        for f in (
            folder("f201", "Ada Lovelace"),
            folder("f202", "Grace Hopper"),
            folder("f203", "Alan Turing"),
            folder("f204a", "Twin Name", 1_750_000_000_000),
            folder("f204b", "twin  name", 1_760_000_000_000),
            folder("f205", "Nobody Knowne"),
            folder("f206", "Empty Inc"),
            folder("f207", "Shared Ltd"),
        )
    }


def sample_files_rows() -> list[FileRow]:
    contract = att("a1", "Contract.pdf", 1_200 * KB)
    twin = att("a2", "Contract.pdf", 300 * KB)
    flaky = att("a3", "Site photo.jpg", 800 * KB)
    there = att("a4", "notes.txt", 2 * KB)
    return [
        row(
            "101",
            "Ada Lovelace",
            FileClass.READY,
            "f201",
            files=(
                fp(contract),
                fp(twin, "Contract_20261202_080000.pdf"),
                fp(flaky),
                fp(there, there_by=ThereBy.NAME_SIZE, existing_id="w1"),
            ),
            links=(
                Attachment("l1", "Spec page", None, AttachmentKind.LINK, "https://ex.com/spec"),
            ),
        ),
        row(
            "102",
            "Grace Hopper",
            FileClass.IN_SYNC,
            "f202",
            files=(
                fp(
                    att("a5", "Invoice.pdf", 50 * KB),
                    there_by=ThereBy.JOURNAL,
                    existing_id="w2",
                    there_run_id="20261201-070000-ab12",
                ),
            ),
        ),
        row(
            "103",
            "Alan Turing",
            FileClass.OVERWRITE,
            "f203",
            files=(fp(att("a6", "Plan.dwg", 2_000 * KB)),),
            old_url="https://workdrive.zoho.eu/folder/elsewhere",
        ),
        row("104", "Twin Name", FileClass.DUPLICATE, None, candidates=("f204a", "f204b")),
        row("105", "Nobody Known", FileClass.UNMATCHED, None),
        row("106", "Empty Inc", FileClass.NO_FILES, "f206"),
        row("107", "Shared Ltd", FileClass.READY, "f207", files=(fp(att("a7", "a.txt", 10 * KB)),)),
        row("108", "shared ltd", FileClass.READY, "f207", files=(fp(att("a8", "b.txt", 20 * KB)),)),
        row("109", "[bold]x[/] \x1b[31mEvil", FileClass.NO_FILES, "f206"),
    ]


def share(rows: list[FileRow]) -> None:
    users: dict[str, list[str]] = {}
    for r in rows:
        if r.folder_id:
            users.setdefault(r.folder_id, []).append(r.a.id)
    for r in rows:
        others = [a for a in users.get(r.folder_id or "", []) if a != r.a.id]
        r.shares_folder_with = tuple(others)


@dataclass
class RunDone:
    run_id: str
    stopped_reason: str | None = None


@dataclass
class FakeFilesSession:
    rows: list[FileRow] = field(default_factory=sample_files_rows)
    folders: dict[str, WorkDriveFolder] = field(default_factory=sample_folders)
    dry_run: bool = False
    tick_empty: bool = True
    fail_once: set[str] = field(default_factory=lambda: {"a3"})
    gate: asyncio.Event | None = None  # each file waits for it
    plan: FilesPlan | None = None
    decisions: list[tuple[str, tuple[str, ...], str | None]] = field(default_factory=list)
    applied: list[dict[str, Action]] = field(default_factory=list)
    loads: int = 0
    runs: int = 0

    ask_above: int = 1000
    answers: list[str] = field(default_factory=list)

    async def load(
        self,
        on_progress: Callable[[str, int], None] | None = None,
        ask: Callable[[Projection], Awaitable[bool]] | None = None,
    ) -> FilesPlan:
        self.loads += 1
        share(self.rows)
        selected = len(self.rows)
        if ask is not None and selected > self.ask_above:
            cost = Projection(
                records=selected, crm_calls=selected, workdrive_calls=7, credits=selected
            )
            if not await ask(cost):
                self.answers.append("no")
                for r in self.rows:
                    r.files_loaded, r.files = False, ()
            else:
                self.answers.append("yes")
        if on_progress is not None:
            on_progress("WorkDrive folders", len(self.folders))
        self.plan = FilesPlan(self.rows, self.folders, listing_sizes={})
        return self.plan

    def _row(self, a_id: str) -> FileRow:
        return next(r for r in self.rows if r.a.id == a_id)

    def skip(self, a_ids: Sequence[str]) -> int:
        for a in a_ids:
            self._row(a).decision = Decision.SKIPPED
        self.decisions.append(("skip", tuple(a_ids), None))
        return len(self.decisions)

    def approve(self, a_ids: Sequence[str]) -> int:
        for a in a_ids:
            self._row(a).decision = Decision.APPROVED
        self.decisions.append(("approve", tuple(a_ids), None))
        return len(self.decisions)

    def pick_folder(self, a_id: str, folder_id: str) -> int:
        self.decisions.append(("pick", (a_id,), folder_id))
        i = next(i for i, r in enumerate(self.rows) if r.a.id == a_id)
        name = self.rows[i].a.name or ""
        picked = row(
            a_id, name, FileClass.READY, folder_id, files=(fp(att("a9", "cv.pdf", 90 * KB)),)
        )
        picked.match = MatchKind.MANUAL
        self.rows[i] = picked  # a load plans the record afresh: a new row object
        return len(self.decisions)

    def skip_file(self, a_id: str, attachment_id: str, skip: bool = True) -> int:
        self.decisions.append(("skip_file" if skip else "copy_file", (a_id,), attachment_id))
        return len(self.decisions)

    def undo_batch(self, batch: int) -> list[str]:
        return list(self.decisions[batch - 1][1])

    def approved_actions(self, a_ids: Sequence[str]) -> dict[str, Action]:
        return {a: class_action(self._row(a), self.tick_empty) for a in a_ids}

    def preview(self, actions: Mapping[str, Action]) -> Projection:
        return project_apply(self.plan or FilesPlan([]), actions)

    async def apply(
        self,
        actions: Mapping[str, Action],
        on_event: Callable[[object], None] | None = None,
        control: ApplyControl | None = None,
    ) -> RunDone:
        emit = on_event or (lambda e: None)
        control = control or ApplyControl()
        self.runs += 1
        run_id = f"files-run-{self.runs}"
        self.applied.append(dict(actions))
        todo = [self._row(a) for a, act in actions.items() if act is not Action.SKIP]
        files = [(r, p) for r in todo if actions[r.a.id] is Action.APPLY for p in r.files_to_copy]
        total_bytes = sum(p.attachment.bytes for _, p in files)
        emit(RunStarted(run_id, len(files), self.dry_run))
        done_bytes = 0
        stopped = None
        for done, (r, p) in enumerate(files, start=1):
            if not await control.checkpoint():
                stopped = "stopped by the operator"
                break
            if self.gate is not None:
                await self.gate.wait()
            aid = p.attachment.id
            if aid in self.fail_once:
                self.fail_once.discard(aid)
                r.file_results[aid] = FileResult(CopyOutcome.FAILED, code="500", message="boom")
            else:
                r.file_results[aid] = FileResult(CopyOutcome.COPIED, dest_name=p.dest_name)
                done_bytes += p.attachment.bytes
            emit(Progress(done, len(files), 1.0, None, done_bytes, total_bytes))
            emit(RowsChanged([r]))
            await asyncio.sleep(0)
        for r in todo:
            results = [r.file_results.get(p.attachment.id) for p in r.files_to_copy]
            if any(x is None for x in results) and actions[r.a.id] is Action.APPLY:
                r.outcome = FileOutcome.FAILED if stopped else None
                continue
            if any(x is not None and x.outcome is CopyOutcome.FAILED for x in results):
                r.outcome = FileOutcome.PARTIAL
            elif actions[r.a.id] is Action.TICK:
                r.outcome = FileOutcome.TICKED
            elif actions[r.a.id] is Action.SET_FOLDER:
                r.outcome = FileOutcome.FOLDER_SET
            else:
                r.outcome = FileOutcome.DRY_RUN if self.dry_run else FileOutcome.APPLIED
        emit(RowsChanged(todo))
        return RunDone(run_id, stopped)

    async def retry_failed(
        self, on_event: Callable[[object], None] | None = None, control: ApplyControl | None = None
    ) -> RunDone:
        again = [r for r in self.rows if r.outcome in (FileOutcome.FAILED, FileOutcome.PARTIAL)]
        for r in again:
            r.outcome = None
            r.files = tuple(
                replace(p, there_by=ThereBy.JOURNAL, there_run_id=f"files-run-{self.runs}")
                if (res := r.file_results.get(p.attachment.id))
                and res.outcome is CopyOutcome.COPIED
                else p
                for p in r.files
            )
            r.file_results.clear()
        return await self.apply(self.approved_actions([r.a.id for r in again]), on_event, control)

    def unfinished_runs(self) -> list[RunRecord]:
        return []


def files_backend(fake: FakeFilesSession, tmp_path: Path) -> ConsoleBackend:
    header = HeaderInfo(
        OrgLine("A", "Org A", "com", ("workflow",)),
        OrgLine("B", "Org B", "eu"),
        "Contacts",
        fake.dry_run,
        job="files",
        notes=("--tick-empty: no_files records are ticked",) if fake.tick_empty else (),
        writes="files are copied into Org B's WorkDrive (Org B) and Org A (Org A) gets each "
        "record's folder and tick",
    )
    options = FilesConsoleOptions(fake.dry_run, fake.tick_empty, "workflow")
    return ConsoleBackend(
        session=FilesConsoleSession(fake, options),
        rules=FILES_RULES,
        header=header,
        history=FakeHistory(),
        make_suggester=FakeFolderSuggester,
        export_dir=tmp_path / "exports",
        view=FILES_VIEW,
    )


class FakeFolderSuggester:
    def __init__(self, folders: Any) -> None:
        self.folders = {f.id: f for f in folders}

    def suggest(self, name: str, limit: int = 5) -> list[tuple[WorkDriveFolder, float]]:
        return [(self.folders["f205"], 0.9)]


def files_app(fake: FakeFilesSession, tmp_path: Path) -> Any:
    from fieldsync_tui.app import make_app

    backend = files_backend(fake, tmp_path)

    async def connect() -> ConsoleBackend:
        return backend

    return make_app(connect)
