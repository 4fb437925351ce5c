"""The journal: runs, their rows (intent and outcome) and operator decisions (DESIGN §6).

SQLite in WAL mode at ``state_dir/journal.sqlite3``; the schema is versioned with
``PRAGMA user_version`` and migrated forward on open. Every statement is parameterised:
record names and values are untrusted text and are stored as-is. No secret is ever stored.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldsync_tui.core.journal_schema import MIGRATIONS, SCHEMA_VERSION
from fieldsync_tui.core.model import DecisionKind, OperatorDecision, PlannedRow

JOURNAL_NAME = "journal.sqlite3"
RUN_STATUSES = ("running", "done", "failed", "interrupted", "stopped")


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id() -> str:
    """Sortable and readable: ``20261127T201500Z-ab12``."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


@dataclass(slots=True)
class RunRecord:
    id: str
    started: str
    finished: str | None
    status: str
    mode: str
    command: str
    dry_run: bool
    counts: dict[str, Any] = field(default_factory=dict)
    stopped_reason: str | None = None
    undo_of: str | None = None
    unconfirmed: int = 0
    """Rows with a journalled intent (a write was about to be sent) but no outcome yet."""
    job: str = "fields"
    """The job the run belongs to (``fields``, ``files``)."""


@dataclass(slots=True)
class JournalRow:
    run_id: str
    a_id: str
    b_id: str | None
    name: str | None
    klass: str | None
    decision: str | None
    action: str | None  # "write_b" | "tick_only" | None (not attempted)
    old_values: dict[str, str | None]
    new_values: dict[str, str | None]
    updated_from: str | None
    outcome: str | None
    step: str | None
    code: str | None
    message: str | None
    updated: str | None


@dataclass(frozen=True, slots=True)
class Intent:
    """What a row is about to do to Zoho (written before the write, step 1 of §6)."""

    a_id: str
    b_id: str | None
    action: str  # "write_b" | "tick_only"
    old_values: dict[str, str | None]  # B's values before, for every field we write
    new_values: dict[str, str | None]  # what we write to B (copied fields + updated-from)
    updated_from: str | None


class JournalError(Exception):
    pass


class Journal:
    """One SQLite connection; every public method commits before it returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(path), isolation_level=None, timeout=10.0, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed intent survives a power loss too, not only a killed process
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    @classmethod
    def open(cls, state_dir: Path) -> Journal:
        return cls(state_dir / JOURNAL_NAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"{self.path} has schema version {version}; this fieldsync knows "
                f"{SCHEMA_VERSION} — use a newer fieldsync or another FIELDSYNC_STATE_DIR"
            )
        for target in range(version, SCHEMA_VERSION):
            with self._tx() as db:
                for statement in MIGRATIONS[target]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # ---- runs -------------------------------------------------------------------------

    def begin_run(
        self,
        run_id: str,
        *,
        job: str,
        mode: str,
        command: str,
        dry_run: bool,
        rows: Iterable[PlannedRow] = (),
        undo_of: str | None = None,
    ) -> None:
        """Create a ``running`` run of ``job`` with every loaded row (class, decision, outcome
        so far)."""
        stamp = now_iso()
        with self._tx() as db:
            db.execute(
                "INSERT INTO runs (id, job, started, status, mode, command, dry_run, undo_of)"
                " VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
                (run_id, job, stamp, mode, command, int(dry_run), undo_of),
            )
            db.executemany(
                "INSERT INTO rows (run_id, a_id, b_id, name, class, decision, outcome, step,"
                " code, message, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        run_id,
                        r.a.id,
                        r.b_id,
                        r.a.name,
                        str(r.klass),
                        str(r.decision),
                        _opt(r.outcome),
                        _opt(r.step),
                        r.code,
                        r.message,
                        stamp,
                    )
                    for r in rows
                ),
            )

    def record_intents(self, run_id: str, intents: Sequence[Intent]) -> None:
        """Step 1 of §6: what each row is about to write; committed before any write."""
        with self._tx() as db:
            db.executemany(
                "UPDATE rows SET b_id = ?, action = ?, old_values = ?, new_values = ?,"
                " updated_from = ?, updated = ? WHERE run_id = ? AND a_id = ?",
                (
                    (
                        i.b_id,
                        i.action,
                        json.dumps(i.old_values),
                        json.dumps(i.new_values),
                        i.updated_from,
                        now_iso(),
                        run_id,
                        i.a_id,
                    )
                    for i in intents
                ),
            )

    def record_outcomes(self, run_id: str, rows: Iterable[PlannedRow]) -> None:
        stamp = now_iso()
        with self._tx() as db:
            db.executemany(
                "UPDATE rows SET outcome = ?, step = ?, code = ?, message = ?, decision = ?,"
                " updated = ? WHERE run_id = ? AND a_id = ?",
                (
                    (
                        _opt(r.outcome),
                        _opt(r.step),
                        r.code,
                        r.message,
                        str(r.decision),
                        stamp,
                        run_id,
                        r.a.id,
                    )
                    for r in rows
                ),
            )

    def finish_run(
        self,
        run_id: str,
        status: str,
        counts: dict[str, Any],
        stopped_reason: str | None = None,
    ) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        with self._tx() as db:
            db.execute(
                "UPDATE runs SET status = ?, finished = ?, counts = ?, stopped_reason = ?"
                " WHERE id = ?",
                (status, now_iso(), json.dumps(counts), stopped_reason, run_id),
            )

    def mark_interrupted(self, run_id: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE runs SET status = 'interrupted', finished = ? WHERE id = ?"
                " AND status = 'running'",
                (now_iso(), run_id),
            )

    def list_runs(self, limit: int = 50) -> list[RunRecord]:
        cur = self._db.execute(
            _RUN_SELECT + " ORDER BY runs.started DESC, runs.rowid DESC LIMIT ?", (limit,)
        )
        return [_run(row) for row in cur.fetchall()]

    def get_run(self, run_id: str) -> RunRecord | None:
        cur = self._db.execute(_RUN_SELECT + " WHERE runs.id = ?", (run_id,))
        row = cur.fetchone()
        return _run(row) if row else None

    def unfinished_runs(self, job: str | None = None) -> list[RunRecord]:
        """Runs still marked ``running`` (of ``job`` only, when given)."""
        where = " WHERE runs.status = 'running'"
        params: tuple[str, ...] = ()
        if job is not None:
            where += " AND runs.job = ?"
            params = (job,)
        cur = self._db.execute(_RUN_SELECT + where + " ORDER BY runs.id", params)
        return [_run(row) for row in cur.fetchall()]

    def run_rows(self, run_id: str) -> list[JournalRow]:
        cur = self._db.execute(
            "SELECT run_id, a_id, b_id, name, class, decision, action, old_values, new_values,"
            " updated_from, outcome, step, code, message, updated FROM rows WHERE run_id = ?"
            " ORDER BY length(a_id), a_id",
            (run_id,),
        )
        return [_journal_row(row) for row in cur.fetchall()]

    # ---- decisions --------------------------------------------------------------------

    def add_decisions(self, decisions: Sequence[OperatorDecision]) -> int:
        """Store decisions as one batch (one ``u`` undoes it); returns the batch id."""
        stamp = now_iso()
        with self._tx() as db:
            row = db.execute("SELECT COALESCE(MAX(batch_id), 0) + 1 FROM decisions").fetchone()
            batch_id = int(row[0])
            db.executemany(
                "INSERT INTO decisions (batch_id, a_id, kind, target_b_id, fingerprint, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (batch_id, d.a_id, str(d.kind), d.target_b_id, d.fingerprint, stamp)
                    for d in decisions
                ),
            )
        return batch_id

    def undo_decision_batch(self, batch_id: int) -> list[str]:
        """Mark one batch undone; returns its A ids (empty if it was already undone)."""
        with self._tx() as db:
            ids = [
                str(r[0])
                for r in db.execute(
                    "SELECT a_id FROM decisions WHERE batch_id = ? AND undone = 0 ORDER BY id",
                    (batch_id,),
                )
            ]
            db.execute("UPDATE decisions SET undone = 1 WHERE batch_id = ?", (batch_id,))
        return ids

    def active_decisions(
        self, kinds: Collection[DecisionKind] | None = None
    ) -> dict[str, OperatorDecision]:
        """The newest live decision per A id (only among ``kinds`` when given)."""
        cur = self._db.execute(
            "SELECT a_id, kind, target_b_id, fingerprint, batch_id FROM decisions"
            " WHERE undone = 0 AND job = 'fields' ORDER BY id"
        )
        out: dict[str, OperatorDecision] = {}
        for a_id, kind, target, fingerprint, batch_id in cur:
            if kinds is not None and kind not in kinds:
                continue
            decided = DecisionKind(kind)
            out[str(a_id)] = OperatorDecision(
                str(a_id), decided, target, fingerprint or "", int(batch_id)
            )
        return out


_RUN_SELECT = (
    "SELECT runs.id, started, finished, status, mode, command, dry_run, counts,"
    " stopped_reason, undo_of,"
    " (SELECT COUNT(*) FROM rows WHERE rows.run_id = runs.id AND rows.action IS NOT NULL"
    "  AND rows.outcome IS NULL), runs.job FROM runs"
)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _run(row: Sequence[Any]) -> RunRecord:
    return RunRecord(
        id=row[0],
        started=row[1],
        finished=row[2],
        status=row[3],
        mode=row[4],
        command=row[5],
        dry_run=bool(row[6]),
        counts=json.loads(row[7] or "{}"),
        stopped_reason=row[8],
        undo_of=row[9],
        unconfirmed=int(row[10]),
        job=row[11],
    )


def _journal_row(row: Sequence[Any]) -> JournalRow:
    return JournalRow(
        run_id=row[0],
        a_id=row[1],
        b_id=row[2],
        name=row[3],
        klass=row[4],
        decision=row[5],
        action=row[6],
        old_values=json.loads(row[7]) if row[7] else {},
        new_values=json.loads(row[8]) if row[8] else {},
        updated_from=row[9],
        outcome=row[10],
        step=row[11],
        code=row[12],
        message=row[13],
        updated=row[14],
    )
