"""The accounts server's state: refresh tokens, access tokens, the refresh throttle."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from fieldsync_tui.simulator.clock import SimClock
from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.org import SimOrg

THROTTLE_WINDOW = 600.0
THROTTLE_BODY = {
    "error_description": "You have made too many requests continuously. "
    "Please try again after some time.",
    "error": "Access Denied",
    "status": "failure",
}


@dataclass
class AccessToken:
    org: str
    refresh_token: str
    expires_at: float
    revoked: bool = False


@dataclass
class RefreshState:
    org: str
    client_id: str
    revoked: bool = False
    grants: deque[float] = field(default_factory=deque)  # grant times, oldest first
    active: deque[str] = field(default_factory=deque)  # issued access tokens, oldest first


class TokenGrantError(Exception):
    def __init__(self, body: dict[str, str]) -> None:
        super().__init__(body.get("error", "error"))
        self.body = body


class Authority:
    """Issues and checks tokens. ``grant`` raises TokenGrantError with Zoho's error body."""

    def __init__(self, config: SimConfig, clock: SimClock, orgs: dict[str, SimOrg]) -> None:
        self._config = config
        self._clock = clock
        self._orgs = orgs
        self._rng = random.Random(config.seed)
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshState] = {
            org.refresh_token: RefreshState(label, org.client_id) for label, org in orgs.items()
        }

    def org_of_client(self, client_id: str) -> str | None:
        return next((k for k, o in self._orgs.items() if o.client_id == client_id), None)

    def grant(self, params: dict[str, str]) -> tuple[str, str]:
        """Check a refresh_token grant; returns (org label, new access token)."""
        grant_type = params.get("grant_type")
        if grant_type != "refresh_token":
            code = (
                "invalid_code" if grant_type == "authorization_code" else "unsupported_grant_type"
            )
            raise TokenGrantError({"error": code})
        label = self.org_of_client(params.get("client_id", ""))
        if label is None or self._orgs[label].client_secret != params.get("client_secret"):
            raise TokenGrantError({"error": "invalid_client"})
        state = self.refresh.get(params.get("refresh_token", ""))
        if state is None or state.revoked or state.client_id != params.get("client_id"):
            raise TokenGrantError({"error": "invalid_code"})
        now = self._clock.now()
        while state.grants and state.grants[0] <= now - THROTTLE_WINDOW:
            state.grants.popleft()
        if len(state.grants) >= self._config.refresh_limit:
            raise TokenGrantError(dict(THROTTLE_BODY))
        state.grants.append(now)
        return label, self._issue(state, params["refresh_token"], now)

    def _issue(self, state: RefreshState, refresh_token: str, now: float) -> str:
        token = f"1000.{self._rng.getrandbits(128):032x}.{self._rng.getrandbits(128):032x}"
        self.access[token] = AccessToken(
            state.org, refresh_token, now + self._config.token_lifetime
        )
        state.active.append(token)
        live = [t for t in state.active if self._is_live(t, now)]
        while len(live) > self._config.active_token_cap:
            self.access[live.pop(0)].revoked = True
        state.active = deque(live)
        return token

    def _is_live(self, token: str, now: float) -> bool:
        info = self.access.get(token)
        return info is not None and not info.revoked and info.expires_at > now

    def check(self, token: str) -> str | None:
        """The org label of a live access token, else None."""
        if not self._is_live(token, self._clock.now()):
            return None
        return self.access[token].org

    def revoke(self, token: str) -> bool:
        """Revoke a refresh token (and its access tokens) or a single access token."""
        state = self.refresh.get(token)
        if state is not None:
            state.revoked = True
            self.kill_access(state.org)
            return True
        info = self.access.get(token)
        if info is None:
            return False
        info.revoked = True
        return True

    def kill_access(self, org: str) -> None:
        for info in self.access.values():
            if info.org == org:
                info.revoked = True

    def expire_access(self, org: str) -> None:
        now = self._clock.now()
        for info in self.access.values():
            if info.org == org:
                info.expires_at = min(info.expires_at, now)

    def revoke_refresh(self, org: str) -> None:
        self.revoke(self._orgs[org].refresh_token)
