"""Console test helpers: settle the app (workers then messages), never sleep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerState

from .fakes import FakeHistory, FakeSession, fake_backend

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


def widget_text(widget: Widget) -> str:
    """The text a widget currently shows (all its lines, joined by newlines)."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


def screen_text(app: App[object]) -> str:
    """Everything the terminal shows now (the top screen, composited), one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def fake_app(session: FakeSession, tmp_path: Path, history: FakeHistory | None = None) -> Any:
    """The console over the fake session (what most console tests drive)."""
    from fieldsync_tui.app import make_app

    backend = fake_backend(session, tmp_path, history)

    async def connect() -> object:
        return backend

    return make_app(connect)  # type: ignore[arg-type]
