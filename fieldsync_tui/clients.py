"""What every entry point builds from settings, in one place: one Zoho client per org (the
same way for --auto, the console, the subcommands and the benchmarks) and the logging of a
headless command (--auto, check, history, undo)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TextIO

import httpx

from fieldsync_tui.config import OrgSettings, Settings, secret_values
from fieldsync_tui.logs import register_secret, setup_logging, teardown_logging
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.client import ZohoClient


def build_client(
    org: OrgSettings, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> ZohoClient:
    """The client of one org; every access token it gets joins the log redaction at once."""
    return ZohoClient(
        label=org.label,
        client_id=org.client_id,
        client_secret=org.client_secret,
        refresh_token=org.refresh_token,
        accounts_url=org.accounts_url,
        api_url=org.api_url,
        api_url_overridden=org.api_url_overridden,
        region=org.region,
        max_concurrency=settings.max_concurrency,
        retry_seconds=settings.retry_seconds,
        transport=transport,
        logger=logging.getLogger("fieldsync.zoho"),
        on_token=register_secret,
        state_dir=settings.state_dir,
        token_cache=settings.token_cache,
        read_strategy=settings.read_strategy,
    )


def build_clients(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[ZohoClient, ZohoClient]:
    """Org A's and Org B's clients."""
    return build_client(settings.org_a, settings, transport), build_client(
        settings.org_b, settings, transport
    )


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


class LowerLevelFormatter(logging.Formatter):
    """``fieldsync: warning: …`` on stderr, spelled as the configuration warnings are."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        return text.replace(f": {record.levelname}: ", f": {record.levelname.lower()}: ", 1)


def _stderr_handler(stream: TextIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    handler.addFilter(_not_file_only)
    handler.setFormatter(LowerLevelFormatter("fieldsync: %(levelname)s: %(message)s"))
    return handler


def start_logging(settings: Settings, stderr: TextIO) -> logging.Logger | None:
    """Logging for a headless command; ``None`` (after saying why) when LOG_DIR is unusable.

    Configuration warnings go through the logger: once to stderr, once to the log file."""
    try:
        logger = setup_logging(
            settings.log_dir,
            console_handler=_stderr_handler(stderr),
            secrets=secret_values(settings),
        )
    except OSError as err:
        for warning in settings.warnings:
            stderr.write(f"fieldsync: warning: {warning}\n")
        stderr.write(f"fieldsync: LOG_DIR: cannot use {safe(str(settings.log_dir))} ({err})\n")
        return None
    for warning in settings.warnings:
        logger.warning("%s", warning)
    return logger


def run_headless(
    settings: Settings,
    stderr: TextIO,
    run: Callable[[logging.Logger], Coroutine[Any, Any, int]],
) -> int:
    """A headless command's life: logging set up (exit 1 when LOG_DIR is unusable), the run
    on a fresh event loop, logging torn down whatever happens."""
    logger = start_logging(settings, stderr)
    if logger is None:
        return 1
    try:
        return asyncio.run(run(logger))
    finally:
        teardown_logging()


@contextlib.contextmanager
def stop_signals(on_signal: Callable[[int], None]) -> Iterator[None]:
    """``on_signal(signum)`` on SIGINT / SIGTERM while inside (the running loop's handlers;
    nothing where the platform or thread has none)."""
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, on_signal, signum)
            installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
