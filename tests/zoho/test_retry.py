"""The retry policy: pure functions (tables) and the tenacity runner with a fake clock."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

import pytest

from fieldsync_tui.zoho.errors import (
    CreditsExhaustedError,
    ZohoAPIError,
    ZohoConnectionError,
    ZohoPermissionError,
    ZohoRateLimitError,
    ZohoServerError,
    ZohoTimeoutError,
)
from fieldsync_tui.zoho.retry import (
    MAX_DELAY,
    RetryPolicy,
    backoff,
    credits_exhausted,
    delay_for,
    is_retryable,
    parse_retry_after,
    should_retry,
)

from .conftest import FakeClock


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, "TOO_MANY_REQUESTS", True),
        (429, None, True),
        (429, "LIMIT_REACHED", False),
        (500, "INTERNAL_ERROR", True),
        (502, None, True),
        (503, None, True),
        (504, None, True),
        (408, None, False),
        (400, "INVALID_DATA", False),
        (401, "INVALID_TOKEN", False),
        (403, "NO_PERMISSION", False),
        (404, None, False),
        (200, None, False),
        (204, None, False),
    ],
)
def test_should_retry(status: int, code: str | None, expected: bool) -> None:
    assert should_retry(status, code) is expected


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "-2"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "x", "retry-after": "2"}, 2.0),
        ({"Retry-After": "Tue, 14 Nov 2023 22:13:30 GMT"}, 10.0),
        ({"Retry-After": "Tue, 14 Nov 2023 22:13:00 GMT"}, 0.0),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, now=lambda: NOW) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-API-CREDITS-REMAINING": "0"}, True),
        ({"x-api-credits-remaining": " 0 "}, True),
        ({"X-API-CREDITS-REMAINING": "12"}, False),
        ({"X-API-CREDITS-REMAINING": "lots"}, False),
        ({}, False),
    ],
)
def test_credits_exhausted(headers: dict[str, str], expected: bool) -> None:
    assert credits_exhausted(headers) is expected


class _Fixed(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.mark.parametrize(
    ("attempt", "jitter", "expected"),
    [
        (0, 0.0, 0.5),
        (1, 0.0, 1.0),
        (2, 0.0, 2.0),
        (3, 0.0, 4.0),
        (4, 0.0, 8.0),
        (10, 0.0, 8.0),
        (0, 1.0, 0.375),
        (4, 1.0, 6.0),
        (500, 0.5, 7.0),
    ],
)
def test_backoff_is_capped_exponential_with_jitter(
    attempt: int, jitter: float, expected: float
) -> None:
    assert backoff(attempt, _Fixed(jitter)) == pytest.approx(expected)


def test_backoff_with_real_randomness_stays_in_range() -> None:
    rng = random.Random(7)
    for attempt in range(12):
        value = backoff(attempt, rng)
        assert 0 < value <= MAX_DELAY


def _api(cls: type[ZohoAPIError], status: int, code: str | None = None) -> ZohoAPIError:
    return cls("x", status_code=status, code=code)


@pytest.mark.parametrize(
    ("exc", "write", "retry_writes", "expected"),
    [
        (_api(ZohoRateLimitError, 429, "TOO_MANY_REQUESTS"), False, True, True),
        (_api(ZohoRateLimitError, 429, "TOO_MANY_REQUESTS"), True, False, True),
        (_api(ZohoServerError, 500), False, True, True),
        (_api(ZohoServerError, 503), True, True, True),
        (_api(ZohoServerError, 500), True, False, False),
        (_api(ZohoPermissionError, 403), False, True, False),
        (_api(ZohoAPIError, 400, "INVALID_DATA"), False, True, False),
        (ZohoTimeoutError("t"), False, True, True),
        (ZohoConnectionError("c", write_may_have_landed=True), True, True, True),
        (ZohoConnectionError("c", write_may_have_landed=True), True, False, False),
        (ZohoTimeoutError("t", write_may_have_landed=True), True, False, False),
        (ZohoConnectionError("c", write_may_have_landed=False), True, False, True),
        (CreditsExhaustedError("spent"), False, True, False),
        (ValueError("bug"), False, True, False),
    ],
)
def test_is_retryable(exc: BaseException, write: bool, retry_writes: bool, expected: bool) -> None:
    assert is_retryable(exc, write=write, retry_writes=retry_writes) is expected


def test_delay_honours_retry_after_capped() -> None:
    rng = _Fixed(0.0)
    limited = ZohoRateLimitError("x", status_code=429, retry_after=3.0)
    assert delay_for(limited, 0, rng) == 3.0
    huge = ZohoRateLimitError("x", status_code=429, retry_after=3600.0)
    assert delay_for(huge, 0, rng) == 60.0
    assert delay_for(ZohoServerError("x", status_code=500), 2, rng) == 2.0


def _script(*outcomes: BaseException | str) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        outcome = outcomes[min(len(calls), len(outcomes)) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return attempt, calls


async def test_runner_retries_transient_then_succeeds(clock: FakeClock) -> None:
    policy = RetryPolicy(retry_seconds=60, time_source=clock, sleep=clock.sleep, rng=_Fixed(0))
    attempt, calls = _script(
        _api(ZohoServerError, 502), _api(ZohoRateLimitError, 429, "TOO_MANY_REQUESTS"), "ok"
    )
    assert await policy.run(attempt) == "ok"
    assert len(calls) == 3
    assert clock.sleeps == [0.5, 1.0]


async def test_runner_honours_retry_after(clock: FakeClock) -> None:
    policy = RetryPolicy(retry_seconds=60, time_source=clock, sleep=clock.sleep)
    limited = ZohoRateLimitError("x", status_code=429, code="TOO_MANY_REQUESTS", retry_after=7.0)
    attempt, _ = _script(limited, "ok")
    assert await policy.run(attempt) == "ok"
    assert clock.sleeps == [7.0]


async def test_runner_gives_up_after_budget_with_typed_error(clock: FakeClock) -> None:
    policy = RetryPolicy(retry_seconds=10, time_source=clock, sleep=clock.sleep, rng=_Fixed(0))
    attempt, calls = _script(_api(ZohoServerError, 500, "INTERNAL_ERROR"))
    start = clock.now
    with pytest.raises(ZohoServerError):
        await policy.run(attempt)
    assert clock.now - start <= 10
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]  # the next 8 s would pass the 10 s budget
    assert len(calls) == 5


async def test_runner_stops_when_retry_after_exceeds_budget(clock: FakeClock) -> None:
    policy = RetryPolicy(retry_seconds=5, time_source=clock, sleep=clock.sleep)
    limited = ZohoRateLimitError("x", status_code=429, code="TOO_MANY_REQUESTS", retry_after=30.0)
    attempt, calls = _script(limited, "ok")
    with pytest.raises(ZohoRateLimitError):
        await policy.run(attempt)
    assert len(calls) == 1 and clock.sleeps == []


@pytest.mark.parametrize(
    "exc",
    [
        CreditsExhaustedError("spent"),
        _api(ZohoAPIError, 400, "INVALID_QUERY"),
        _api(ZohoPermissionError, 403, "NO_PERMISSION"),
    ],
)
async def test_runner_never_retries_permanent_errors(clock: FakeClock, exc: Exception) -> None:
    policy = RetryPolicy(retry_seconds=60, time_source=clock, sleep=clock.sleep)
    attempt, calls = _script(exc, "ok")
    with pytest.raises(type(exc)):
        await policy.run(attempt)
    assert len(calls) == 1


async def test_runner_write_with_triggers_is_not_retried_after_drop(clock: FakeClock) -> None:
    policy = RetryPolicy(retry_seconds=60, time_source=clock, sleep=clock.sleep)
    dropped = ZohoConnectionError("dropped", write_may_have_landed=True)
    attempt, calls = _script(dropped, "ok")
    with pytest.raises(ZohoConnectionError) as info:
        await policy.run(attempt, write=True, retry_writes=False)
    assert info.value.write_may_have_landed and len(calls) == 1
    attempt, calls = _script(dropped, "ok")
    assert await policy.run(attempt, write=True, retry_writes=True) == "ok"
    assert len(calls) == 2
