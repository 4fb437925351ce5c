"""The Textual console: wiring only (DESIGN.md §7).

``make_app(connect)`` builds the app from a factory that returns a
:class:`~fieldsync_tui.screens.session_port.ConsoleBackend` (tests hand in the simulator or a
fake); ``run_console`` is what ``cli.py`` calls. Screens never build HTTP clients.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

import httpx
from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fieldsync_tui.clients import build_clients
from fieldsync_tui.config import Settings, demo_settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.model import CLASS_ORDER
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.core.suggest import NameSuggester
from fieldsync_tui.fields.rules import FIELD_RULES
from fieldsync_tui.fields.session import SyncSession
from fieldsync_tui.fields.startup import Connected, OrgContext
from fieldsync_tui.fields.startup import connect as startup_connect
from fieldsync_tui.screens.errors import ErrorModal, ErrorReport, describe_error
from fieldsync_tui.screens.keys import palette_entries
from fieldsync_tui.screens.messages import WorkerFailed
from fieldsync_tui.screens.review import ReviewScreen
from fieldsync_tui.screens.session_port import ConsoleBackend
from fieldsync_tui.widgets.org_header import HeaderInfo, OrgLine
from fieldsync_tui.zoho.client import ZohoClient

if TYPE_CHECKING:
    pass

BackendFactory = Callable[[], Awaitable[ConsoleBackend]]
CONNECT_GROUP = "connect"
DEMO_RECORDS = 2000
DEMO_SEED = 7
DEMO_LATENCY_MS = 40.0  # enough that progress is visible in the demo
DEMO_LOCKED_ONCE = 3  # ready rows whose first write fails (RECORD_LOCKED): R then applies them
EXPORTS = "exports"  # `e` writes under FIELDSYNC_STATE_DIR/exports/, never the working tree


@dataclass(frozen=True)
class ConsoleOptions(RunOptions):
    """What the command line passes to the console (DESIGN.md §3): the shared options, with
    the console's journal mode and command."""

    mode: Literal["auto", "console"] = "console"
    command: str = "fieldsync"


class FieldsyncApp(App[int]):
    """The review console. Its only job: connect (in a worker), show the review screen, and
    funnel every worker error into a notification or an error modal."""

    CSS_PATH = "app.tcss"
    TITLE = "fieldsync"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit_console", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, connect: BackendFactory) -> None:
        super().__init__()
        self.connect_backend = connect
        self.backend: ConsoleBackend | None = None
        self.review = ReviewScreen()

    async def on_mount(self) -> None:
        await self.push_screen(self.review)  # mounted before the backend can attach
        self._connect()

    @work(exclusive=True, group=CONNECT_GROUP, exit_on_error=False, description="Connecting")
    async def _connect(self) -> None:
        backend = await self.connect_backend()
        self.backend = backend
        self.review.attach(backend)

    async def on_unmount(self) -> None:
        if self.backend is not None and self.backend.close is not None:
            await self.backend.close()

    # -- the one error funnel -----------------------------------------------------------------
    @on(Worker.StateChanged)
    def _app_worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.worker_failed(event.worker)

    @on(WorkerFailed)
    def _screen_worker_failed(self, message: WorkerFailed) -> None:
        self.worker_failed(message.worker)

    def worker_failed(self, worker: Worker[object]) -> None:
        """The one error funnel: every worker error ends here, none kills the app."""
        if worker.error is None:
            return
        report = describe_error(worker.error)
        if self.review.is_mounted:
            self.review.log_line("ERROR", f"{report.title}: {report.message}")
        if worker.group == CONNECT_GROUP:
            self.push_screen(ErrorModal(report), lambda _: self.exit(1, return_code=1))
            return
        writer = self.review.writer
        if writer is not None and writer.quit_when_done:
            self.exit(1, return_code=1)
            return
        self.show_error(report)

    def show_error(self, report: ErrorReport) -> None:
        if report.modal:
            self.push_screen(ErrorModal(report))
        else:
            self.notify(f"{report.message}\n{report.check}", title=report.title, severity="error")

    def action_quit_console(self) -> None:
        self.review.action_quit()

    # -- command palette: every review key is also a command ----------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is not self.review:
            return
        keys = self.backend.rules.class_keys if self.backend is not None else CLASS_ORDER
        for title, what, action in palette_entries(keys):
            yield SystemCommand(title, what, partial(self.run_action, action, self.review))


def make_app(connect: BackendFactory) -> FieldsyncApp:
    """The console app over whatever ``connect`` returns (real orgs, simulator, fake)."""
    return FieldsyncApp(connect)


# -- wiring: settings → clients → start-up checks → session ---------------------------------
def make_clients(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[ZohoClient, ZohoClient]:
    return build_clients(settings, transport)


def header_for(connected: Connected, module: str, dry_run: bool, demo: bool = False) -> HeaderInfo:
    def line(org: OrgContext) -> OrgLine:
        return OrgLine(org.label, org.info.name, org.region, org.triggers)

    return HeaderInfo(line(connected.a), line(connected.b), module, dry_run, demo)


def live_connector(
    settings: Settings,
    options: ConsoleOptions,
    transport: httpx.AsyncBaseTransport | None = None,
    export_dir: Path | None = None,
    demo: bool = False,
) -> BackendFactory:
    """A factory that connects both orgs (start-up checks, §2) and opens the session."""

    async def connect() -> ConsoleBackend:
        client_a, client_b = make_clients(settings, transport)

        async def close_clients() -> None:
            await client_a.aclose()
            await client_b.aclose()

        try:
            connected = await startup_connect(settings, client_a, client_b)
        except BaseException:
            await close_clients()
            raise
        journal = Journal.open(settings.state_dir)

        async def close() -> None:
            await close_clients()
            journal.close()

        return ConsoleBackend(
            session=SyncSession(settings, connected, journal, options),
            header=header_for(connected, settings.fields.module, options.dry_run, demo),
            history=journal,
            rules=FIELD_RULES,
            make_control=ApplyControl,
            make_suggester=NameSuggester.build,
            discard_run=journal.mark_interrupted,
            export_dir=export_dir or settings.state_dir / EXPORTS,
            close=close,
        )

    return connect


def run_console(settings: Settings | None, options: ConsoleOptions, demo: bool = False) -> int:
    """``fieldsync`` / ``fieldsync --demo``: run the console; returns the exit code."""
    if demo:
        return _run_demo(options)
    if settings is None:
        raise ValueError("the console needs settings unless demo=True")
    return run_app(live_connector(settings, options))


def run_app(connect: BackendFactory) -> int:
    """Run the console over ``connect`` until it exits; returns its exit code."""
    app = make_app(connect)
    app.run()
    return app.return_code or 0


DEMO_EXPORTS = Path(tempfile.gettempdir()) / "fieldsync-demo-exports"
"""The demo's state folder is gone on exit: its exports outlive it in the system temp dir."""


def run_demo(demo: Callable[[Path], tuple[Settings, BackendFactory]], prefix: str) -> int:
    """A console on in-process simulated orgs (``demo(tmp)`` builds them), temporary state."""
    from fieldsync_tui.logs import setup_logging, teardown_logging

    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        settings, connect = demo(Path(tmp))
        setup_logging(settings.log_dir)
        try:
            return run_app(connect)
        finally:
            teardown_logging()


def demo_connector(
    options: ConsoleOptions, tmp: Path, latency_ms: float = DEMO_LATENCY_MS
) -> tuple[Settings, BackendFactory]:
    """Settings and a factory for the built-in simulated orgs (demo data, state in ``tmp``)."""
    from fieldsync_tui.simulator import SimConfig, Simulator
    from fieldsync_tui.simulator.dataset import populate_demo

    sim = Simulator(SimConfig(latency_ms=latency_ms, seed=DEMO_SEED))
    populate_demo(sim, records=DEMO_RECORDS, seed=DEMO_SEED, locked_once=DEMO_LOCKED_ONCE)
    settings = demo_settings(sim.env("http://127.0.0.1"), tmp)
    return settings, live_connector(settings, options, sim.transport(), DEMO_EXPORTS, demo=True)


def _run_demo(options: ConsoleOptions) -> int:
    """The console on an in-process simulator with demo data and a temporary state dir."""
    return run_demo(lambda tmp: demo_connector(options, tmp), "fieldsync-demo-")
