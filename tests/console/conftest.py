"""Console test helpers: settle the app (workers then messages), never sleep."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerState

ACTIVE = (WorkerState.PENDING, WorkerState.RUNNING)


async def settle(pilot: Pilot[object], rounds: int = 20) -> None:
    """Wait until no worker is pending/running and the message queues are drained."""
    app: App[object] = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.state in ACTIVE for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("workers did not settle")
