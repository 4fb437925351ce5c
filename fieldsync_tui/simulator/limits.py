"""Credits (rolling 24 h ledger) and concurrency gates, per org."""

from __future__ import annotations

import threading
from collections import deque

from fieldsync_tui.simulator.clock import SimClock

DAY = 86_400.0


class CreditLedger:
    """Credits charged per org over a rolling 24 hours (each charge expires 24 h later)."""

    def __init__(self, allowance: int, clock: SimClock) -> None:
        self.allowance = allowance
        self._clock = clock
        self._charges: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def used(self, org: str) -> int:
        with self._lock:
            charges = self._charges.setdefault(org, deque())
            horizon = self._clock.now() - DAY
            while charges and charges[0][0] <= horizon:
                charges.popleft()
            return sum(c for _, c in charges)

    def remaining(self, org: str) -> int:
        return max(0, self.allowance - self.used(org))

    def charge(self, org: str, credits: int) -> None:
        if credits > 0:
            with self._lock:
                self._charges.setdefault(org, deque()).append((self._clock.now(), credits))

    def spend_all(self, org: str) -> None:
        self.charge(org, self.remaining(org))

    def header(self, org: str) -> dict[str, str]:
        """``X-API-CREDITS-REMAINING`` once half the allowance is used, else nothing."""
        used = self.used(org)
        if used * 2 < self.allowance:
            return {}
        return {"X-API-CREDITS-REMAINING": str(max(0, self.allowance - used))}


class ConcurrencyGate:
    """In-flight calls per org (cap) and heavy calls per org (sub-cap)."""

    def __init__(self, cap: int, sub_cap: int) -> None:
        self.cap = cap
        self.sub_cap = sub_cap
        self._all: dict[str, int] = {}
        self._heavy: dict[str, int] = {}
        self._lock = threading.Lock()
        self.peak: dict[str, int] = {}

    def enter(self, org: str, heavy: bool) -> bool:
        """Take a slot; False (nothing taken) when a cap is reached."""
        with self._lock:
            if self._all.get(org, 0) >= self.cap:
                return False
            if heavy and self._heavy.get(org, 0) >= self.sub_cap:
                return False
            self._all[org] = self._all.get(org, 0) + 1
            if heavy:
                self._heavy[org] = self._heavy.get(org, 0) + 1
            self.peak[org] = max(self.peak.get(org, 0), self._all[org])
            return True

    def leave(self, org: str, heavy: bool) -> None:
        with self._lock:
            self._all[org] -= 1
            if heavy:
                self._heavy[org] -= 1
