"""The apply preview (``core.port.Preview``, from the job) as (label, value) lines for the
confirm modal: the job's own lines, then bytes when the job moves files."""

from __future__ import annotations

from fieldsync_tui.core.port import Preview


def preview_lines(preview: Preview) -> list[tuple[str, str]]:
    lines = list(preview.lines)
    if preview.bytes is not None:
        lines.append(("bytes to copy", f"{preview.bytes:,}"))
    return lines
