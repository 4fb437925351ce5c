"""``e``: the current filter's rows as CSV — the report's columns and formula guard."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fieldsync_tui.atomicfile import atomic_write_text


def export_path(directory: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return directory / f"fieldsync-export-{stamp}.csv"


def write_csv(text: str, path: Path) -> Path:
    """Write ``text`` (the job's CSV) atomically (temp file + rename), creating the folder;
    returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    return path
