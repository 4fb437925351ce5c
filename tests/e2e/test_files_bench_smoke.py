"""``bench/files_bench.py`` end to end on a handful of records (a smoke test, not a timing).

Both flows run in their child processes on identical data; the old serial flow's end state
must show what the benchmark is there to show (the refused file missing, its record ticked
anyway), and fieldsync's must be clean.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "files_bench.py"
SMALL = ["--records", "12", "--folders", "30", "--serial-records", "12", "--big-mb", "2"]
FAST = ["--latency-ms", "0", "--bandwidth-mbps", "1000"]


@pytest.mark.slow
def test_files_bench_runs_both_flows_on_the_same_data(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    argv = [sys.executable, str(SCRIPT), *SMALL, *FAST, "--json", str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["data"]["identical"] and len(report["data"]["fingerprints"]) == 2
    serial = report["serial"]["verify"]["counts"]
    assert serial["records"] == 12 and serial["missing_failing"] == 1
    assert serial["ticked_too_early"] >= 1
    ours = report["fieldsync"]["verify"]["counts"]
    assert ours["records"] == 12 and ours["missing_failing"] == 1
    assert ours["files_present"] == ours["files_expected"] - 1
    for flaw in ("files_missing_by_flow", "ticked_too_early", "uploaded_twice", "a_fields_wrong"):
        assert ours.get(flaw, 0) == 0, flaw
    assert report["fieldsync"]["a_writes"] == 2  # one PUT of fields, one of ticks
    assert "serial flow: one call at a time, on all 12 records" in done.stdout
