"""The simulator's clock: a start time plus (optionally) real elapsed time plus manual advances."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class SimClock:
    """Epoch seconds as the simulated Zoho sees them."""

    def __init__(self, start: float, real_time: bool = True) -> None:
        self._start = start
        self._real_time = real_time
        self._origin = time.monotonic()
        self._offset = 0.0

    def now(self) -> float:
        """Current simulated epoch seconds."""
        elapsed = time.monotonic() - self._origin if self._real_time else 0.0
        return self._start + elapsed + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (tokens, page tokens and the credit ledger follow)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds


def iso(epoch: float) -> str:
    """Zoho's timestamp form: ``2026-11-27T10:00:00+00:00`` (seconds precision)."""
    return datetime.fromtimestamp(int(epoch), tz=UTC).isoformat()


def parse_iso(text: str) -> float:
    """Epoch seconds of an ISO 8601 timestamp with offset; ValueError if malformed."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("timestamp needs an offset")
    return parsed.timestamp()
