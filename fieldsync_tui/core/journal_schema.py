"""The journal's schema, versioned with ``PRAGMA user_version``: each migration takes it one
version forward on open (``core.journal``). Append; never edit a migration that shipped."""

from __future__ import annotations

_SCHEMA_V1 = """
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

# v2: the job each run belongs to (DESIGN §9); runs journalled before are field-sync runs
_SCHEMA_V2 = (
    "ALTER TABLE runs ADD COLUMN job TEXT NOT NULL DEFAULT 'fields'",
    "CREATE INDEX runs_job_status ON runs (job, status)",
)

# v3: what a job moves besides field values (the files job's files: intent with the planned
# name, then the confirmed copy), the steps of a row that landed (for undo), and decisions
# of any job (a files decision can name an attachment)
_SCHEMA_V3 = (
    "CREATE TABLE items (run_id TEXT NOT NULL REFERENCES runs(id), a_id TEXT NOT NULL,"
    " item_id TEXT NOT NULL, container_id TEXT NOT NULL, name TEXT, size INTEGER,"
    " dest_name TEXT NOT NULL, status TEXT NOT NULL, resource_id TEXT, md5 TEXT,"
    " message TEXT, updated TEXT NOT NULL, PRIMARY KEY (run_id, item_id, container_id))",
    "CREATE INDEX items_container ON items (container_id, item_id)",
    "ALTER TABLE rows ADD COLUMN done TEXT",
    "ALTER TABLE decisions ADD COLUMN job TEXT NOT NULL DEFAULT 'fields'",
    "ALTER TABLE decisions ADD COLUMN item_id TEXT",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    tuple(s.strip() for s in _SCHEMA_V1.split(";") if s.strip()),
    _SCHEMA_V2,
    _SCHEMA_V3,
)
"""MIGRATIONS[i] takes the schema from version i to i + 1. Append; never edit."""

SCHEMA_VERSION = len(MIGRATIONS)
