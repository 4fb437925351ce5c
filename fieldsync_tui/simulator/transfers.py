"""Trouble for file transfers (attachments downloads, WorkDrive uploads and downloads).

* a bandwidth cap per connection, so moving a file takes real time;
* a download cut mid-body (the connection drops after ``after_bytes``);
* a short body (fewer bytes than announced, but the response ends cleanly);
* a held request (waits until :meth:`Transfers.release`, for kill tests).

Rules are matched by a path substring and consumed like ``Faults.fail_next``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

from fieldsync_tui.simulator.errors import SimulatedDrop


@dataclass
class _Rule:
    remaining: int
    path_contains: str | None
    after_bytes: int = 0

    def take(self, path: str) -> bool:
        if self.remaining > 0 and (self.path_contains is None or self.path_contains in path):
            self.remaining -= 1
            return True
        return False


@dataclass
class _State:
    cuts: list[_Rule] = field(default_factory=list)
    shorts: list[_Rule] = field(default_factory=list)
    holds: list[_Rule] = field(default_factory=list)


class Transfers:
    """Switches for transfer trouble; safe to call from test code in another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = _State()
        self._released = threading.Event()
        self.bandwidth: float | None = None
        """Bytes per second per connection (None: as fast as possible)."""
        self.held = 0
        """Requests waiting in a hold right now."""

    # --- switches ---
    def cap_bandwidth(self, bytes_per_second: float | None) -> None:
        if bytes_per_second is not None and bytes_per_second <= 0:
            raise ValueError("bandwidth must be positive (or None)")
        self.bandwidth = bytes_per_second

    def cut_next(self, n: int = 1, after_bytes: int = 0, path_contains: str | None = None) -> None:
        """The next ``n`` matching downloads drop the connection after ``after_bytes``."""
        with self._lock:
            self._state.cuts.append(_Rule(n, path_contains, after_bytes))

    def short_next(
        self, n: int = 1, after_bytes: int = 0, path_contains: str | None = None
    ) -> None:
        """The next ``n`` matching downloads announce and send only ``after_bytes`` bytes."""
        with self._lock:
            self._state.shorts.append(_Rule(n, path_contains, after_bytes))

    def hold_next(self, n: int = 1, path_contains: str | None = None) -> None:
        """The next ``n`` matching requests wait (holding their connection) until released."""
        with self._lock:
            self._released.clear()
            self._state.holds.append(_Rule(n, path_contains))

    def release(self) -> None:
        self._released.set()

    def clear(self) -> None:
        with self._lock:
            self._state = _State()
        self.bandwidth = None
        self._released.set()

    # --- hooks ---
    def _take(self, rules: list[_Rule], path: str) -> _Rule | None:
        with self._lock:
            return next((rule for rule in rules if rule.take(path)), None)

    def short_length(self, path: str) -> int | None:
        """Bytes to announce and send instead of the whole file, if a short-body rule matches."""
        rule = self._take(self._state.shorts, path)
        return rule.after_bytes if rule is not None else None

    async def hold(self, path: str) -> None:
        """Wait here while a hold rule for ``path`` is in force."""
        if self._take(self._state.holds, path) is None:
            return
        with self._lock:
            self.held += 1
        try:
            while not self._released.is_set():
                await asyncio.sleep(0.01)
        finally:
            with self._lock:
                self.held -= 1

    async def send_chunks(self, path: str, chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
        """``chunks`` paced by the bandwidth cap; a cut rule drops the connection mid-way."""
        cut = self._take(self._state.cuts, path)
        pacer = Pacer(self.bandwidth)
        sent = 0
        for chunk in chunks:
            if cut is not None and sent + len(chunk) >= cut.after_bytes:
                part = chunk[: max(0, cut.after_bytes - sent)]
                if part:
                    yield part
                raise SimulatedDrop(after_apply=True)
            await pacer.wait(len(chunk))
            sent += len(chunk)
            yield chunk
        if cut is not None:
            raise SimulatedDrop(after_apply=True)


class Pacer:
    """Sleeps so that ``n`` bytes per call average at most ``rate`` bytes per second."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.started = time.monotonic()
        self.done = 0

    async def wait(self, n: int) -> None:
        self.done += n
        if self.rate is None:
            await asyncio.sleep(0)
            return
        ahead = self.done / self.rate - (time.monotonic() - self.started)
        await asyncio.sleep(max(0.0, ahead))
