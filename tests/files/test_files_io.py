"""The files job's configuration (§9.1), command line, and journal storage (§9.5): the
planner's evidence and decisions round-trip through the journal; a journal from before the
files job opens and gains the new tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fieldsync_tui import cli
from fieldsync_tui.config import ConfigErrors, load_settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.journal_items import (
    CONFIRMED,
    ItemRecord,
    RowState,
    begin_job_run,
    items,
    mark_done,
    record_items,
    row_done,
)
from fieldsync_tui.core.journal_schema import MIGRATIONS
from fieldsync_tui.files import store
from fieldsync_tui.files.model import FilesDecision, FilesDecisionKind

BASE = {
    f"ORG_{o}_{k}": f"{o}-{k}-value1"
    for o in "AB"
    for k in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")
}


def test_files_variables_default_warn_and_refuse(tmp_path: Path) -> None:
    s = load_settings(BASE, cwd=tmp_path)
    assert (s.team_folder_id, s.files_checkbox) == (None, "Files_Transferred")
    s = load_settings({**BASE, "ORG_B_TEAM_FOLDER_ID": "abc123xyz"}, cwd=tmp_path)
    assert s.team_folder_id == "abc123xyz"
    shared = {**BASE, "CRM_FILES_CHECKBOX_FIELD_API_NAME": "Transfer_Complete"}
    s = load_settings(shared, cwd=tmp_path)
    assert any("field sync's checkbox" in w for w in s.warnings)
    with pytest.raises(ConfigErrors) as info:
        load_settings({**BASE, "ORG_B_TEAM_FOLDER_ID": "../x"}, cwd=tmp_path)
    assert any(p.startswith("ORG_B_TEAM_FOLDER_ID") for p in info.value.problems)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["files", "--auto", "--max-file-mb", "0"], "--max-file-mb"),
        (["files", "--auto", "--max-file-mb", "lots"], "--max-file-mb"),
        (["files", "--report", "r.json"], "--report"),
        (["files", "--auto", "--report", "r.txt"], "--report"),
        (["files", "--demo", "--auto", "--env-file", "x"], "--env-file"),
    ],
)
def test_files_usage_errors_exit_2(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    assert needle in capsys.readouterr().err


def test_files_options_before_or_after_the_subcommand() -> None:
    args = cli.parse_args(
        [
            "--env-file",
            "a.env",
            "--limit",
            "2",
            "files",
            "--auto",
            "--tick-empty",
            "--include-ticked",
        ]
    )
    assert (args.command, str(args.env_file), args.limit) == ("files", "a.env", 2)
    assert args.tick_empty and args.include_ticked and args.auto


def test_items_evidence_and_decisions_round_trip(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as j:
        begin_job_run(
            j,
            "r1",
            job="files",
            mode="auto",
            command="t",
            dry_run=False,
            rows=[RowState("5", "f1", "Ann", "ready", "auto")],
        )
        record_items(j, [ItemRecord("r1", "5", "a1", "f1", "x.pdf", 3, "x.pdf", "intent")])
        record_items(j, [ItemRecord("r1", "5", "a2", "f1", "y.pdf", 4, "y_1.pdf", "intent")])
        record_items(
            j, [ItemRecord("r1", "5", "a1", "f1", "x.pdf", 3, "x.pdf", CONFIRMED, "res9", "m")]
        )
        mark_done(j, "r1", ["5"], "a_fields")
        mark_done(j, "r1", ["5"], "a_fields")
        assert row_done(j, "r1") == {"5": ["a_fields"]}
        assert [i.status for i in items(j, run_id="r1")] == ["intent", CONFIRMED]
        ev = store.evidence(j)
        (up,) = ev.uploads("f1", "a1")
        assert (up.resource_id, up.run_id) == ("res9", "r1")
        assert ev.reserved("f1", "a1") is None
        reserved = ev.reserved("f1", "a2")
        assert reserved is not None and reserved.dest_name == "y_1.pdf"
        store.add_decisions(
            j, [FilesDecision("5", FilesDecisionKind.SKIP_FILE, "fp", attachment_id="a2")]
        )
        (d,) = store.decisions(j)
        assert (d.kind, d.attachment_id) == (FilesDecisionKind.SKIP_FILE, "a2")
        assert j.active_decisions() == {}  # the field sync never sees files decisions
        assert j.run_rows("r1")[0].b_id == "f1"


def test_a_journal_from_before_the_files_job_opens(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "journal.sqlite3")
    for version in MIGRATIONS[:2]:
        for statement in version:
            db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    db.execute(
        "INSERT INTO decisions (batch_id, a_id, kind, created) VALUES (1, '7', 'skip', 'now')"
    )
    db.commit()
    db.close()
    with Journal.open(tmp_path) as j:
        assert j.schema_version == len(MIGRATIONS)
        assert "7" in j.active_decisions()
        assert store.decisions(j) == [] and items(j) == []
