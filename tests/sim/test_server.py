"""The simulator over a real loopback socket, and ``fieldsync sim`` as a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.server import serve


async def test_serve_on_loopback_socket() -> None:
    sim = Simulator(SimConfig(real_time=False))
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    with serve(sim) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        env = sim.env(base_url)
        async with httpx.AsyncClient(base_url=base_url) as client:
            token = await client.post(
                "/oauth/v2/token",
                data={
                    "grant_type": "refresh_token",
                    "client_id": env["ORG_A_CLIENT_ID"],
                    "client_secret": env["ORG_A_CLIENT_SECRET"],
                    "refresh_token": env["ORG_A_REFRESH_TOKEN"],
                },
            )
            assert token.json()["api_domain"] == base_url
            headers = {"Authorization": f"Zoho-oauthtoken {token.json()['access_token']}"}
            resp = await client.get(f"/crm/v8/Contacts/{rid}", headers=headers)
            assert resp.json()["data"][0]["Full_Name"] == "Acme"
            sim.faults.drop_next(1)
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/crm/v8/org", headers=headers)


def test_main_sim_subprocess_prints_env_then_serves_until_sigint() -> None:
    code = (
        "import sys; from fieldsync_tui.simulator.server import main_sim; "
        "sys.exit(main_sim(['--port', '0', '--records', '50', '--seed', '3']))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.strip() == "# ready":
                break
        assert lines[-1] == "# ready", lines
        assert lines[0].startswith("#") and "fake" in lines[0].lower()
        env = dict(line.split("=", 1) for line in lines[1:-1])
        base_url = env["ORG_A_API_URL"]
        assert base_url.startswith("http://127.0.0.1:") and env["ORG_B_ACCOUNTS_URL"] == base_url
        with httpx.Client(base_url=base_url) as client:
            token = client.post(
                "/oauth/v2/token",
                data={
                    "grant_type": "refresh_token",
                    "client_id": env["ORG_B_CLIENT_ID"],
                    "client_secret": env["ORG_B_CLIENT_SECRET"],
                    "refresh_token": env["ORG_B_REFRESH_TOKEN"],
                },
            ).json()["access_token"]
            resp = client.get(
                "/crm/v8/Contacts",
                params={"fields": env["CRM_RECORD_NAME_FIELD_API_NAME"]},
                headers={"Authorization": f"Zoho-oauthtoken {token}"},
            )
        assert resp.status_code == 200 and resp.json()["info"]["count"] > 50
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert out == ""  # nothing else on stdout: logs go to stderr
        assert "GET /crm/v8/Contacts" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
