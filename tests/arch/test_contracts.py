"""The import-linter contracts in pyproject.toml hold, and they catch a wrong-way import.

A throw-away ``fieldsync_tui`` with every module the contracts name is built in a temporary
directory; ``lint-imports`` runs on it (subprocess, the contracts copied from pyproject) once
clean and once with each wrong-way import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"

MODULES = (
    "__init__",
    "cli",
    "app",
    "auto",
    "commands",
    "progress",
    "screens/__init__",
    "widgets/__init__",
    "fields/__init__",
    "files/__init__",
    *(
        f"files/{name}"
        for name in (
            "decisions",
            "folders",
            "match",
            "model",
            "names",
            "plan",
            "policy",
            "presence",
            "projection",
            "recheck",
            "report",
            "selection",
        )
    ),
    "files_auto",
    "files_commands",
    "files_console",
    "clients",
    "config",
    "envvars",
    "core/__init__",
    "core/model",
    "zoho/__init__",
    "logs",
    "secret",
    "text",
    "simulator/__init__",
)
# each layer importing the one below it: the clean package keeps every contract
CLEAN = {
    "cli": "import fieldsync_tui.app\nimport fieldsync_tui.simulator\n",
    "app": "import fieldsync_tui.screens\nimport textual\n",
    "screens/__init__": "import fieldsync_tui.widgets\nimport rich\n",
    "widgets/__init__": "import fieldsync_tui.fields\n",
    "fields/__init__": "import fieldsync_tui.config\nimport fieldsync_tui.zoho\n",
    "files/__init__": "import fieldsync_tui.core.model\nimport fieldsync_tui.zoho\n",
    "config": "import fieldsync_tui.core.model\n",
    "core/model": "import fieldsync_tui.zoho\n",
    "zoho/__init__": "import fieldsync_tui.text\n",
}


def contracts() -> str:
    """The ``[tool.importlinter]`` tables of pyproject.toml, as TOML text."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.importlinter]")
    end = text.find("\n[tool.", start + 1)
    while end != -1 and text.startswith("\n[tool.importlinter", end):
        end = text.find("\n[tool.", end + 1)
    return text[start : end if end != -1 else len(text)]


def lint(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    pkg = tmp_path / "fieldsync_tui"
    for name in MODULES:
        path = pkg / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CLEAN.get(name, "") + extra.get(name, ""), encoding="utf-8")
    config = tmp_path / "contracts.toml"
    config.write_text(contracts(), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run(
        [str(LINT), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_the_real_package_keeps_every_contract() -> None:
    result = subprocess.run(
        [str(LINT), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_a_clean_throwaway_package_keeps_every_contract(tmp_path: Path) -> None:
    result = lint(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "wrong", "contract"),
    [
        ("core/model", "import fieldsync_tui.fields\n", "the core knows no job"),
        ("core/model", "from fieldsync_tui.config import x\n", "the core knows no job"),
        ("zoho/__init__", "import fieldsync_tui.core.model\n", "jobs → core → zoho"),
        ("fields/__init__", "import fieldsync_tui.screens\n", "jobs → core → zoho"),
        ("fields/__init__", "import textual.app\n", "import neither textual nor rich"),
        ("files/__init__", "import fieldsync_tui.fields\n", "jobs → core → zoho"),
        ("fields/__init__", "import fieldsync_tui.files\n", "jobs → core → zoho"),
        ("files/__init__", "import rich\n", "import neither textual nor rich"),
        ("files/plan", "import httpx\n", "the files job's planning is pure"),
        ("files/model", "import fieldsync_tui.config\n", "the files job's planning is pure"),
        ("core/model", "import fieldsync_tui.envvars\n", "the core knows no job"),
        ("screens/__init__", "import fieldsync_tui.simulator\n", "import the simulator"),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(
    tmp_path: Path, module: str, wrong: str, contract: str
) -> None:
    result = lint(tmp_path, {module: wrong})
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
