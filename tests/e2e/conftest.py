"""End-to-end: the simulator on a real loopback socket, ``fieldsync`` as a subprocess."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.dataset import DemoSummary, populate_demo
from fieldsync_tui.simulator.server import serve

OUR_PREFIXES = ("ORG_", "ZOHO_", "CRM_", "FIELDSYNC_", "LOG_DIR")
VOLATILE = {"Modified_Time", "Modified_By", "Created_Time", "Created_By", "Owner"}


def clean_environ() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_PREFIXES)}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def write_env_file(path: Path, values: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    path.chmod(0o600)
    return path


@dataclass
class Server:
    sim: Simulator
    url: str
    dir: Path
    demo: DemoSummary
    env: dict[str, str] = field(default_factory=dict)

    @property
    def env_file(self) -> Path:
        return self.dir / ".env"

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "fieldsync_tui", *args]

    def run(self, *args: str, env_file: Path | None = None) -> subprocess.CompletedProcess[str]:
        cmd = self.argv("--auto", "--env-file", str(env_file or self.env_file), *args)
        return subprocess.run(
            cmd, capture_output=True, text=True, cwd=self.dir, env=clean_environ(), timeout=90
        )

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``fieldsync <args>`` (no ``--auto`` added)."""
        return subprocess.run(
            self.argv(*args),
            capture_output=True,
            text=True,
            cwd=self.dir,
            env=clean_environ(),
            timeout=90,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        cmd = self.argv("--auto", "--env-file", str(self.env_file), *args)
        return subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.dir,
            env=clean_environ(),
        )

    def report(self, name: str = "report.json") -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.dir / name).read_text(encoding="utf-8"))
        return data

    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Both orgs' records without the fields every write changes."""
        return {
            label: {
                rid: {k: v for k, v in rec.items() if k not in VOLATILE}
                for rid, rec in self.sim.org(label).records().items()
            }
            for label in ("A", "B")
        }

    def puts(self) -> int:
        return sum(1 for c in self.sim.stats.calls if c.method == "PUT")


ServerFactory = Callable[..., Server]


SINGLE_SWITCHES: dict[str, dict[str, Any]] = {
    "bare_boolean_refused": {"coql_bare_boolean_refused": True},
    "quoted_boolean_refused": {"coql_quoted_boolean_refused": True},
    "id_compare_refused": {"coql_id_compare_refused": True},
    "offset_refused": {"coql_offset_refused": True},
    "no_credits_header": {"credits_header": False},
    "ids_any_order": {"ids_any_order": True},
    "ids_silently_capped": {"ids_silent_cap": 30},
}
"""ZOHO_API.md §17's doubts, one simulator switch each (issue 9, point 6)."""
_COMBINABLE = {k: v for s in SINGLE_SWITCHES.values() for k, v in s.items()}
COMBINED: dict[str, dict[str, Any]] = {
    "all_but_bare_boolean": {**_COMBINABLE, "coql_bare_boolean_refused": False},
    "all_but_quoted_boolean": {**_COMBINABLE, "coql_quoted_boolean_refused": False},
}
"""Every switch that combines (the two boolean switches exclude each other)."""
SWITCH_SETS = [{}, *SINGLE_SWITCHES.values(), *COMBINED.values()]
SWITCH_IDS = ["documented", *SINGLE_SWITCHES, *COMBINED]
with_each_switch = pytest.mark.parametrize("switches", SWITCH_SETS, ids=SWITCH_IDS)
"""Run an e2e test once as documented, once per switch on its own, once per combination."""
with_switches_flipped = pytest.mark.parametrize("switches", SWITCH_SETS[1:], ids=SWITCH_IDS[1:])
"""The same without the documented run (for a test that has one already)."""


@pytest.fixture
def switches() -> dict[str, Any]:
    """Simulator switches every server of a test gets (parametrised by ``with_each_switch``)."""
    return {}


@pytest.fixture
def make_server(tmp_path: Path, switches: dict[str, Any]) -> Iterator[ServerFactory]:
    with ExitStack() as stack:
        count = 0

        def factory(
            records: int = 60,
            seed: int = 3,
            config: SimConfig | None = None,
            extra_env: dict[str, str] | None = None,
        ) -> Server:
            nonlocal count
            count += 1
            sim = Simulator(dataclasses.replace(config or SimConfig(seed=seed), **switches))
            demo = populate_demo(sim, records=records, seed=seed)
            url = stack.enter_context(serve(sim))
            folder = tmp_path / f"site{count}"
            folder.mkdir()
            env = {**sim.env(url), **(extra_env or {})}
            write_env_file(folder / ".env", env)
            return Server(sim, url, folder, demo, env)

        yield factory


def summary_counts(stdout: str) -> dict[str, dict[str, int]]:
    """``classes: a=1 b=2`` / ``outcomes: …`` lines of the --auto summary."""
    out: dict[str, dict[str, int]] = {}
    for line in stdout.splitlines():
        key, _, rest = line.partition(": ")
        if key in ("classes", "outcomes"):
            out[key] = {k: int(v) for k, v in (p.split("=") for p in rest.split())}
        elif key == "rows loaded":
            out["loaded"] = {"rows": int(rest)}
    return out


from .filesite import files_site  # noqa: E402,F401  (the files job's fixture)
