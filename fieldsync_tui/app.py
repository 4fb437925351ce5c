"""The Textual console: wiring only (DESIGN.md §7).

``make_app(connect)`` builds the app from a factory that returns a
:class:`~fieldsync_tui.screens.session_port.ConsoleBackend` (tests hand in the simulator or a
fake); ``run_console`` is what ``cli.py`` calls. Screens never build HTTP clients.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fieldsync_tui.screens.errors import ErrorModal, ErrorReport, describe_error
from fieldsync_tui.screens.keys import REVIEW_BINDINGS
from fieldsync_tui.screens.messages import WorkerFailed
from fieldsync_tui.screens.review import ReviewScreen
from fieldsync_tui.screens.session_port import ConsoleBackend

BackendFactory = Callable[[], Awaitable[ConsoleBackend]]
CONNECT_GROUP = "connect"


@dataclass(frozen=True)
class ConsoleOptions:
    """What the command line passes to the console (DESIGN.md §3)."""

    dry_run: bool = False
    limit: int | None = None
    record_ids: tuple[str, ...] = ()


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

    def on_unmount(self) -> None:
        if self.backend is not None:
            self.backend.close()

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
        for binding in REVIEW_BINDINGS:
            key = binding.key_display or binding.key
            yield SystemCommand(
                f"{binding.description} ({key})",
                f"Same as the {key} key",
                partial(self.run_action, binding.action, self.review),
            )


def make_app(connect: BackendFactory) -> FieldsyncApp:
    """The console app over whatever ``connect`` returns (real orgs, simulator, fake)."""
    return FieldsyncApp(connect)
