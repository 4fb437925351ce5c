"""``fieldsync files --auto``'s progress lines: throttled, never repeated, the last always."""

from __future__ import annotations

from fieldsync_tui.core.events import Progress
from fieldsync_tui.files_auto import ProgressMeter

MB = 1_000_000


def progress(done: int, total: int, bytes_done: int, bytes_total: int) -> Progress:
    return Progress(done, total, 1.0, 10.0, bytes_done, bytes_total)


def test_lines_are_throttled_and_the_last_always_printed() -> None:
    now = [0.0]
    meter = ProgressMeter(every=2.0, clock=lambda: now[0])
    meter.start()
    lines = []
    for i in range(1, 101):  # a file settles every 0.1 s, 1 MB each
        now[0] = i * 0.1
        line = meter.line(progress(i, 100, i * MB, 100 * MB))
        if line is not None:
            lines.append(line)
    assert len(lines) == 6  # at 0.1 s, then every 2 s (2.1 … 8.1 s), and the final one
    assert lines[0] == "progress: 1/100 files, 1.0/100.0 MB (10.0 MB/s, ETA 10s)"
    assert "MB/s" in lines[1] and "ETA 10s" in lines[1]
    assert lines[-1] == "progress: 100/100 files, 100.0/100.0 MB"


def test_the_same_numbers_are_never_printed_twice() -> None:
    now = [0.0]
    meter = ProgressMeter(every=0.0, clock=lambda: now[0])
    meter.start()
    now[0] = 1.0
    assert meter.line(progress(3, 3, 3 * MB, 3 * MB)) is not None
    now[0] = 5.0
    assert meter.line(progress(3, 3, 3 * MB, 3 * MB)) is None
