"""``fieldsync sim`` through the real command line (DESIGN §3): .env on stdout, logs on stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

DESIGN_KEYS = {
    "ZOHO_REGION",
    *(f"ORG_{x}_{k}" for x in "AB" for k in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")),
    *(f"ORG_{x}_{k}" for x in "AB" for k in ("ACCOUNTS_URL", "API_URL")),
    "CRM_MODULE_API_NAME",
    "CRM_CHECKBOX_FIELD_API_NAME",
    "CRM_RECORD_NAME_FIELD_API_NAME",
    "CRM_WORKDRIVE_URL_FIELD_API_NAME",
    "CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME",
    "CRM_RECORD_UPDATED_FROM_FIELD_API_NAME",
}
RECORDS = 1000
LATENCY_MS = 40


def _read_env(proc: subprocess.Popen[str]) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.strip() == "# ready":
            break
    return lines


def _count_a_records(client: httpx.Client, env: dict[str, str]) -> int:
    token = client.post(
        "/oauth/v2/token",
        params={
            "grant_type": "refresh_token",
            "client_id": env["ORG_A_CLIENT_ID"],
            "client_secret": env["ORG_A_CLIENT_SECRET"],
            "refresh_token": env["ORG_A_REFRESH_TOKEN"],
        },
    ).json()["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    total, page = 0, 1
    while True:
        started = time.monotonic()
        resp = client.get(
            f"/crm/v8/{env['CRM_MODULE_API_NAME']}",
            params={"fields": env["CRM_RECORD_NAME_FIELD_API_NAME"], "page": str(page)},
            headers=headers,
        )
        assert time.monotonic() - started >= LATENCY_MS / 1000  # --latency-ms honoured
        if resp.status_code == 204:
            return total
        total += resp.json()["info"]["count"]
        if not resp.json()["info"]["more_records"]:
            return total
        page += 1


def test_fieldsync_sim_prints_a_complete_env_and_nothing_else(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "fieldsync_tui", "sim", "--port", "0"]
    argv += ["--records", str(RECORDS), "--seed", "5", "--latency-ms", str(LATENCY_MS)]
    proc = subprocess.Popen(
        argv,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = _read_env(proc)
        assert lines and lines[-1] == "# ready", lines
        comments = [line for line in lines if line.startswith("#")]
        assert any("fake" in c.lower() for c in comments[:-1])
        pairs = [line.split("=", 1) for line in lines if not line.startswith("#")]
        env = {k: v for k, v in pairs}
        assert len(env) == len(pairs) and set(env) >= DESIGN_KEYS
        base_url = env["ORG_A_API_URL"]
        assert base_url.startswith("http://127.0.0.1:") and not base_url.endswith(":0")
        assert {env[f"ORG_{x}_{k}"] for x in "AB" for k in ("ACCOUNTS_URL", "API_URL")} == {
            base_url
        }
        with httpx.Client(base_url=base_url, timeout=10) as client:
            assert _count_a_records(client, env) == RECORDS
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert out == ""
        assert "GET /crm/v8/Contacts" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
