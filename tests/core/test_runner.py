"""The batch runner: parallel batches, pause/cancel between batches, events as batches settle."""

from __future__ import annotations

import asyncio

from fieldsync_tui.core.runner import CANCELLED, ApplyControl, run_batches


async def test_batches_run_in_parallel_up_to_the_limit_and_settle_one_by_one() -> None:
    in_flight, peak, settled = 0, 0, 0

    async def write(index: int, batch: str) -> str | None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001 * (index % 3))
        in_flight -= 1
        return None

    def on_settled() -> None:
        nonlocal settled
        settled += 1

    result = await run_batches(
        [f"b{i}" for i in range(9)], write, parallel=3, on_settled=on_settled
    )
    assert result.reason is None and not result.cancelled and list(result.not_started) == []
    assert peak == 3
    assert 1 <= settled <= 9  # once per wake-up: every settled batch is reported


async def test_a_stop_reason_starts_no_further_batch() -> None:
    started: list[int] = []

    async def write(index: int, batch: int) -> str | None:
        started.append(index)
        return "credits spent" if index == 1 else None

    result = await run_batches(list(range(5)), write, parallel=1)
    assert result.reason == "credits spent" and started == [0, 1]
    assert list(result.not_started) == [2, 3, 4]


async def test_pause_is_heard_at_once_and_cancel_stops_between_batches() -> None:
    control = ApplyControl()
    heard: list[bool] = []
    started: list[int] = []

    async def write(index: int, batch: int) -> str | None:
        started.append(index)
        if index == 0:
            control.pause()  # takes effect before the next batch starts
            assert heard == [True]
            asyncio.get_running_loop().call_later(0.01, control.cancel)
        return None

    result = await run_batches(
        list(range(4)), write, control=control, on_pause=heard.append, parallel=1
    )
    assert started == [0] and heard == [True, False]
    assert result.cancelled and result.reason == CANCELLED
    assert list(result.not_started) == [1, 2, 3]
    control.pause()
    assert heard == [True, False]  # the run is over: no listener left
