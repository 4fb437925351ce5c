"""The batch runner (DESIGN §6): batches in parallel, pause and cancel between batches.

It knows no job: it is given the batches and a coroutine that writes one; the job's write
protocol decides every outcome. Pause and cancel are honoured before a batch starts; batches
already in flight always finish.
"""

from __future__ import annotations

import asyncio
from asyncio import FIRST_COMPLETED
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from fieldsync_tui.zoho.costs import UPDATE_BATCH_MAX

BATCH_SIZE = UPDATE_BATCH_MAX
"""Rows per batch: Zoho's limit for one write (and for one read by ids)."""

_B = TypeVar("_B")


class ApplyControl:
    """Pause, resume and cancel, honoured between batches; listeners hear each pause state
    change at once (the runner emits it as an event)."""

    def __init__(self) -> None:
        self._running = asyncio.Event()
        self._running.set()
        self.cancelled = False
        self._listeners: list[Callable[[bool], None]] = []

    def listen(self, on_change: Callable[[bool], None]) -> Callable[[], None]:
        """Call ``on_change(paused)`` on every change; returns the call that stops it."""
        self._listeners.append(on_change)
        return lambda: self._listeners.remove(on_change)

    def _changed(self, was_paused: bool) -> None:
        if self.paused != was_paused:
            for listener in list(self._listeners):
                listener(self.paused)

    def pause(self) -> None:
        was = self.paused
        self._running.clear()
        self._changed(was)

    def resume(self) -> None:
        was = self.paused
        self._running.set()
        self._changed(was)

    def cancel(self) -> None:
        was = self.paused
        self.cancelled = True
        self._running.set()
        self._changed(was)

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    async def checkpoint(self) -> bool:
        """Wait while paused; False once cancelled."""
        await self._running.wait()
        return not self.cancelled


CANCELLED = "cancelled by the operator"


@dataclass(frozen=True, slots=True)
class RunnerResult(Generic[_B]):
    """How a run of batches ended: the stop reason (None = all ran) and what never started."""

    reason: str | None
    cancelled: bool
    not_started: Sequence[_B]


async def run_batches(
    batches: Sequence[_B],
    write: Callable[[int, _B], Awaitable[str | None]],
    *,
    parallel: int = 1,
    control: ApplyControl | None = None,
    on_settled: Callable[[], None] | None = None,
    on_pause: Callable[[bool], None] | None = None,
) -> RunnerResult[_B]:
    """Run ``write(index, batch)`` for each batch, up to ``parallel`` at once.

    ``write`` returns a reason to stop (no further batch starts) or None. ``on_settled`` is
    called as each batch settles (the caller emits progress); ``on_pause(paused)`` as soon as
    the operator pauses or resumes.
    """
    stop_listening = (
        control.listen(on_pause) if control is not None and on_pause is not None else None
    )
    try:
        return await _run(batches, write, max(1, parallel), control, on_settled)
    finally:
        if stop_listening is not None:
            stop_listening()


async def _run(
    batches: Sequence[_B],
    write: Callable[[int, _B], Awaitable[str | None]],
    limit: int,
    control: ApplyControl | None,
    on_settled: Callable[[], None] | None,
) -> RunnerResult[_B]:
    in_flight: set[asyncio.Task[str | None]] = set()
    started = 0
    reason: str | None = None
    cancelled = False
    try:
        while True:
            while reason is None and started < len(batches) and len(in_flight) < limit:
                if control is not None and not await control.checkpoint():
                    reason, cancelled = CANCELLED, True
                    break
                task = asyncio.ensure_future(write(started, batches[started]))
                in_flight.add(task)
                started += 1
            if not in_flight:
                break
            done, in_flight = await asyncio.wait(in_flight, return_when=FIRST_COMPLETED)
            for task in done:
                stopped = task.result()
                reason = reason or stopped
            if on_settled is not None:
                on_settled()
    finally:
        if in_flight:  # an unexpected error: let the other batches finish their writes
            await asyncio.wait(in_flight)
    return RunnerResult(reason, cancelled, batches[started:])
