"""A 100 MB attachment copied to WorkDrive in a fresh process: the peak RSS barely moves.

Runs ``bench/files_transfer.py`` (simulator and both clients in one process) so the
high-water mark is that of the copy alone, not of the test session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "files_transfer.py"


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["in-process", "loopback"])
def test_100_mb_download_and_upload_stay_under_50_mb_of_rss(transport: str) -> None:
    argv = [sys.executable, str(SCRIPT), "--mb", "100"]
    if transport == "loopback":
        argv.append("--loopback")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["transport"] == transport and result["mb"] == 100
    assert result["md5_ok"] and result["stored_name_ok"]
    assert result["rss_rise_mb"] < 50, result
