"""Page tokens of Get Records: param-bound, 24 h life, 100,000-record reach."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from fieldsync_tui.simulator.clock import SimClock

TOKEN_LIFE = 86_400.0
TOKEN_REACH = 100_000
DISCRETE_REACH = 2_000


@dataclass(frozen=True)
class PageTokenState:
    org: str
    bound: tuple[str, ...]  # the request parameters the token is tied to
    offset: int
    expires_at: float


class PageTokens:
    def __init__(self, clock: SimClock, seed: int) -> None:
        self._clock = clock
        self._rng = random.Random(seed ^ 0x5EED)
        self._tokens: dict[str, PageTokenState] = {}
        self._lock = threading.Lock()

    def issue(self, org: str, bound: tuple[str, ...], offset: int) -> tuple[str, float]:
        """A new token for the page starting at ``offset``; returns (token, expiry epoch)."""
        expires = self._clock.now() + TOKEN_LIFE
        with self._lock:
            token = f"{self._rng.getrandbits(256):064x}"
            self._tokens[token] = PageTokenState(org, bound, offset, expires)
        return token, expires

    def lookup(self, token: str) -> PageTokenState | None:
        with self._lock:
            return self._tokens.get(token)

    def is_expired(self, state: PageTokenState) -> bool:
        return self._clock.now() >= state.expires_at
