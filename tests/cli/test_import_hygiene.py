"""--auto never imports textual; core/, the jobs (fields/, files/) and zoho/ import neither
textual nor rich (DESIGN §1).

httpx itself loads rich when it is installed (its optional CLI), so rich is checked
statically in our sources; textual is checked in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import fieldsync_tui

PACKAGE = Path(fieldsync_tui.__file__).parent


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PYTHONPATH": str(PACKAGE.parent)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )


def test_auto_run_never_imports_textual(tmp_path: Path) -> None:
    # a full --auto invocation that fails on configuration: it imports cli, auto, config …
    code = (
        "import sys\n"
        "from fieldsync_tui.cli import main\n"
        "code = main(['--auto', '--dry-run'])\n"
        "import fieldsync_tui.auto, fieldsync_tui.commands, fieldsync_tui.progress\n"
        "assert code == 1, code\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "assert not bad, bad\n"
        "assert 'fieldsync_tui.app' not in sys.modules\n"
        "print('ok')\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert "ORG_A_CLIENT_ID" in result.stderr


def test_core_jobs_and_zoho_do_not_import_textual(tmp_path: Path) -> None:
    modules = sorted(
        f"fieldsync_tui.{sub}.{p.stem}"
        for sub in ("core", "fields", "files", "zoho")
        for p in (PACKAGE / sub).glob("*.py")
        if p.stem != "__init__"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith('fieldsync_tui.simulator') or m == 'fieldsync_tui.app')\n"
        "assert not bad, bad\n"
        "print(len(sys.modules))\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sources_import_nothing_forbidden() -> None:
    core = [
        *sorted((PACKAGE / "core").glob("*.py")),
        *sorted((PACKAGE / "fields").glob("*.py")),
        *sorted((PACKAGE / "files").glob("*.py")),
        *sorted((PACKAGE / "zoho").glob("*.py")),
    ]
    headless = [PACKAGE / n for n in ("cli.py", "auto.py", "commands.py", "config.py", "logs.py")]
    assert len(core) > 15
    for source in core:
        for name in _imports(source):
            assert not name.startswith(("textual", "rich", "fieldsync_tui.simulator")), (
                f"{source.name} imports {name}"
            )
    for source in headless:
        for name in _imports(source):
            assert not name.startswith("textual"), f"{source.name} imports {name}"


def test_demo_auto_runs_headless_without_textual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from fieldsync_tui.cli import main\n"
        "code = main(['--demo', '--auto', '--dry-run', '--report', 'r.json'])\n"
        "assert code == 0, code\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rows loaded:" in result.stdout and "(dry run)" in result.stdout
    assert (tmp_path / "r.json").exists()
    assert not (tmp_path / ".fieldsync").exists()  # demo state is temporary


def test_zoho_does_not_load_textual_simulator_core_or_jobs(tmp_path: Path) -> None:
    code = (
        "import sys, fieldsync_tui.zoho.client, fieldsync_tui.zoho.regions, "
        "fieldsync_tui.zoho.query, fieldsync_tui.zoho.retry, fieldsync_tui.zoho.auth\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith(('fieldsync_tui.simulator', 'fieldsync_tui.core', "
        "'fieldsync_tui.fields', 'fieldsync_tui.files'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_zoho_sources_import_nothing_forbidden() -> None:
    """zoho/ knows nothing of syncing: no textual, rich, simulator or sync import."""
    forbidden = (
        "textual",
        "rich",
        "fieldsync_tui.simulator",
        "fieldsync_tui.core",
        "fieldsync_tui.fields",
        "fieldsync_tui.files",
    )
    sources = sorted((PACKAGE / "zoho").glob("*.py"))
    assert len(sources) >= 10
    for source in sources:
        for name in _imports(source):
            assert not name.startswith(forbidden), f"{source.name} imports {name}"
