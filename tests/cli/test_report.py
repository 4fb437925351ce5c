"""sync.report: DESIGN §6 JSON/CSV shape, counts, formula guard, atomic writes."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from fieldsync_tui.core.events import RunSummary, count_classes, count_outcomes
from fieldsync_tui.core.model import (
    ARecord,
    Decision,
    Outcome,
    PlannedRow,
    ReportStatus,
    RowClass,
    Step,
)
from fieldsync_tui.core.report import (
    COLUMNS,
    check_report_path,
    escape_cell,
    report_data,
    summary_from_rows,
    write_report,
)


def row(
    a_id: str,
    name: str | None,
    klass: RowClass,
    outcome: Outcome | None,
    **kw: object,
) -> PlannedRow:
    r = PlannedRow(
        a=ARecord(a_id, name, "https://x", "F1"), norm_name=str(name), klass=klass, reason="r"
    )
    r.outcome = outcome
    for key, value in kw.items():
        setattr(r, key, value)
    return r


def summary() -> RunSummary:
    rows = [
        row(
            "1",
            "Ann",
            RowClass.READY,
            Outcome.APPLIED,
            b_id="9",
            b_candidates=("9",),
            decision=Decision.AUTO,
            step=Step.A_TICK,
        ),
        row(
            "2",
            '=HYPERLINK("http://evil")',
            RowClass.DUPLICATE,
            Outcome.SKIPPED,
            b_candidates=("7", "8"),
            message="review row (duplicate)",
        ),
        row(
            "3",
            "+1 Bob",
            RowClass.READY,
            Outcome.FAILED,
            b_id="6",
            b_candidates=("6",),
            decision=Decision.AUTO,
            step=Step.B_WRITE,
            code="RECORD_LOCKED",
            message="-record locked",
        ),
        row("4", "@cmd", RowClass.UNMATCHED, Outcome.NOT_SELECTED),
        row("5", "Zoë\u200b\nnew line", RowClass.IN_SYNC, Outcome.TICKED, b_id="5"),
    ]
    return RunSummary(
        run_id="20261127T201500Z-ab12",
        dry_run=False,
        class_counts=count_classes(rows),
        outcome_counts=count_outcomes(rows),
        report_only={
            "77": ReportStatus.ALREADY_DONE,
            "78": ReportStatus.NOT_FOUND,
            "79": ReportStatus.NO_NAME,
        },
        rows=rows,
    )


def test_json_shape(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_report(path, summary())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["run_id", "reads", "counts", "rows"]
    assert data["run_id"] == "20261127T201500Z-ab12"
    assert list(data["counts"]) == ["classes", "outcomes"]
    assert list(data["counts"]["classes"]) == [c.value for c in RowClass]
    assert list(data["counts"]["outcomes"]) == [o.value for o in Outcome]
    assert sum(data["counts"]["classes"].values()) == 5
    assert sum(data["counts"]["outcomes"].values()) == 5
    assert data["counts"]["classes"]["conflict"] == 0
    assert len(data["rows"]) == 8
    for r in data["rows"]:
        assert list(r) == list(COLUMNS)
    first = data["rows"][0]
    assert first == {
        "a_id": "1",
        "name": "Ann",
        "class": "ready",
        "b_id": "9",
        "b_candidates": ["9"],
        "decision": "auto",
        "outcome": "applied",
        "step": "a_tick",
        "code": None,
        "message": "",
    }
    failed = data["rows"][2]
    assert (failed["step"], failed["code"]) == ("b_write", "RECORD_LOCKED")
    assert data["rows"][1]["b_id"] is None and data["rows"][1]["b_candidates"] == ["7", "8"]
    assert data["rows"][4]["name"] == "Zoë\u200b\nnew line"  # raw name, JSON-escaped
    extras = {r["a_id"]: r for r in data["rows"][5:]}
    assert {k: v["outcome"] for k, v in extras.items()} == {
        "77": "already_done",
        "78": "not_found",
        "79": "no_name",
    }
    assert all(v["class"] is None for v in extras.values())


def test_csv_shape_and_formula_guard(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_report(path, summary())
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + 8
    by_id = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_id["2"]["name"] == '\'=HYPERLINK("http://evil")'
    assert by_id["2"]["b_candidates"] == "7;8"
    assert by_id["3"]["name"] == "'+1 Bob" and by_id["3"]["message"] == "'-record locked"
    assert by_id["4"]["name"] == "'@cmd"
    assert by_id["1"]["name"] == "Ann" and by_id["1"]["code"] == ""
    assert by_id["5"]["name"] == "Zoë\u200b\nnew line"
    assert by_id["77"]["outcome"] == "already_done" and by_id["77"]["class"] == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+x", "'+x"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        ("'quoted", "'quoted"),
    ],
)
def test_escape_cell(value: str | None, expected: str) -> None:
    assert escape_cell(value) == expected


@pytest.mark.parametrize("name", ["r.txt", "r", "r.json.bak", "r.xlsx"])
def test_other_suffix_is_value_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="--report"):
        check_report_path(Path(name))
    with pytest.raises(ValueError):
        write_report(tmp_path / name, summary())
    assert not (tmp_path / name).exists()


def test_upper_case_suffix_accepted(tmp_path: Path) -> None:
    write_report(tmp_path / "R.JSON", summary())
    assert json.loads((tmp_path / "R.JSON").read_text())["run_id"]


def test_atomic_old_report_survives_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.json"
    path.write_text("previous", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_report(path, summary())
    assert path.read_text(encoding="utf-8") == "previous"
    assert os.listdir(tmp_path) == ["r.json"]  # the temp file is gone


def test_atomic_uses_temp_in_same_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append((src, dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    path = tmp_path / "sub" / "r.csv"
    write_report(path, summary())
    assert len(seen) == 1 and Path(seen[0][0]).parent == path.parent
    assert Path(seen[0][1]) == path and path.exists()


def test_summary_from_rows_for_a_failed_run(tmp_path: Path) -> None:
    rows = summary().rows[:2]
    rows[1].outcome = None  # the run stopped before deciding it
    s = summary_from_rows(None, rows, {"9": ReportStatus.NOT_FOUND}, stopped_reason="auth")
    data = report_data(s)
    assert data["run_id"] is None
    assert sum(data["counts"]["classes"].values()) == 2
    assert data["rows"][1]["outcome"] is None
    empty = report_data(summary_from_rows(None, []))
    assert empty["rows"] == [] and set(empty["counts"]["outcomes"].values()) == {0}
