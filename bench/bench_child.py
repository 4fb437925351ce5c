"""Running one approach of a benchmark in its own child process (so its memory is its own).

The child is the benchmark script itself with ``--worker NAME --worker-out PATH``; it writes
its result as JSON to PATH and its progress to stderr (passed through).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def run_child(argv: list[str], worker: str, bench: str) -> dict[str, Any]:
    """Run ``argv --worker worker --worker-out …`` and return the JSON the child wrote."""
    sys.stderr.write(f"{bench}: running {worker} in a child process …\n")
    sys.stderr.flush()
    with tempfile.TemporaryDirectory(prefix=f"{bench}-") as tmp:
        out = Path(tmp) / "result.json"
        argv = [*argv, "--worker", worker, "--worker-out", str(out)]
        done = subprocess.run(argv, stdout=sys.stderr, check=False)
        if done.returncode != 0 or not out.is_file():
            raise SystemExit(f"{bench}: the {worker} child failed (exit {done.returncode})")
        result: dict[str, Any] = json.loads(out.read_text())
    return result
