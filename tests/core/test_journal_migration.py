"""A journal written by ``main`` before issue 7 (schema v1) opens, and ``history`` lists its
runs as field-sync runs. The fixture builds it exactly as that version did: its DDL and
statements are copied here, not imported, so later edits to the journal cannot hide a break.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from fieldsync_tui.commands import history
from fieldsync_tui.core.journal import JOURNAL_NAME, SCHEMA_VERSION, Journal

# fieldsync_tui/sync/journal.py at main afbf320 (schema version 1), verbatim
MAIN_V1_DDL = """
CREATE TABLE runs (
    id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
    mode TEXT NOT NULL, command TEXT NOT NULL, dry_run INTEGER NOT NULL,
    counts TEXT NOT NULL DEFAULT '{}', stopped_reason TEXT, undo_of TEXT
);
CREATE TABLE rows (
    run_id TEXT NOT NULL REFERENCES runs(id), a_id TEXT NOT NULL, b_id TEXT, name TEXT,
    class TEXT, decision TEXT, action TEXT, old_values TEXT, new_values TEXT,
    updated_from TEXT, outcome TEXT, step TEXT, code TEXT, message TEXT, updated TEXT,
    PRIMARY KEY (run_id, a_id)
);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, batch_id INTEGER NOT NULL, a_id TEXT NOT NULL,
    kind TEXT NOT NULL, target_b_id TEXT, fingerprint TEXT, created TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decisions_a_id ON decisions (a_id);
CREATE INDEX decisions_batch ON decisions (batch_id);
"""


def write_main_journal(state_dir: Path) -> None:
    """Two runs as main journals them: one done, one left running with an open intent."""
    state_dir.mkdir(parents=True)
    db = sqlite3.connect(str(state_dir / JOURNAL_NAME), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("BEGIN IMMEDIATE")
    for statement in (s.strip() for s in MAIN_V1_DDL.split(";")):
        if statement:
            db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("COMMIT")
    runs = (
        ("20261101T010000Z-aaaa", "done", {"outcomes": {"applied": 2}}),
        ("20261102T010000Z-bbbb", "running", {}),
    )
    for run_id, status, counts in runs:
        db.execute(
            "INSERT INTO runs (id, started, status, mode, command, dry_run, undo_of)"
            " VALUES (?, ?, 'running', ?, ?, ?, ?)",
            (run_id, run_id[:8] + "T01:00:00Z", "auto", "fieldsync --auto", 0, None),
        )
        db.execute(
            "INSERT INTO rows (run_id, a_id, b_id, name, class, decision, outcome, step,"
            " code, message, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, "101", "901", "Acme", "ready", "auto", None, None, None, "", "x"),
        )
        db.execute(
            "UPDATE rows SET b_id = ?, action = ?, old_values = ?, new_values = ?,"
            " updated_from = ?, updated = ? WHERE run_id = ? AND a_id = ?",
            ("901", "write_b", "{}", '{"URL": "u"}', "101", "x", run_id, "101"),
        )
        if status != "running":
            db.execute("UPDATE rows SET outcome = 'applied' WHERE run_id = ?", (run_id,))
            db.execute(
                "UPDATE runs SET status = ?, finished = ?, counts = ?, stopped_reason = ?"
                " WHERE id = ?",
                (status, "2026-11-01T01:01:00Z", json.dumps(counts), None, run_id),
            )
    db.close()


def test_a_journal_from_main_opens_and_its_runs_are_field_sync_runs(tmp_path: Path) -> None:
    state = tmp_path / "state"
    write_main_journal(state)
    with Journal.open(state) as journal:
        assert journal.schema_version == SCHEMA_VERSION == 3
        runs = {r.id: r for r in journal.list_runs()}
        assert {r.job for r in runs.values()} == {"fields"}
        assert runs["20261101T010000Z-aaaa"].status == "done"
        assert runs["20261101T010000Z-aaaa"].counts == {"outcomes": {"applied": 2}}
        [left] = journal.unfinished_runs("fields")
        assert left.id == "20261102T010000Z-bbbb" and left.unconfirmed == 1
        assert journal.unfinished_runs("files") == []
        assert journal.run_rows("20261101T010000Z-aaaa")[0].new_values == {"URL": "u"}
    with Journal.open(state) as again:  # a second open migrates nothing
        assert again.schema_version == 3 and len(again.list_runs()) == 2


def test_history_lists_the_runs_of_a_journal_from_main(tmp_path: Path) -> None:
    state = tmp_path / "state"
    write_main_journal(state)
    env_file = tmp_path / ".env"
    env_file.write_text(f"FIELDSYNC_STATE_DIR={state}\n", encoding="utf-8")
    out = io.StringIO()
    assert history(env_file, out) == 0
    header, *lines = out.getvalue().splitlines()
    columns = header.split()
    done = next(ln for ln in lines if ln.startswith("20261101T010000Z-aaaa")).split()
    running = next(ln for ln in lines if ln.startswith("20261102T010000Z-bbbb"))
    assert done[columns.index("job")] == "fields" and done[columns.index("applied")] == "2"
    assert running.split()[columns.index("job")] == "fields" and "1 not confirmed" in running
