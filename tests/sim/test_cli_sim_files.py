"""``fieldsync sim`` also serves attachments (Org A) and WorkDrive (Org B) and prints the files
job's variables (DESIGN §9.1): the checkbox exists in Org A's metadata as a boolean, and the
team folder is a WorkDrive team folder holding the demo's sub-folders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from .test_cli_sim import _read_env

ACCEPT = {"Accept": "application/vnd.api+json"}


def _token(client: httpx.Client, env: dict[str, str], org: str) -> dict[str, str]:
    params = {
        "grant_type": "refresh_token",
        "client_id": env[f"ORG_{org}_CLIENT_ID"],
        "client_secret": env[f"ORG_{org}_CLIENT_SECRET"],
        "refresh_token": env[f"ORG_{org}_REFRESH_TOKEN"],
    }
    token = client.post("/oauth/v2/token", data=params).json()["access_token"]
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def test_fieldsync_sim_serves_the_files_side(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "fieldsync_tui", "sim", "--port", "0", "--records", "150"]
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
        env = dict(line.split("=", 1) for line in lines if not line.startswith("#"))
        assert env["CRM_FILES_CHECKBOX_FIELD_API_NAME"] == "Files_Transferred"
        team_folder = env["ORG_B_TEAM_FOLDER_ID"]
        with httpx.Client(base_url=env["ORG_B_API_URL"], timeout=10) as client:
            a = _token(client, env, "A")
            module = env["CRM_MODULE_API_NAME"]
            fields = client.get("/crm/v8/settings/fields", params={"module": module}, headers=a)
            types = {f["api_name"]: f["data_type"] for f in fields.json()["fields"]}
            assert types[env["CRM_FILES_CHECKBOX_FIELD_API_NAME"]] == "boolean"
            b = {**_token(client, env, "B"), **ACCEPT}
            team = client.get(f"/workdrive/api/v1/teamfolders/{team_folder}", headers=b)
            assert team.status_code == 200 and team.json()["data"]["type"] == "teamfolders"
            listing = client.get(
                f"/workdrive/api/v1/files/{team_folder}/files",
                params={"page[limit]": "50", "sort": "name", "filter[type]": "folder"},
                headers=b,
            )
            assert len(listing.json()["data"]) == 50
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0 and out == "", err
        assert "/workdrive/api/v1/files/" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
