"""What the simulator observed: every call, credits, writes per record, token refreshes."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class CallRecord:
    """One HTTP call as the simulator answered it (org None = could not be attributed)."""

    org: str | None
    method: str
    path: str
    status: int
    credits: int
    t: float


@dataclass(frozen=True)
class WriteRecord:
    """One PUT that reached the write handler: which records and which ``trigger`` it sent."""

    org: str
    module: str
    ids: tuple[str, ...]
    trigger: tuple[str, ...] | None  # None = no "trigger" key (Zoho then fires automation)


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: list[CallRecord] = []
        self.writes_per_record: Counter[tuple[str, str]] = Counter()
        self.writes: list[WriteRecord] = []
        self.grants: Counter[str] = Counter()

    def record(self, call: CallRecord) -> None:
        with self._lock:
            self.calls.append(call)

    def credits(self, org: str) -> int:
        """Credits charged to ``org`` since the last reset."""
        return sum(c.credits for c in self.calls if c.org == org)

    def call_count(self, org: str | None = None, path_contains: str | None = None) -> int:
        return sum(
            1
            for c in self.calls
            if (org is None or c.org == org) and (path_contains is None or path_contains in c.path)
        )

    def token_refreshes(self, org: str) -> int:
        """Access tokens granted to ``org`` (successful refresh calls)."""
        return self.grants[org]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.writes_per_record.clear()
            self.writes.clear()
            self.grants.clear()
