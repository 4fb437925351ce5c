"""Progress tells the truth: per batch, no paused time in rate/ETA, "pausing…" at once,
one closing line, never "writing 0/0"."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fieldsync_tui.app import FieldsyncApp
from fieldsync_tui.screens.run_clock import RunClock
from fieldsync_tui.widgets.run_progress import RunProgress

from .conftest import fake_app, settle
from .fakes import FakeSession, sample_rows

SIZE = (120, 40)


class FakeTime:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_rate_and_eta_leave_paused_time_out() -> None:
    now = FakeTime()
    clock = RunClock(400, now=now)
    now.t += 10
    clock.done = 100
    assert clock.rate() == 10 and clock.eta() == 30
    clock.pause()
    now.t += 50  # paused for 50 s
    assert clock.eta() is None and "pausing…" in clock.label().plain
    assert "left" not in clock.label().plain
    clock.resume()
    now.t += 10
    clock.done = 200
    assert clock.rate() == 10 and clock.eta() == 20  # 200 rows in 20 active seconds
    clock.done = 400
    closing = clock.closing({"applied": 397, "failed": 3}, None).plain
    assert closing == "done in 20 s (plus 50 s paused): applied 397, failed 3"
    assert RunClock(0).label().plain.startswith("nothing to write")


def app_for(session: FakeSession, tmp_path: Path) -> FieldsyncApp:
    return fake_app(session, tmp_path)  # type: ignore[no-any-return]


def label(app: FieldsyncApp) -> str:
    return app.review.query_one(RunProgress).label_text


async def test_progress_per_batch_pausing_at_once_and_a_closing_line(tmp_path: Path) -> None:
    session = FakeSession(rows=sample_rows(extra_ready=3), batch_size=2)
    gate = asyncio.Event()
    session.gate = gate
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "A")  # 4 ready rows: two batches
        await settle(pilot)
        await pilot.press("x", "y")
        await pilot.pause()
        assert label(app).startswith("writing 0/4")
        await pilot.press("p")  # said at once, while the batch waits
        assert "pausing…" in label(app)
        await pilot.press("p")
        assert "pausing…" not in label(app)
        gate.set()
        await settle(pilot)
        assert label(app).startswith("done in ") and "applied 4" in label(app)
        assert "ETA" not in label(app) and "4/4" not in label(app)


async def test_a_retry_closes_with_its_own_counts(tmp_path: Path) -> None:
    session = FakeSession(fail_ids={"101"})
    app = app_for(session, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "A", "2", "A", "x", "y")
        await settle(pilot)
        assert "applied 1, failed 1" in label(app)
        await pilot.press("R")
        await settle(pilot)
        assert label(app).endswith(": applied 1")  # only the retried row
