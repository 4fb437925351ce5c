"""First contact with an org whose answers the documents do not promise (issue 9):
``check --probe``, an unreachable accounts server, the token throttle, spent credits
without the header."""

from __future__ import annotations

import io
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from fieldsync_tui.commands import check
from fieldsync_tui.config import load_settings
from fieldsync_tui.simulator import SimConfig

from .conftest import ServerFactory, write_env_file

PROBE_SWITCHES = {"coql_quoted_boolean_refused": True, "coql_id_compare_refused": True}


def coql_failures(calls: list[Any]) -> int:
    return sum(1 for c in calls if "/coql" in c.path and c.status >= 400)


def test_check_probe_prints_stores_and_the_run_spends_no_failed_call(
    make_server: ServerFactory,
) -> None:
    srv = make_server(records=40, config=SimConfig(seed=3, **PROBE_SWITCHES))
    result = srv.command("check", "--probe", "--env-file", str(srv.env_file))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "boolean literal 'false' (quoted): refused (INVALID_QUERY)" in out
    assert "boolean literal false (bare): accepted" in out
    assert "COQL keyset paging (id > N order by id): refused (INVALID_QUERY)" in out
    assert "COQL limit/offset paging: accepted" in out
    assert "Get Records (fields, page_token): accepted" in out
    assert "Bulk Read: not probed (a job costs 50 credits)" in out
    assert "reads will take: coql_offset → get_records → bulk" in out
    assert "check passed" in out
    probe_credits = sum(c.credits for c in srv.sim.stats.calls)
    assert probe_credits <= 15 + 2 * 2  # ≤ ~15 for the probes, plus org + fields per org
    forms = json.loads((srv.dir / ".fieldsync" / "zoho_forms.json").read_text())
    assert len(forms) == 2 and all("coql_keyset" in f["refused"] for f in forms.values())

    srv.sim.stats.reset()
    run = srv.run("--report", "report.json")
    assert run.returncode == 0, run.stderr
    assert coql_failures(srv.sim.stats.calls) == 0  # every form learnt is used
    assert srv.report()["reads"] == {"org_a": "coql_offset", "org_b": "coql_offset"}


def test_the_ladder_learns_by_itself_and_says_which_road(make_server: ServerFactory) -> None:
    srv = make_server(records=40, config=SimConfig(seed=3, **PROBE_SWITCHES))
    run = srv.run("--report", "report.json")
    assert run.returncode == 0, run.stderr
    assert srv.report()["reads"] == {"org_a": "coql_offset", "org_b": "coql_offset"}
    # A: the boolean once, keyset once; B (no boolean in its query): keyset once
    assert coql_failures(srv.sim.stats.calls) == 3
    log = "".join(p.read_text() for p in (srv.dir / "logs").glob("*.log"))
    assert "read Contacts by coql_offset" in log


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_check_against_a_closed_port_fails_in_seconds_naming_the_host(
    make_server: ServerFactory,
) -> None:
    srv = make_server(records=5)
    dead = f"http://127.0.0.1:{closed_port()}"
    env = dict(srv.env, ORG_A_ACCOUNTS_URL=dead, ORG_B_ACCOUNTS_URL=dead)
    env.update(ORG_A_API_URL=dead, ORG_B_API_URL=dead)
    bad = write_env_file(srv.dir / "dead.env", env)
    started = time.monotonic()
    result = srv.command("check", "--env-file", str(bad))
    # not retried for ZOHO_RETRY_SECONDS (60 s here); the margin is a loaded machine's start-up
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert "cannot reach 127.0.0.1 (" in result.stderr
    assert "check the network, the region and the URL variables" in result.stderr
    assert "refresh budget" not in result.stderr and "CLIENT_SECRET" not in result.stderr


def _check(env_file: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = check(load_settings(environ={}, env_file=env_file), stdout=out)
    return code, out.getvalue()


def test_twelve_checks_in_a_minute_under_the_token_throttle(
    make_server: ServerFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    srv = make_server(records=5)
    for _ in range(12):
        code, out = _check(srv.env_file)
        assert code == 0 and "check passed" in out, capsys.readouterr().err
    assert dict(srv.sim.stats.grants) == {"A": 1, "B": 1}  # one token each, then the cache
    tokens = srv.dir / ".fieldsync" / "tokens.json"
    assert tokens.stat().st_mode & 0o777 == 0o600
    cached = tokens.read_text(encoding="utf-8")
    for label in "AB":
        org = srv.sim.org(label)
        assert org.refresh_token not in cached and org.client_secret not in cached
        assert org.client_id not in cached  # keyed by a hash

    off = write_env_file(srv.dir / "off.env", dict(srv.env, FIELDSYNC_TOKEN_CACHE="off"))
    codes = [_check(off)[0] for _ in range(10)]
    assert codes[:9] == [0] * 9 and codes[9] == 1  # 1 + 9 refreshes: Zoho's 10 are spent
    err = capsys.readouterr().err
    assert "wait up to 10 minutes" in err and "CLIENT_SECRET" not in err.split("throttle")[-1]


def test_a_401_drops_the_cached_token(make_server: ServerFactory) -> None:
    srv = make_server(records=5)
    assert _check(srv.env_file)[0] == 0
    srv.sim.faults.revoke_tokens("A")
    assert _check(srv.env_file)[0] == 0  # the cached token is refused, a new one works
    assert dict(srv.sim.stats.grants) == {"A": 2, "B": 1}


def test_credits_without_the_header_stop_the_run(make_server: ServerFactory) -> None:
    srv = make_server(
        records=400,
        seed=5,
        config=SimConfig(seed=5, credits_header=False),
        extra_env={"ZOHO_RETRY_SECONDS": "2", "ZOHO_MAX_CONCURRENCY": "1"},
    )
    original = srv.sim.stats.record
    spent: list[bool] = []

    def spend_on_first_put(call: Any) -> None:
        original(call)
        if call.method == "PUT" and not spent:
            spent.append(True)
            srv.sim.faults.spend_credits("B")

    srv.sim.stats.record = spend_on_first_put  # type: ignore[method-assign]
    started = time.monotonic()
    result = srv.run("--report", "report.json")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "credits may be spent, or the org is throttled" in said
    assert elapsed < 2 + 15  # ZOHO_RETRY_SECONDS + one batch, not a minute per batch
    report = srv.report()
    rows = [r for r in report["rows"] if r["class"]]
    attempted_failures = [r for r in rows if r["outcome"] == "failed" and r["step"]]
    assert len(attempted_failures) <= 100  # at most the batch in flight: no pile
    assert report["counts"]["outcomes"]["applied"] > 0
    assert sum(report["counts"]["outcomes"].values()) == len(rows)


def test_check_says_workdrive_in_uk_is_unconfirmed(make_server: ServerFactory) -> None:
    srv = make_server(records=5, extra_env={"ORG_B_REGION": "uk", "ORG_A_REGION": "ae"})
    result = srv.command("check", "--env-file", str(srv.env_file))
    assert result.returncode == 0, result.stderr
    assert "region uk" in result.stdout and "region ae" in result.stdout
    note = "Org B: note: no Zoho page lists WorkDrive in region uk; the files job uses "
    assert note + "https://www.zohoapis.uk/workdrive/api/v1 (unconfirmed)" in result.stdout
    assert "Org A: note" not in result.stdout
