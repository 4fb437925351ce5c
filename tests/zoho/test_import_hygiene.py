"""zoho/ imports neither textual, rich, the simulator nor the sync core.

Note: httpx itself imports rich (via its optional CLI, ``httpx._main``) when rich is installed,
so "rich not in sys.modules" cannot hold for any httpx user; our own sources are checked
statically for rich instead.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import fieldsync_tui.zoho

ZOHO_DIR = Path(fieldsync_tui.zoho.__file__).parent
FORBIDDEN = ("textual", "rich", "fieldsync_tui.simulator", "fieldsync_tui.sync")


def test_zoho_does_not_load_textual_simulator_or_sync() -> None:
    code = (
        "import sys, fieldsync_tui.zoho.client, fieldsync_tui.zoho.regions, "
        "fieldsync_tui.zoho.query, fieldsync_tui.zoho.retry, fieldsync_tui.zoho.auth\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith(('fieldsync_tui.simulator', 'fieldsync_tui.sync'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_zoho_sources_import_nothing_forbidden() -> None:
    sources = sorted(ZOHO_DIR.glob("*.py"))
    assert len(sources) >= 10
    for source in sources:
        for name in _imports(source):
            assert not name.startswith(FORBIDDEN), f"{source.name} imports {name}"
