"""logs: daily file, redaction of known secrets and token-looking text, httpx loggers."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsync_tui.logs import (
    RedactionFilter,
    log_file_path,
    register_secret,
    setup_logging,
    teardown_logging,
)

SECRETS = ["cs-SECRET-A-0001", "1000.refresh.TOKEN.B.0002"]


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[tuple[logging.Logger, io.StringIO, Path]]:
    console = io.StringIO()
    logger = setup_logging(
        tmp_path / "logs", console_handler=logging.StreamHandler(console), secrets=SECRETS
    )
    try:
        yield logger, console, tmp_path / "logs"
    finally:
        teardown_logging()


def everything(console: io.StringIO, log_dir: Path) -> str:
    for handler in logging.getLogger("fieldsync").handlers:
        handler.flush()
    return console.getvalue() + log_file_path(log_dir).read_text(encoding="utf-8")


def test_daily_file_name(logged: tuple[logging.Logger, io.StringIO, Path]) -> None:
    logger, _console, log_dir = logged
    logger.info("hello %s", "world")
    path = log_file_path(log_dir)
    assert path.name.startswith("fieldsync_") and len(path.stem) == len("fieldsync_20261127")
    assert "hello world" in path.read_text(encoding="utf-8")


def test_known_secrets_masked(logged: tuple[logging.Logger, io.StringIO, Path]) -> None:
    logger, console, log_dir = logged
    logger.info("secret is %s and %s", SECRETS[0], SECRETS[1])
    logging.getLogger("fieldsync.zoho").warning("inline " + SECRETS[1])
    text = everything(console, log_dir)
    assert text.count("***") >= 3
    for value in SECRETS:
        assert value not in text


def test_access_token_registered_later(logged: tuple[logging.Logger, io.StringIO, Path]) -> None:
    logger, console, log_dir = logged
    register_secret("1000.freshaccesstoken.abc")
    logger.error("token %s leaked", "1000.freshaccesstoken.abc")
    assert "freshaccesstoken" not in everything(console, log_dir)


@pytest.mark.parametrize(
    "message",
    [
        "Authorization: Zoho-oauthtoken 1000.abcdef.123456",
        "POST /oauth/v2/token?refresh_token=1000.qwerty&client_id=x",
        "body client_secret=zzzsecret&grant_type=refresh_token",
        '{"access_token": "1000.jsontoken", "expires_in": 3600}',
        "Bearer eyJhbGciOi.something",
    ],
)
def test_token_looking_text_masked(
    message: str, logged: tuple[logging.Logger, io.StringIO, Path]
) -> None:
    logger, console, log_dir = logged
    logger.warning("%s", message)
    text = everything(console, log_dir)
    for leaked in ("abcdef.123456", "qwerty", "zzzsecret", "jsontoken", "eyJhbGciOi"):
        assert leaked not in text
    assert "***" in text


def test_exception_text_masked(logged: tuple[logging.Logger, io.StringIO, Path]) -> None:
    logger, console, log_dir = logged
    try:
        raise RuntimeError(f"failed with {SECRETS[0]}")
    except RuntimeError:
        logger.exception("boom")
    text = everything(console, log_dir)
    assert "RuntimeError" in text and SECRETS[0] not in text


def test_untrusted_text_escaped(logged: tuple[logging.Logger, io.StringIO, Path]) -> None:
    logger, console, log_dir = logged
    logger.info("name %s", "Evil\x1b[31mRed\nFAKE LINE")
    text = everything(console, log_dir)
    assert "\x1b" not in text and "\\x1b[31mRed\\nFAKE LINE" in text


def test_httpx_and_httpcore_records_redacted(
    logged: tuple[logging.Logger, io.StringIO, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info("HTTP Request: POST https://x/?client_secret=%s", SECRETS[0])
    logging.getLogger("httpcore.http11").debug("send_request_headers %s", SECRETS[1])
    text = caplog.text
    assert SECRETS[0] not in text and SECRETS[1] not in text
    assert "***" in text


def test_teardown_removes_handlers_and_filters(tmp_path: Path) -> None:
    setup_logging(tmp_path, console_handler=None, secrets=[])
    setup_logging(tmp_path, console_handler=None, secrets=[])  # replaces, not duplicates
    ours = [h for h in logging.getLogger("fieldsync").handlers if hasattr(h, "_fieldsync_handler")]
    assert len(ours) == 1
    teardown_logging()
    assert not [
        h for h in logging.getLogger("fieldsync").handlers if hasattr(h, "_fieldsync_handler")
    ]
    assert not logging.getLogger("httpx").filters


def test_filter_ignores_short_values() -> None:
    f = RedactionFilter(["ab", "longer-secret"])
    assert f.redact("ab longer-secret") == "ab ***"
