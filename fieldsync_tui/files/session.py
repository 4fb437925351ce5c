"""The files job's session: what the console and ``--auto`` drive (DESIGN §9).

``load`` → ``rows`` (classified, selected, planned) → decisions (``skip``, ``approve``,
``pick_folder``, ``skip_file``, ``copy_file``; journalled) → ``preview`` (records, files,
bytes, projected calls and credits) → ``apply`` (events: ``RunStarted``, ``BatchStarted``,
``Progress`` in files and bytes, ``FileSettled``, ``FileRowsChanged``, ``PauseChanged``,
``LogLine``, ``FilesRunFinished``; pause / cancel between files through ``ApplyControl``) →
``retry_failed``. ``history`` lists runs of both jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal, RunRecord
from fieldsync_tui.core.model import Decision
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.files import JOB, store
from fieldsync_tui.files.apply import ApplyInputs, ApplyRun
from fieldsync_tui.files.decisions import file_fingerprint
from fieldsync_tui.files.events import (
    FilesEvent,
    FilesSummary,
)
from fieldsync_tui.files.folders import FolderIndex
from fieldsync_tui.files.load import AskLoad, LoadRequest, OnProgress, load_plan
from fieldsync_tui.files.match import MatchOptions
from fieldsync_tui.files.model import (
    FileOutcome,
    FileRow,
    FilesDecision,
    FilesDecisionKind,
    FilesPlan,
)
from fieldsync_tui.files.plan import max_file_bytes
from fieldsync_tui.files.policy import Action, AutoOptions, auto_actions, class_action
from fieldsync_tui.files.projection import Projection, project_apply
from fieldsync_tui.files.settings import FilesSettings
from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.workdrive import WorkDrive

OnEvent = Callable[[FilesEvent], None]


@dataclass(frozen=True)
class FilesOptions(RunOptions):
    """The shared options plus the files job's (§9.1)."""

    tick_empty: bool = False
    max_file_mb: float | None = None
    include_ticked: bool = False
    command: str = "fieldsync files --auto"

    @property
    def auto(self) -> AutoOptions:
        return AutoOptions(allow_overwrite=self.allow_overwrite, tick_empty=self.tick_empty)


@dataclass(slots=True)
class FilesClients:
    client_a: ZohoClient
    client_b: ZohoClient
    attachments: CrmAttachments
    drive: WorkDrive

    @classmethod
    def of(cls, client_a: ZohoClient, client_b: ZohoClient) -> FilesClients:
        return cls(client_a, client_b, CrmAttachments(client_a), WorkDrive(client_b))


class FilesSession:
    """One files job session over one journal (see module doc)."""

    job = JOB

    def __init__(
        self,
        settings: FilesSettings,
        clients: FilesClients,
        journal: Journal,
        options: FilesOptions,
        logger: logging.Logger,
        guard: RunGuard | None = None,
    ) -> None:
        self.settings = settings
        self.clients = clients
        self.journal = journal
        self.options = options
        self.log = logger
        self.guard = guard  # held by --auto for the whole run; else taken while applying
        self.plan: FilesPlan | None = None
        self.index: FolderIndex | None = None
        self.last_summary: FilesSummary | None = None
        self.apply_run_id: str | None = None  # the run id of the latest apply, once it starts
        self._planned_at: datetime | None = None

    # ---- loading and rows ----------------------------------------------------------

    async def load(
        self, on_progress: OnProgress | None = None, ask: AskLoad | None = None
    ) -> FilesPlan:
        """Load, classify, select and plan (§9.2); ``ask`` — see ``load.load_plan``."""
        o = self.options
        request = LoadRequest(
            fields=self.settings.fields,
            team_folder_id=self.settings.team_folder_id,
            match=MatchOptions(on_duplicate=o.on_duplicate, include_ticked=o.include_ticked),
            record_ids=o.record_ids,
            limit=o.limit,
            max_bytes=max_file_bytes(o.max_file_mb),
            concurrency=self.settings.max_concurrency,
        )
        c = self.clients
        loaded = await load_plan(
            request,
            c.client_a,
            c.attachments,
            c.drive,
            store.evidence(self.journal),
            store.decisions(self.journal),
            on_progress,
            ask,
        )
        self.plan, self.index, self._planned_at = loaded.plan, loaded.index, loaded.planned_at
        return loaded.plan

    @property
    def rows(self) -> list[FileRow]:
        return self.plan.rows if self.plan is not None else []

    def row(self, a_id: str) -> FileRow:
        for r in self.rows:
            if r.a.id == a_id:
                return r
        raise KeyError(a_id)

    # ---- decisions (journalled; a reload honours them) -------------------------------

    def _decide(self, made: Sequence[FilesDecision]) -> int:
        return store.add_decisions(self.journal, made)

    def skip(self, a_ids: Sequence[str]) -> int:
        """Skip whole records (honoured by later runs until the record's plan changes)."""
        rows = [self.row(a) for a in a_ids]
        for r in rows:
            r.decision = Decision.SKIPPED
        return self._decide(
            [FilesDecision(r.a.id, FilesDecisionKind.SKIP, r.fingerprint) for r in rows]
        )

    def approve(self, a_ids: Sequence[str]) -> int:
        """Approve records for this session's apply (cancels an earlier skip)."""
        rows = [self.row(a) for a in a_ids]
        for r in rows:
            r.decision = Decision.APPROVED
        return self._decide(
            [FilesDecision(r.a.id, FilesDecisionKind.APPROVE, r.fingerprint) for r in rows]
        )

    def pick_folder(self, a_id: str, folder_id: str) -> int:
        """A duplicate's folder, or a near-name folder for an unmatched record (``load``
        again to plan its files)."""
        r = self.row(a_id)
        kind = (
            FilesDecisionKind.PICK_DUPLICATE
            if folder_id in r.folder_candidates
            else FilesDecisionKind.MANUAL_MATCH
        )
        return self._decide([FilesDecision(a_id, kind, r.match_fingerprint, folder_id=folder_id)])

    def skip_file(self, a_id: str, attachment_id: str, skip: bool = True) -> int:
        """``n`` on a file: not copied (journalled); ``skip=False`` copies it after all."""
        plan = next(f for f in self.row(a_id).files if f.attachment.id == attachment_id)
        kind = FilesDecisionKind.SKIP_FILE if skip else FilesDecisionKind.COPY_FILE
        fp = file_fingerprint(plan.attachment)
        return self._decide([FilesDecision(a_id, kind, fp, attachment_id=attachment_id)])

    # ---- preview and apply -----------------------------------------------------------

    def auto_actions(self) -> dict[str, Action]:
        """§9.3's ``--auto`` column for every loaded record."""
        return auto_actions(self.rows, self.options.auto)

    def approved_actions(self, a_ids: Sequence[str]) -> dict[str, Action]:
        """The actions of records an operator approved in the console."""
        return {a: class_action(self.row(a), self.options.tick_empty) for a in a_ids}

    def preview(self, actions: Mapping[str, Action]) -> Projection:
        """Records, files, bytes, projected calls and credits of applying ``actions``."""
        return project_apply(self.plan or FilesPlan([]), actions)

    async def apply(
        self,
        actions: Mapping[str, Action],
        on_event: OnEvent | None = None,
        control: ApplyControl | None = None,
    ) -> FilesSummary:
        """Apply ``actions`` (A id → action; others skipped); a dry run writes nothing."""
        c = self.clients
        inputs = ApplyInputs(
            self.settings,
            c.client_a,
            c.attachments,
            c.drive,
            self.journal,
            self.options,
            self.options.auto,
            self.log,
            self.plan or FilesPlan([]),
            self._planned_at,
            self.guard,
        )
        run = ApplyRun(inputs, actions, on_event, control or ApplyControl())
        self.apply_run_id = run.run_id
        summary = await run.run()
        self.last_summary = summary
        return summary

    async def retry_failed(
        self, on_event: OnEvent | None = None, control: ApplyControl | None = None
    ) -> FilesSummary:
        """``R``: load afresh, then apply the records that were ``failed`` or ``partial``."""
        before = {
            r.a.id for r in self.rows if r.outcome in (FileOutcome.FAILED, FileOutcome.PARTIAL)
        }
        await self.load()
        actions = {
            a: act
            for a, act in self.approved_actions(
                [r.a.id for r in self.rows if r.a.id in before]
            ).items()
        }
        return await self.apply(actions, on_event, control)

    def undo_batch(self, batch: int) -> list[str]:
        """Undo one batch of decisions (the console's ``u``); returns its A ids."""
        return self.journal.undo_decision_batch(batch)

    def unfinished_runs(self) -> list[RunRecord]:
        """Files runs still marked running (the console offers resume / review / discard)."""
        return self.journal.unfinished_runs(JOB)

    def history(self, limit: int = 50) -> list[RunRecord]:
        return self.journal.list_runs(limit)
