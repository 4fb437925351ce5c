"""The journal's records of what a job moves besides field values (schema v3), and the
decisions of any job. Job-agnostic: an *item* is something a row copies into a *container*
(the files job: an attachment into a WorkDrive folder), journalled as an ``intent`` with the
name it is planned under before it moves, then ``confirmed`` with what the far side
answered (its resource id and MD5), ``failed``, or ``trashed`` by an undo.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fieldsync_tui.core.journal import Journal, now_iso

INTENT = "intent"
CONFIRMED = "confirmed"
FAILED = "failed"
TRASHED = "trashed"


@dataclass(frozen=True, slots=True)
class ItemRecord:
    run_id: str
    a_id: str
    item_id: str
    container_id: str
    name: str | None
    size: int | None
    dest_name: str
    status: str
    resource_id: str | None = None
    md5: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class RowState:
    """A loaded row of any job as the journal keeps it: its target (Org B record, WorkDrive
    folder …), class, decision and outcome so far (enum values as text)."""

    a_id: str
    target_id: str | None
    name: str | None
    klass: str | None
    decision: str | None
    outcome: str | None = None
    step: str | None = None
    code: str | None = None
    message: str | None = None


def begin_job_run(
    journal: Journal,
    run_id: str,
    *,
    job: str,
    mode: str,
    command: str,
    dry_run: bool,
    rows: Iterable[RowState] = (),
    undo_of: str | None = None,
) -> None:
    """``Journal.begin_run`` for any job's rows, given as :class:`RowState`."""
    journal.begin_run(run_id, job=job, mode=mode, command=command, dry_run=dry_run, undo_of=undo_of)
    record_states(journal, run_id, rows, insert=True)


def record_states(
    journal: Journal, run_id: str, rows: Iterable[RowState], *, insert: bool = False
) -> None:
    """Each row's target, class, decision and outcome (inserted first when ``insert``)."""
    stamp = now_iso()
    with journal._tx() as db:
        for r in rows:
            if insert:
                db.execute(
                    "INSERT INTO rows (run_id, a_id, updated) VALUES (?, ?, ?)",
                    (run_id, r.a_id, stamp),
                )
            db.execute(
                "UPDATE rows SET b_id = COALESCE(?, b_id), name = COALESCE(?, name), class = ?,"
                " outcome = ?, step = ?, code = ?, message = ?, decision = ?, updated = ?"
                " WHERE run_id = ? AND a_id = ?",
                (
                    r.target_id,
                    r.name,
                    r.klass,
                    r.outcome,
                    r.step,
                    r.code,
                    r.message,
                    r.decision,
                    stamp,
                    run_id,
                    r.a_id,
                ),
            )


@dataclass(frozen=True, slots=True)
class JobDecision:
    """An operator decision of any job: ``target`` (a B record, a folder) or ``item_id``."""

    a_id: str
    kind: str
    fingerprint: str
    target: str | None = None
    item_id: str | None = None


_ITEM_COLUMNS = (
    "run_id, a_id, item_id, container_id, name, size, dest_name, status, resource_id, md5, message"
)


def record_items(journal: Journal, items: Sequence[ItemRecord]) -> None:
    """Insert or replace items (an intent, then its confirmation), committed at once."""
    stamp = now_iso()
    with journal._tx() as db:
        db.executemany(
            f"INSERT OR REPLACE INTO items ({_ITEM_COLUMNS}, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    i.run_id,
                    i.a_id,
                    i.item_id,
                    i.container_id,
                    i.name,
                    i.size,
                    i.dest_name,
                    i.status,
                    i.resource_id,
                    i.md5,
                    i.message,
                    stamp,
                )
                for i in items
            ),
        )


def items(
    journal: Journal, *, run_id: str | None = None, statuses: Iterable[str] = ()
) -> list[ItemRecord]:
    """Items of one run (or of every run), oldest first, only with ``statuses`` if given."""
    where, params = [], []
    if run_id is not None:
        where.append("run_id = ?")
        params.append(run_id)
    wanted = list(statuses)
    if wanted:
        where.append(f"status IN ({','.join('?' * len(wanted))})")
        params += wanted
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    cur = journal._db.execute(
        f"SELECT {_ITEM_COLUMNS} FROM items{clause} ORDER BY updated, rowid", params
    )
    return [ItemRecord(*row) for row in cur.fetchall()]


def mark_done(journal: Journal, run_id: str, a_ids: Iterable[str], step: str) -> None:
    """Record that ``step`` of these rows landed (undo reads it back with ``row_done``)."""
    with journal._tx() as db:
        for a_id in a_ids:
            cur = db.execute(
                "SELECT done FROM rows WHERE run_id = ? AND a_id = ?", (run_id, a_id)
            ).fetchone()
            done = json.loads(cur[0]) if cur and cur[0] else []
            if step not in done:
                done.append(step)
            db.execute(
                "UPDATE rows SET done = ? WHERE run_id = ? AND a_id = ?",
                (json.dumps(done), run_id, a_id),
            )


def row_done(journal: Journal, run_id: str) -> dict[str, list[str]]:
    """A id → the steps ``mark_done`` recorded for the run's rows."""
    cur = journal._db.execute(
        "SELECT a_id, done FROM rows WHERE run_id = ? AND done IS NOT NULL", (run_id,)
    )
    return {str(a): json.loads(d) for a, d in cur}


def add_job_decisions(journal: Journal, job: str, decisions: Sequence[JobDecision]) -> int:
    """Store one batch of ``job``'s decisions; returns the batch id."""
    stamp = now_iso()
    with journal._tx() as db:
        batch_id = int(
            db.execute("SELECT COALESCE(MAX(batch_id), 0) + 1 FROM decisions").fetchone()[0]
        )
        db.executemany(
            "INSERT INTO decisions (batch_id, a_id, kind, target_b_id, fingerprint, created,"
            " job, item_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (batch_id, d.a_id, d.kind, d.target, d.fingerprint, stamp, job, d.item_id)
                for d in decisions
            ),
        )
    return batch_id


def job_decisions(journal: Journal, job: str) -> list[JobDecision]:
    """``job``'s live decisions, oldest first (the job decides which win)."""
    cur = journal._db.execute(
        "SELECT a_id, kind, fingerprint, target_b_id, item_id FROM decisions"
        " WHERE undone = 0 AND job = ? ORDER BY id",
        (job,),
    )
    return [JobDecision(str(a), str(k), f or "", t, i) for a, k, f, t, i in cur]
