"""The one retry policy of the Zoho layer (DESIGN §6), as small pure functions + tenacity.

* 429 (concurrency, or any 429 that sends ``Retry-After`` — WorkDrive's) and 5xx: jittered
  exponential backoff, ``Retry-After`` honoured, for up to
  ``retry_seconds`` in total; then the typed error is raised so callers can mark rows failed.
* 429 with ``X-API-CREDITS-REMAINING: 0`` is raised as :class:`CreditsExhaustedError` by the
  client before it gets here — never retried.
* Timeouts and dropped connections: reads retried; writes retried only when no trigger fires
  (updates by id are idempotent), or when the request provably never left.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from fieldsync_tui.zoho.errors import (
    ZohoAPIError,
    ZohoConnectionError,
    ZohoRateLimitError,
    ZohoServerError,
)

T = TypeVar("T")

INITIAL_DELAY: Final = 0.5
MAX_DELAY: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0
MAX_ATTEMPTS: Final = 1000  # a safety net; the time budget is what normally stops

LOW_CREDITS: Final = 1000
"""``X-API-CREDITS-REMAINING`` at or below this is "seen low": a later 429 without the header
then stops the run at once (credits are most likely spent)."""
MAYBE_SPENT: Final = (
    "Zoho answered 429 TOO_MANY_REQUESTS {why} without saying how many credits are left: "
    "credits may be spent, or the org is throttled. The run stops; Zoho frees credits on a "
    "rolling 24-hour window — try again later (fieldsync check shows whether calls go through)"
)


RETRY_429_CODES: Final = frozenset({"", "TOO_MANY_REQUESTS", "RATE_LIMIT_EXCEEDED"})


def should_retry(status: int, code: str | None = None) -> bool:
    """Whether an HTTP answer is transient: 429 (concurrency) and every 5xx (DESIGN §6). A 408
    is not: Zoho documents none, and the client never retried one (it fails the call)."""
    if status == 429:
        return code is None or code in RETRY_429_CODES
    return status >= 500


def parse_retry_after(
    headers: Mapping[str, str], now: Callable[[], float] = time.time
) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or HTTP date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000.0
        except ValueError:
            value = -1.0
        if 0 <= value < float("inf"):
            return value
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return _seconds_until(raw, now)
    return value if 0 <= value < float("inf") else None


def _seconds_until(http_date: str, now: Callable[[], float]) -> float | None:
    try:
        moment = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - now())


def credits_remaining(headers: Mapping[str, str]) -> int | None:
    """``X-API-CREDITS-REMAINING`` as a number; None when absent or not a number."""
    for key, value in headers.items():
        if key.lower() == "x-api-credits-remaining":
            try:
                return int(value.strip())
            except ValueError:
                return None
    return None


def credits_exhausted(headers: Mapping[str, str]) -> bool:
    """``X-API-CREDITS-REMAINING`` present and ≤ 0."""
    remaining = credits_remaining(headers)
    return remaining is not None and remaining <= 0


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (0-based): ``min(0.5·2ⁿ, 8)`` minus ≤ 25 % jitter."""
    base = min(INITIAL_DELAY * 2.0 ** min(max(0, attempt), 30), MAX_DELAY)
    jitter = (rng or random).random() * 0.25
    return base * (1.0 - jitter)


def is_retryable(exc: BaseException, *, write: bool = False, retry_writes: bool = True) -> bool:
    """Whether the client may send the same request again after ``exc``."""
    if isinstance(exc, ZohoRateLimitError):  # a 429 that names its wait is transient too
        return should_retry(exc.status_code, exc.code) or exc.retry_after is not None
    if isinstance(exc, ZohoServerError):
        return not write or retry_writes
    if isinstance(exc, ZohoConnectionError):
        return not write or retry_writes or not exc.write_may_have_landed
    return False


def delay_for(exc: BaseException | None, attempt: int, rng: random.Random | None) -> float:
    """The server's ``Retry-After`` (capped at 60 s) if it gave one, else :func:`backoff`."""
    if isinstance(exc, ZohoAPIError) and exc.retry_after is not None:
        return min(exc.retry_after, MAX_RETRY_AFTER)
    return backoff(attempt, rng)


class RetryPolicy:
    """Runs one call with the retry rules above; time and sleep are injectable."""

    def __init__(
        self,
        *,
        retry_seconds: float = 60.0,
        time_source: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.retry_seconds = retry_seconds
        self._time = time_source
        self._sleep = sleep
        self._rng = rng

    async def run(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        write: bool = False,
        retry_writes: bool = True,
    ) -> T:
        """``await attempt()`` until it succeeds, fails permanently, or the budget is spent."""
        deadline = self._time() + self.retry_seconds

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            return delay_for(exc, state.attempt_number - 1, self._rng)

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= MAX_ATTEMPTS:
                return True
            return self._time() + state.upcoming_sleep > deadline

        kwargs = {"sleep": self._sleep} if self._sleep is not None else {}
        retrying = AsyncRetrying(
            retry=retry_if_exception(
                lambda exc: is_retryable(exc, write=write, retry_writes=retry_writes)
            ),
            wait=wait,
            stop=stop,
            reraise=True,
            **kwargs,  # type: ignore[arg-type]
        )
        return await retrying(attempt)
