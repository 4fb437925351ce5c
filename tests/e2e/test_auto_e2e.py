"""``fieldsync --auto`` against the simulator over loopback (DESIGN §3, §5, §6)."""

from __future__ import annotations

import csv
import os
from typing import Any

import pytest

from fieldsync_tui.core.lock import RunLock
from fieldsync_tui.simulator.names import HOSTILE_EXACT, HOSTILE_MATCHES

from .conftest import Server, ServerFactory, summary_counts, with_each_switch, write_env_file

NOT_PENDING = ("ticked", "no_name")
REVIEW = ("overwrite", "duplicate", "unmatched", "conflict", "invalid")


def pending(srv: Server) -> dict[str, str]:
    return {a: c for a, c in srv.demo.classes.items() if c not in NOT_PENDING}


def fields(srv: Server) -> tuple[str, str, str, str, str]:
    c = srv.sim.config
    return c.name_field, c.url_field, c.folder_field, c.checkbox_field, c.updated_from_field


@with_each_switch
def test_every_class_and_the_auto_column(make_server: ServerFactory) -> None:
    srv = make_server(records=60)
    before = srv.snapshot()
    result = srv.run("--report", "report.json")
    assert result.returncode == 0, result.stderr
    expected = pending(srv)
    report = srv.report()
    rows = {r["a_id"]: r for r in report["rows"]}
    assert {a: r["class"] for a, r in rows.items()} == expected
    assert set(expected.values()) == {"ready", "in_sync", *REVIEW}  # every class built
    outcome_for = {"ready": "applied", "in_sync": "ticked"}
    for a_id, klass in expected.items():
        assert rows[a_id]["outcome"] == outcome_for.get(klass, "skipped"), rows[a_id]
    counts = summary_counts(result.stdout)
    assert sum(counts["classes"].values()) == counts["loaded"]["rows"] == len(expected)
    assert sum(counts["outcomes"].values()) == len(expected)
    assert counts["classes"] == report["counts"]["classes"]
    assert counts["outcomes"] == report["counts"]["outcomes"]

    after = srv.snapshot()
    _name, url, folder, box, updated = fields(srv)
    written_b = {rows[a]["b_id"] for a, k in expected.items() if k == "ready"}
    for a_id, klass in expected.items():
        a_before, a_after = before["A"][a_id], after["A"][a_id]
        if klass in ("ready", "in_sync"):
            assert a_after[box] is True
        else:
            assert a_after == a_before  # review rows: untouched
        if klass == "ready":
            b = after["B"][rows[a_id]["b_id"]]
            assert b[url] == (a_before[url] or "").strip()
            assert b[folder] == (a_before[folder] or "").strip()
            assert b[updated] == a_id
    for b_id, rec in before["B"].items():
        if b_id not in written_b:
            assert after["B"][b_id] == rec
    for a_id, klass in srv.demo.classes.items():
        if klass in NOT_PENDING:
            assert after["A"][a_id] == before["A"][a_id]


def test_hostile_names_are_matched_and_written(make_server: ServerFactory) -> None:
    srv = make_server(records=40, seed=11)
    before = srv.snapshot()
    result = srv.run("--report", "report.json")
    assert result.returncode == 0, result.stderr
    name = srv.sim.config.name_field
    hostile = {a for a, _ in HOSTILE_MATCHES} | set(HOSTILE_EXACT)
    rows = {r["a_id"]: r for r in srv.report()["rows"]}
    hits = [a for a, rec in before["A"].items() if rec[name] in hostile]
    assert len(hits) == len(hostile)
    for a_id in hits:
        assert rows[a_id]["outcome"] == "applied", rows[a_id]
        assert rows[a_id]["name"] == before["A"][a_id][name]  # raw name in the report
    assert "\x1b" not in result.stdout + result.stderr


def test_dry_run_writes_nothing(make_server: ServerFactory) -> None:
    srv = make_server(records=40)
    before = srv.snapshot()
    result = srv.run("--dry-run", "--report", "report.csv")
    assert result.returncode == 0, result.stderr
    assert srv.puts() == 0 and srv.sim.stats.writes == []
    assert srv.snapshot() == before
    with (srv.dir / "report.csv").open(encoding="utf-8", newline="") as handle:
        outcomes = {r["outcome"] for r in csv.DictReader(handle)}
    assert outcomes == {"dry_run", "skipped"}
    assert "(dry run)" in result.stdout
    assert (srv.dir / ".fieldsync" / "journal.sqlite3").exists()
    assert list((srv.dir / "logs").glob("fieldsync_*.log"))


def test_second_run_after_success_writes_nothing(make_server: ServerFactory) -> None:
    srv = make_server(records=40)
    assert srv.run().returncode == 0
    after_first = srv.snapshot()
    srv.sim.stats.reset()
    result = srv.run("--report", "report.json")
    assert result.returncode == 0, result.stderr
    assert srv.puts() == 0
    assert srv.snapshot() == after_first
    counts = srv.report()["counts"]
    assert counts["classes"]["ready"] == counts["classes"]["in_sync"] == 0
    assert counts["outcomes"]["applied"] == counts["outcomes"]["ticked"] == 0


def test_fail_on_review_exits_3(make_server: ServerFactory) -> None:
    srv = make_server(records=40)
    result = srv.run("--fail-on-review")
    assert result.returncode == 3, result.stderr
    counts = summary_counts(result.stdout)
    assert counts["outcomes"]["applied"] > 0  # safe rows were still applied
    assert "review rows: 0" not in result.stdout


@with_each_switch
def test_locked_record_207_exits_1_and_others_land(make_server: ServerFactory) -> None:
    srv = make_server(records=40)
    assert srv.run("--dry-run", "--report", "plan.json").returncode == 0
    plan = {r["a_id"]: r for r in srv.report("plan.json")["rows"]}
    ready = sorted(a for a, r in plan.items() if r["class"] == "ready")
    victim = ready[1]
    srv.sim.org("B").lock_record(plan[victim]["b_id"])
    result = srv.run("--fail-on-review", "--report", "report.json")
    assert result.returncode == 1, result.stdout  # 1 wins over 3
    rows = {r["a_id"]: r for r in srv.report()["rows"]}
    assert rows[victim]["outcome"] == "failed"
    assert rows[victim]["step"] == "b_write" and rows[victim]["code"]
    box = srv.sim.config.checkbox_field
    assert srv.sim.org("A").get(victim)[box] is False
    for a_id in ready:
        if a_id != victim:
            assert rows[a_id]["outcome"] == "applied"
            assert srv.sim.org("A").get(a_id)[box] is True
    assert summary_counts(result.stdout)["outcomes"]["failed"] == 1


def test_lock_held_exits_1_naming_the_holder(make_server: ServerFactory) -> None:
    srv = make_server(records=20)
    with RunLock(srv.dir / ".fieldsync", "nightly holder job", name="lock.fields"):
        result = srv.run("--report", "report.json")
        assert result.returncode == 1
        assert "holds the lock" in result.stderr
        assert "status: failed" in result.stdout
        assert srv.report()["rows"] == []  # the report says the run did not happen
        assert f"pid {os.getpid()}" in result.stderr and "nightly holder job" in result.stderr
        assert srv.sim.stats.calls == []  # refused before any call
        dry = srv.run("--dry-run")  # a dry run takes no lock
        assert dry.returncode == 0, dry.stderr


def _config_case(srv: Server, case: str) -> tuple[dict[str, str], str]:
    env = dict(srv.env)
    if case == "missing":
        del env["ORG_B_CLIENT_SECRET"]
        return env, "ORG_B_CLIENT_SECRET"
    if case == "non_loopback_http":
        env["ORG_A_API_URL"] = "http://10.1.2.3:8080"
        return env, "ORG_A_API_URL"
    if case == "url_with_path":
        env["ORG_B_ACCOUNTS_URL"] = srv.url + "/oauth/v2"
        return env, "ORG_B_ACCOUNTS_URL"
    if case == "concurrency":
        env["ZOHO_MAX_CONCURRENCY"] = "11"
        return env, "ZOHO_MAX_CONCURRENCY"
    if case == "triggers":
        env["ORG_B_WRITE_TRIGGERS"] = "workflow,magic"
        return env, "ORG_B_WRITE_TRIGGERS"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case", ["missing", "non_loopback_http", "url_with_path", "concurrency", "triggers"]
)
def test_bad_config_exits_1_without_any_call(make_server: ServerFactory, case: str) -> None:
    srv = make_server(records=10)
    env, variable = _config_case(srv, case)
    bad = write_env_file(srv.dir / "bad.env", env)
    result = srv.run("--report", "report.json", env_file=bad)
    assert result.returncode == 1
    assert variable in result.stderr
    assert srv.sim.stats.calls == []
    assert not (srv.dir / "report.json").exists()  # configuration never validated
    assert result.stdout == ""


def test_missing_env_file_exits_1(make_server: ServerFactory) -> None:
    srv = make_server(records=10)
    result = srv.run(env_file=srv.dir / "absent.env")
    assert result.returncode == 1 and "--env-file" in result.stderr
    assert srv.sim.stats.calls == []


def _startup_case(srv: Server, case: str) -> tuple[dict[str, str], list[str]]:
    env = dict(srv.env)
    if case == "bad_refresh_token":
        env["ORG_B_REFRESH_TOKEN"] = "1000.wrong.token"
        return env, ["Org B", "ORG_B_REFRESH_TOKEN"]
    if case == "wrong_field":
        env["CRM_WORKDRIVE_URL_FIELD_API_NAME"] = "WorkDrive_Link"
        return env, ["CRM_WORKDRIVE_URL_FIELD_API_NAME", "WorkDrive_URL"]
    if case == "same_org":
        for key in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN"):
            env[f"ORG_B_{key}"] = env[f"ORG_A_{key}"]
        return env, ["same org"]
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["bad_refresh_token", "wrong_field", "same_org"])
def test_startup_problems_exit_1_before_any_data_is_read(
    make_server: ServerFactory, case: str
) -> None:
    srv = make_server(records=10)
    env, needles = _startup_case(srv, case)
    bad = write_env_file(srv.dir / "bad.env", env)
    result = srv.run("--report", "report.json", env_file=bad)
    assert result.returncode == 1
    for needle in needles:
        assert needle in result.stderr, result.stderr
    data_calls = [c for c in srv.sim.stats.calls if "/coql" in c.path or c.method == "PUT"]
    assert data_calls == []
    report: dict[str, Any] = srv.report()  # written: configuration was valid
    assert report["rows"] == [] and isinstance(report["run_id"], str) and report["run_id"]
    assert f"run {report['run_id']}" in result.stdout
    assert result.stderr.count("start-up problems") == 1, result.stderr
    assert "ERROR" not in result.stderr, result.stderr  # said once, not again by the logger
    history = srv.command("history", "--env-file", str(bad))
    line = next(ln for ln in history.stdout.splitlines() if ln.startswith(report["run_id"]))
    assert line.split()[2] == "failed", history.stdout


def test_no_secret_reaches_output_logs_report_or_journal(make_server: ServerFactory) -> None:
    srv = make_server(records=40)
    assert srv.run("--dry-run", "--report", "plan.json").returncode == 0
    plan = srv.report("plan.json")["rows"]
    victim = next(r for r in plan if r["class"] == "ready")
    srv.sim.org("B").lock_record(victim["b_id"])
    results = [srv.run("--report", "report.json"), srv.run("--dry-run", "--report", "r.csv")]
    assert results[0].returncode == 1
    secrets = [
        srv.sim.org(label).__getattribute__(attr)
        for label in ("A", "B")
        for attr in ("client_secret", "refresh_token")
    ]
    secrets += list(srv.sim.authority.access)  # every access token issued
    assert len(secrets) >= 6
    haystack = "".join(r.stdout + r.stderr for r in results)
    files = [p for p in srv.dir.rglob("*") if p.is_file() and p.name not in (".env", "tokens.json")]
    assert any(p.suffix == ".log" for p in files)
    # DESIGN §8's one exception: access tokens (only) in tokens.json, mode 0600
    tokens = srv.dir / ".fieldsync" / "tokens.json"
    assert tokens.stat().st_mode & 0o777 == 0o600
    cached = tokens.read_bytes()
    assert any(t.encode() in cached for t in srv.sim.authority.access)
    for value in secrets[:4]:  # client secrets and refresh tokens
        assert value.encode() not in cached
    assert any(p.name.startswith("journal.sqlite3") for p in files)
    blobs = haystack.encode() + b"".join(p.read_bytes() for p in files)
    assert victim["a_id"].encode() in blobs  # the haystack is real
    for value in secrets:
        assert value.encode() not in blobs, "a secret leaked"


@with_each_switch
def test_record_ids_and_limit_select_rows(make_server: ServerFactory) -> None:
    srv = make_server(records=40)
    classes = srv.demo.classes
    ready = sorted(a for a, c in classes.items() if c == "ready")
    ticked = next(a for a, c in classes.items() if c == "ticked")
    no_name = next(a for a, c in classes.items() if c == "no_name")
    missing = "5725767009999999999"
    args = ["--report", "report.json", "--limit", "1"]
    for a_id in (ready[2], ready[0], ticked, no_name, missing):
        args += ["--record-id", a_id]
    result = srv.run(*args)
    assert result.returncode == 0, result.stderr
    rows = {r["a_id"]: r for r in srv.report()["rows"]}
    assert rows[ready[0]]["outcome"] == "applied"  # --record-id first, then --limit 1
    assert rows[ready[2]]["outcome"] == "not_selected"
    assert rows[ready[1]]["outcome"] == "not_selected"
    assert rows[ticked]["outcome"] == "already_done" and rows[ticked]["class"] is None
    name_field = srv.sim.config.name_field
    assert rows[ticked]["name"] == srv.sim.org("A").get(ticked)[name_field]  # the raw name
    assert rows[missing]["name"] is None
    assert rows[no_name]["outcome"] == "no_name"
    assert rows[missing]["outcome"] == "not_found"
    assert f"{ticked}=already_done" in result.stdout and f"{missing}=not_found" in result.stdout
    counts = srv.report()["counts"]
    loaded = len([r for r in rows.values() if r["class"] is not None])
    assert sum(counts["outcomes"].values()) == sum(counts["classes"].values()) == loaded
    assert srv.sim.stats.writes_per_record[("B", rows[ready[0]]["b_id"])] == 1
    assert sum(srv.sim.stats.writes_per_record.values()) == 2  # one B write, one A tick


def test_allow_overwrite_and_newest_duplicate(make_server: ServerFactory) -> None:
    srv = make_server(records=60)
    modified = {
        b_id: (rec["Modified_Time"], int(b_id)) for b_id, rec in srv.sim.org("B").records().items()
    }
    before = srv.snapshot()
    result = srv.run("--allow-overwrite", "--on-duplicate", "newest", "--report", "report.json")
    assert result.returncode == 0, result.stderr
    rows = {r["a_id"]: r for r in srv.report()["rows"]}
    _, url, folder, box, updated = fields(srv)
    after = srv.snapshot()
    for a_id, klass in pending(srv).items():
        row = rows[a_id]
        if klass == "overwrite":
            assert row["outcome"] == "applied", row
            assert after["B"][row["b_id"]][url] == before["A"][a_id][url].strip()
            assert after["B"][row["b_id"]][updated] == a_id
        elif klass == "duplicate":
            newest = max(row["b_candidates"], key=lambda b: modified[b])
            assert row["b_id"] == newest, row
            assert row["outcome"] in ("applied", "ticked"), row
            assert after["B"][newest][folder] == before["A"][a_id][folder].strip()
            for other in set(row["b_candidates"]) - {newest}:
                assert after["B"][other] == before["B"][other]
        elif klass in ("unmatched", "conflict", "invalid"):
            assert row["outcome"] == "skipped"
            assert after["A"][a_id][box] is False
