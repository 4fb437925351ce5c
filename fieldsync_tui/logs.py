"""Logging for the console and ``--auto`` (DESIGN §8).

One logger, ``fieldsync``; a file per day, ``LOG_DIR/fieldsync_YYYYMMDD.log``; an optional
console handler. A :class:`RedactionFilter` replaces every known secret (client secrets,
refresh tokens, access tokens as they become known — :func:`register_secret`) and anything
that looks like a token (``Zoho-oauthtoken …``, ``access_token=…``, ``refresh_token=…``,
``client_secret=…``) with ``***``. It sits on our handlers and on the ``httpx``/``httpcore``
loggers. Every message is also passed through :func:`fieldsync_tui.text.safe`, so a hostile
record name cannot break a log line or drive the terminal.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Final

from fieldsync_tui.text import safe

LOGGER_NAME: Final = "fieldsync"
MASK: Final = "***"
MIN_SECRET_LENGTH: Final = 4
"""Shorter values are not registered (masking every "a" would wreck the log, not hide much)."""
HTTP_LOGGERS: Final = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)
"""Logger filters do not apply to child loggers' records, so the children are listed too."""
FORMAT: Final = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

_PATTERNS: Final = (
    re.compile(r"(?i)(Zoho-oauthtoken\s+)[^\s\"',;]+"),
    re.compile(r"(?i)(Bearer\s+)[^\s\"',;]+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|client_secret)[\"']?\s*[=:]\s*[\"']?)[^\s&\"',;}]+"
    ),
)


class RedactionFilter(logging.Filter):
    """Masks secrets in a record's message and exception text (never drops a record)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        for value in secrets:
            self.add(value)

    def add(self, value: str) -> None:
        value = value.strip() if isinstance(value, str) else ""
        if len(value) < MIN_SECRET_LENGTH or value in self._secrets:
            return
        with self._lock:  # longest first: a secret containing another is masked whole
            self._secrets = tuple(sorted({*self._secrets, value}, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for value in self._secrets:
            if value in text:
                text = text.replace(value, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(rf"\g<1>{MASK}", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_fieldsync_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what we can, never raise in logging
            message = f"{record.msg!s} {record.args!r}"
        record.msg = safe(self.redact(message))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        record._fieldsync_redacted = True
        return True


REDACTION: Final = RedactionFilter()
"""The process-wide filter (one set of known secrets for every handler and logger)."""


def register_secret(value: str) -> None:
    """Mask ``value`` from now on wherever it appears in a log record (e.g. a new token)."""
    REDACTION.add(value)


def redact(text: str) -> str:
    """``text`` with every known secret and token-looking value masked."""
    return REDACTION.redact(text)


class DailyFileHandler(logging.FileHandler):
    """``log_dir/fieldsync_YYYYMMDD.log``, switching file when the local date changes."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.day = _today()
        log_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(self._path(self.day), encoding="utf-8", delay=True)

    def _path(self, day: str) -> Path:
        return self.log_dir / f"fieldsync_{day}.log"

    def emit(self, record: logging.LogRecord) -> None:
        day = _today()
        if day != self.day:
            self.acquire()
            try:
                self.close()
                self.day = day
                self.baseFilename = str(self._path(day).absolute())
            finally:
                self.release()
        super().emit(record)


def _today() -> str:
    return datetime.now().strftime("%Y%m%d")


def log_file_path(log_dir: Path) -> Path:
    """Today's log file."""
    return log_dir / f"fieldsync_{_today()}.log"


def _ours(handler: logging.Handler) -> bool:
    return bool(getattr(handler, "_fieldsync_handler", False))


def teardown_logging() -> None:
    """Remove and close the handlers :func:`setup_logging` installed (tests, re-setup)."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in [h for h in logger.handlers if _ours(h)]:
        logger.removeHandler(handler)
        handler.close()
    for name in HTTP_LOGGERS:
        logging.getLogger(name).removeFilter(REDACTION)


def setup_logging(
    log_dir: Path | None,
    *,
    console_handler: logging.Handler | None = None,
    secrets: Iterable[str] = (),
    level: int = logging.INFO,
) -> logging.Logger:
    """The ``fieldsync`` logger writing to today's file in ``log_dir`` (``None``: no file)
    and to ``console_handler``, redacting ``secrets``. Calling it again replaces the
    handlers it installed before. An unusable ``log_dir`` raises ``OSError``."""
    teardown_logging()
    for value in secrets:
        register_secret(value)
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    handlers: list[logging.Handler] = []
    if log_dir is not None:
        handlers.append(DailyFileHandler(log_dir))
    if console_handler is not None:
        handlers.append(console_handler)
    for handler in handlers:
        handler.addFilter(REDACTION)
        if handler.formatter is None:
            handler.setFormatter(logging.Formatter(FORMAT))
        handler._fieldsync_handler = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    for name in HTTP_LOGGERS:
        http_logger = logging.getLogger(name)
        if REDACTION not in http_logger.filters:
            http_logger.addFilter(REDACTION)
    return logger
