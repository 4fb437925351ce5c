"""Errors shown to the operator: a title, what happened, and what to check.

One place turns any exception a worker raised into words; the app's single
``Worker.StateChanged`` funnel and the screens call :func:`describe_error`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from fieldsync_tui.config import ConfigErrors
from fieldsync_tui.core.lock import LockHeldError
from fieldsync_tui.fields.startup import StartupError
from fieldsync_tui.text import safe
from fieldsync_tui.zoho import errors as zerr


@dataclass(frozen=True)
class ErrorReport:
    title: str
    message: str
    check: str  # what the operator should check
    modal: bool  # True: needs the error modal; False: a notification is enough


def _org_vars(err: zerr.ZohoError) -> str:
    org = err.org or "X"
    return f"ORG_{org}_CLIENT_ID, ORG_{org}_CLIENT_SECRET, ORG_{org}_REFRESH_TOKEN"


def _zoho_check(err: zerr.ZohoError) -> tuple[str, bool]:
    org = err.org or "X"
    if isinstance(err, zerr.RefreshBudgetError):
        return "Wait ten minutes: Zoho allows 10 token refreshes per 10 minutes per org.", True
    if isinstance(err, zerr.AuthError | zerr.ZohoAuthenticationError):
        return f"Check {_org_vars(err)} and ORG_{org}_REGION / ZOHO_REGION.", True
    if isinstance(err, zerr.CreditsExhaustedError):
        return "The org's daily API credits are spent; wait for the reset or add credits.", True
    if isinstance(err, zerr.ZohoRateLimitError):
        return "Zoho kept rate-limiting; lower ZOHO_MAX_CONCURRENCY and retry (R).", False
    if isinstance(err, zerr.ZohoConnectionError):
        return f"Check the network and ORG_{org}_API_URL / ORG_{org}_ACCOUNTS_URL.", True
    if isinstance(err, zerr.ZohoPermissionError):
        return "The self client's scopes or the user's profile lack access to the module.", True
    if isinstance(err, zerr.ZohoServerError):
        return "Zoho answered with server errors; try again later (R retries failed rows).", False
    return "See the log pane (l) and the log file for details.", True


def describe_error(error: BaseException) -> ErrorReport:
    """Words for ``error``; never includes secrets (our errors never carry them)."""
    if isinstance(error, zerr.ZohoError):
        check, modal = _zoho_check(error)
        return ErrorReport(error.title, safe(str(error)), check, modal)
    if isinstance(error, StartupError | ConfigErrors) and error.problems:
        message = "\n".join(safe(p) for p in error.problems)
        return ErrorReport("Start-up check failed", message, "Fix the settings named above.", True)
    if isinstance(error, LockHeldError):
        return ErrorReport(
            "Another run is writing", safe(str(error)), "Wait for it to finish, then retry.", True
        )
    name = type(error).__name__
    return ErrorReport(name, safe(str(error)), "See the log pane (l) and the log file.", True)


class ErrorModal(ModalScreen[None]):
    """An error that needs reading: title, message, what to check. Any of esc/enter/q closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close", id="error.close"),
    ]

    def __init__(self, report: ErrorReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="error"):
            yield Static(Text(self.report.title, style="bold red"), classes="dialog-title")
            yield Static(Text(self.report.message), id="error-message")
            yield Static(Text.assemble(("Check: ", "bold"), self.report.check))
            yield Static(Text("escape / enter to close", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
