"""The run guard (DESIGN §6, §9): one writer per job, leftovers recovered, stopped runs kept.

Used by ``--auto`` (around the whole run), the console (only while it applies) and ``undo``:

* takes the job's lock, ``FIELDSYNC_STATE_DIR/lock.<job>`` (``lock.fields``, ``lock.files``:
  a long files run does not block the field sync) — :class:`~core.lock.LockHeldError` names
  the holder;
* marks the job's runs left ``running`` by a process that is gone as ``interrupted`` and
  returns them (run id, rows not confirmed) so the caller can tell the operator;
* journals a run that stopped before it was journalled (start-up refused, fatal error while
  loading), so its report, summary and ``history`` share a run id.

No process-wide state: whoever holds the guard passes that fact on explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from fieldsync_tui.core.journal import Journal, RunRecord, new_run_id
from fieldsync_tui.core.lock import LockHeldError, RunLock
from fieldsync_tui.core.model import PlannedRow


def lock_name(job: str) -> str:
    """The lock file of ``job`` in the state directory."""
    return f"lock.{job}"


class RunGuard:
    """``with RunGuard(journal, state_dir, job, command) as leftovers:`` — the job's lock."""

    def __init__(self, journal: Journal, state_dir: Path, job: str, command: str) -> None:
        self.journal = journal
        self.job = job
        self.lock = RunLock(state_dir, command, name=lock_name(job))
        self.leftovers: list[RunRecord] = []

    @property
    def held(self) -> bool:
        return self.lock.held

    @property
    def taken_over(self) -> dict[str, Any] | None:
        """The previous holder's record when a lock left by a dead process was taken over."""
        return self.lock.taken_over

    def acquire(self) -> list[RunRecord]:
        """Take the lock (or raise LockHeldError), then mark this job's leftovers interrupted."""
        self.lock.acquire()
        try:
            self.leftovers = self._interrupt_leftovers()
        except BaseException:
            self.lock.release()
            raise
        return self.leftovers

    def release(self) -> None:
        self.lock.release()

    def recover(self) -> list[RunRecord]:
        """Without keeping the lock (a dry run, the console at start): leftovers of a process
        that is gone are marked interrupted and returned. While another live process holds
        the lock its run is really running: nothing is touched and ``[]`` comes back."""
        if self.held:
            return []
        try:
            self.acquire()
        except LockHeldError:
            return []
        self.release()
        return self.leftovers

    def _interrupt_leftovers(self) -> list[RunRecord]:
        runs = self.journal.unfinished_runs(self.job)  # we hold the lock: their process is gone
        for run in runs:
            self.journal.mark_interrupted(run.id)
        return runs

    def journal_stopped(
        self,
        *,
        mode: str,
        command: str,
        dry_run: bool,
        rows: Iterable[PlannedRow],
        status: str,
        counts: dict[str, Any],
        reason: str | None,
    ) -> str:
        """Journal a run that stopped before it was journalled; its new run id."""
        run_id = new_run_id()
        self.journal.begin_run(
            run_id, job=self.job, mode=mode, command=command, dry_run=dry_run, rows=rows
        )
        self.journal.finish_run(run_id, status, counts, reason)
        return run_id

    def __enter__(self) -> list[RunRecord]:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
