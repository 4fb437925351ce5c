"""Access tokens kept across commands (DESIGN §8, ``FIELDSYNC_TOKEN_CACHE=on``).

Zoho mints at most 10 access tokens per refresh token per 10 minutes; a command that
refreshes afresh each time locks an operator out after a few ``check`` and ``--auto`` tries.
So an access token — never a refresh token or a client secret — is kept in
``FIELDSYNC_STATE_DIR/tokens.json`` (mode 0600, written atomically), keyed by a hash of the
client id and the accounts host, with its expiry and ``api_domain``; it is reused until
shortly before it expires and dropped on any 401.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fieldsync_tui.zoho.statefile import read_json, update_entry

TOKENS_FILE: Final = "tokens.json"


@dataclass(frozen=True)
class CachedToken:
    access_token: str
    expires_at: float  # epoch seconds (wall clock: it outlives the process)
    lifetime: float  # seconds the token was issued for
    api_domain: str | None


class TokenCache:
    """One org's entry of the token file."""

    def __init__(self, path: Path, key: str, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._key = key
        self._clock = clock

    def __repr__(self) -> str:
        return f"TokenCache({str(self.path)!r})"

    def now(self) -> float:
        return self._clock()

    def load(self) -> CachedToken | None:
        entry = read_json(self.path).get(self._key)
        if not isinstance(entry, dict):
            return None
        token, expires, lifetime = (
            entry.get("access_token"),
            entry.get("expires_at"),
            entry.get("lifetime"),
        )
        domain = entry.get("api_domain")
        if not isinstance(token, str) or not token:
            return None
        if not isinstance(expires, int | float) or not isinstance(lifetime, int | float):
            return None
        return CachedToken(
            token, float(expires), float(lifetime), domain if isinstance(domain, str) else None
        )

    def store(self, token: str, lifetime: float, api_domain: str | None, issued: float) -> None:
        """Keep ``token`` (issued at wall time ``issued``, living ``lifetime`` seconds)."""
        entry = {
            "access_token": token,
            "expires_at": issued + lifetime,
            "lifetime": lifetime,
            "api_domain": api_domain,
        }
        update_entry(self.path, self._key, entry)

    def drop(self) -> None:
        update_entry(self.path, self._key, None)
