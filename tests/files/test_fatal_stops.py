"""A files apply stopped by a fatal error (DESIGN §9.5 "Fatal") and by an unexpected one,
in-process over the simulator: spent credits and authentication failures share
``fatal_reason`` with storage full — files in flight finish or are abandoned after the grace
period, the rest are ``failed`` with ``step: null``, exit 1, the report written with the run
id. The grace period is shortened here (30 s in a real run)."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldsync_tui.config import load_settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.files import protocol
from fieldsync_tui.files_auto import FilesAutoOptions, run_files_auto
from fieldsync_tui.simulator import SimConfig, Simulator

KB = 1024
NAMES = ("Ann Held", "Ben Fatal", "Cy Later")
Answer = Callable[[httpx.Request], httpx.Response]


class Trouble(httpx.AsyncBaseTransport):
    """The simulator, except: the download of ``held`` waits ``hold_s`` (forever: None) and
    the download of ``fatal`` gets ``answer``."""

    def __init__(self, sim: Simulator, held: str, fatal: str, answer: Answer) -> None:
        self.inner = sim.transport()
        self.held, self.fatal, self.answer = held, fatal, answer
        self.hold_s: float | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith(f"/Attachments/{self.fatal}"):
            return self.answer(request)
        if path.endswith(f"/Attachments/{self.held}"):
            await asyncio.sleep(3600 if self.hold_s is None else self.hold_s)
        return await self.inner.handle_async_request(request)


def credits_spent(_: httpx.Request) -> httpx.Response:
    body = {"code": "TOO_MANY_REQUESTS", "message": "credits exhausted", "status": "error"}
    return httpx.Response(429, json=body, headers={"X-API-CREDITS-REMAINING": "0"})


def token_refused(_: httpx.Request) -> httpx.Response:
    body = {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token"}
    return httpx.Response(401, json={**body, "status": "error"})


def world(tmp_path: Path) -> tuple[Simulator, dict[str, str], dict[str, str], Any]:
    sim = Simulator(SimConfig(seed=5))
    a, drive = sim.org("A"), sim.org("B").workdrive
    cfg = sim.config
    records, atts = {}, {}
    for i, name in enumerate(NAMES):
        rid = a.add_record({cfg.name_field: name})
        records[name] = rid
        drive.add_folder(sim.team_folder_id, name)
        atts[name] = a.attachments.add_file(rid, f"f{i}.pdf", 2 * KB, seed=i)
    env = dict(sim.env("http://127.0.0.1"))
    env |= {"FIELDSYNC_STATE_DIR": str(tmp_path / "state"), "LOG_DIR": str(tmp_path / "logs")}
    env |= {"ZOHO_MAX_CONCURRENCY": "2", "ZOHO_RETRY_SECONDS": "1"}
    return sim, records, atts, load_settings(environ=env, cwd=tmp_path)


def run(settings: Any, transport: httpx.AsyncBaseTransport, report: Path) -> tuple[int, str]:
    err = io.StringIO()
    options = FilesAutoOptions(report=report)
    code = run_files_auto(settings, options, transport=transport, stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


@pytest.mark.parametrize(
    ("answer", "says"),
    [(credits_spent, "credits spent"), (token_refused, "access token")],
)
@pytest.mark.parametrize("in_flight", ["finishes", "abandoned"])
def test_a_fatal_error_stops_the_run_the_rest_failed_step_null(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: Answer, says: str, in_flight: str
) -> None:
    # finishes: 0.2 s in flight, well within the grace; abandoned: held past a short grace
    monkeypatch.setattr(protocol, "IN_FLIGHT_GRACE", 30.0 if in_flight == "finishes" else 0.3)
    sim, records, atts, settings = world(tmp_path)
    held, fatal, later = NAMES
    transport = Trouble(sim, atts[held], atts[fatal], answer)
    transport.hold_s = 0.2 if in_flight == "finishes" else None
    code, err = run(settings, transport, tmp_path / "r.json")
    assert code == 1, err
    report = json.loads((tmp_path / "r.json").read_text())
    rows = {r["name"]: r for r in report["rows"]}
    assert says in report["stopped_reason"].lower() and report["run_id"]
    with Journal.open(settings.state_dir) as journal:
        run_record = journal.get_run(report["run_id"])
    assert run_record is not None and run_record.status == "failed"
    for name in (fatal, later):
        assert (rows[name]["outcome"], rows[name]["step"]) == ("failed", None), rows[name]
        assert rows[name]["files"][0]["outcome"] != "copied"
    drive = sim.org("B").workdrive
    landed = {
        f.name
        for folder in drive.children(sim.team_folder_id)
        for f in drive.children(folder.id)
        if not f.is_folder
    }
    first = rows[held]
    assert first["step"] is None and first["code"] == "STOPPED"
    if in_flight == "finishes":  # it finished within the grace period: there, not ticked
        assert landed == {"f0.pdf"} and first["outcome"] == "partial"
        assert first["files"][0]["outcome"] == "copied"
    else:  # abandoned after the grace period, never uploaded
        assert landed == set() and first["outcome"] == "failed"
    assert not any(sim.org("A").get(r).get("Files_Transferred") for r in records.values())


def test_an_unexpected_error_during_apply_is_journalled_failed_and_reported_with_its_run_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, _, _, settings = world(tmp_path)

    async def broken(*_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(protocol, "_tick", broken)
    code, err = run(settings, sim.transport(), tmp_path / "r.json")
    assert code == 1 and "unexpected RuntimeError: boom" in err
    report = json.loads((tmp_path / "r.json").read_text())
    with Journal.open(settings.state_dir) as journal:
        runs = journal.list_runs(5)
    assert [r.status for r in runs] == ["failed"]  # one run, the apply's
    assert report["run_id"] == runs[0].id
