"""No module in ``fieldsync_tui/`` is over 400 lines (issue 7): a module that grows past it is
split along a seam, not left to grow."""

from __future__ import annotations

from pathlib import Path

import fieldsync_tui

PACKAGE = Path(fieldsync_tui.__file__).parent
MAX_LINES = 400


def oversized(package: Path, limit: int = MAX_LINES) -> dict[str, int]:
    """Modules under ``package`` with more than ``limit`` lines, by path relative to it."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            out[path.relative_to(package).as_posix()] = lines
    return out


def test_no_module_is_over_400_lines() -> None:
    assert oversized(PACKAGE) == {}, f"split these modules (over {MAX_LINES} lines)"


def test_the_check_sees_a_long_module(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert oversized(tmp_path) == {"sub/long.py": MAX_LINES + 1}
