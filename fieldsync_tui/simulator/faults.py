"""Injected trouble: failures, 429 bursts, dropped connections, token loss, foreign edits."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldsync_tui.simulator.auth import Authority
    from fieldsync_tui.simulator.limits import CreditLedger
    from fieldsync_tui.simulator.org import SimOrg


@dataclass
class _Rule:
    remaining: int
    status: int = 500
    org: str | None = None
    path_contains: str | None = None
    method: str | None = None
    after_apply: bool = False

    def matches(self, org: str | None, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and (self.org is None or self.org == org)
            and (self.path_contains is None or self.path_contains in path)
            and (self.method is None or self.method.upper() == method)
        )


@dataclass
class _PendingEdit:
    org: str
    rid: str
    values: dict[str, Any]
    module: str | None


@dataclass
class _Revocation:
    org: str
    calls_left: int


@dataclass
class _State:
    failures: list[_Rule] = field(default_factory=list)
    drops: list[_Rule] = field(default_factory=list)
    edits: list[_PendingEdit] = field(default_factory=list)
    revocations: list[_Revocation] = field(default_factory=list)
    fraction: float = 0.0
    rng: random.Random = field(default_factory=random.Random)


class Faults:
    """Switch trouble on; each ``*_next`` rule is consumed by the matching calls."""

    def __init__(
        self,
        authority: Authority,
        ledger: CreditLedger,
        orgs: dict[str, SimOrg],
        latency_ms: float,
    ) -> None:
        self._authority = authority
        self._ledger = ledger
        self._orgs = orgs
        self._default_latency = latency_ms
        self.latency_ms = latency_ms
        self.retry_after: float | None = None
        """Seconds an injected 429 announces in ``Retry-After`` (None: no header)."""
        self._lock = threading.Lock()
        self._state = _State()

    # --- switches (public) ---
    def latency(self, ms: float) -> None:
        """Every request takes at least ``ms`` milliseconds (while holding its slot)."""
        self.latency_ms = ms

    def fail_next(
        self,
        n: int,
        status: int = 500,
        org: str | None = None,
        path_contains: str | None = None,
        method: str | None = None,
    ) -> None:
        """The next ``n`` matching requests answer ``status`` with Zoho's error body."""
        with self._lock:
            self._state.failures.append(_Rule(n, status, org, path_contains, method))

    def fail_fraction(self, p: float, seed: int = 0) -> None:
        """Each CRM API request fails with 500 with probability ``p`` (seeded)."""
        with self._lock:
            self._state.fraction = p
            self._state.rng = random.Random(seed)

    def burst_429(self, n: int, org: str | None = None) -> None:
        """The next ``n`` CRM requests get 429 TOO_MANY_REQUESTS (concurrency-style)."""
        self.fail_next(n, 429, org, "/crm/")

    def drop_next(
        self,
        n: int,
        after_apply: bool = False,
        org: str | None = None,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Drop the connection of the next ``n`` matching requests, before or after applying."""
        with self._lock:
            self._state.drops.append(_Rule(n, 0, org, path_contains, method, after_apply))

    def revoke_tokens(self, org: str, at_call: int | None = None) -> None:
        """Access tokens of ``org`` die now, or just before its ``at_call``-th next CRM call."""
        if at_call is None or at_call <= 1:
            self._authority.kill_access(org)
            return
        with self._lock:
            self._state.revocations.append(_Revocation(org, at_call))

    def revoke_refresh_token(self, org: str) -> None:
        """The refresh token is revoked (→ invalid_code) and its access tokens die."""
        self._authority.revoke_refresh(org)

    def expire_tokens(self, org: str) -> None:
        self._authority.expire_access(org)

    def spend_credits(self, org: str) -> None:
        """Use up the org's whole remaining daily allowance."""
        self._ledger.spend_all(org)

    def edit_before_write(
        self, org: str, rid: str, values: dict[str, Any], module: str | None = None
    ) -> None:
        """Another user edits ``rid`` right before the next PUT to ``org`` is processed."""
        with self._lock:
            self._state.edits.append(_PendingEdit(org, rid, dict(values), module))

    def clear(self) -> None:
        with self._lock:
            self._state = _State()
        self.latency_ms = self._default_latency
        self.retry_after = None

    # --- hooks used by the app ---
    def on_crm_call(self, org: str) -> None:
        """Count down pending revocations; revoke when one is due."""
        due = []
        with self._lock:
            for rev in self._state.revocations:
                if rev.org == org:
                    rev.calls_left -= 1
                    if rev.calls_left <= 0:
                        due.append(rev)
            for rev in due:
                self._state.revocations.remove(rev)
        for rev in due:
            self._authority.kill_access(rev.org)

    def take_failure(self, org: str | None, method: str, path: str) -> int | None:
        with self._lock:
            for rule in self._state.failures:
                if rule.matches(org, method, path):
                    rule.remaining -= 1
                    return rule.status
            st = self._state
            if st.fraction > 0 and path.startswith("/crm/") and st.rng.random() < st.fraction:
                return 500
        return None

    def take_drop(self, org: str | None, method: str, path: str) -> str | None:
        """ "before" / "after" when this request's connection is to drop, else None."""
        with self._lock:
            for rule in self._state.drops:
                if rule.matches(org, method, path):
                    rule.remaining -= 1
                    return "after" if rule.after_apply else "before"
        return None

    def run_edits(self, org: str) -> None:
        with self._lock:
            edits = [e for e in self._state.edits if e.org == org]
            self._state.edits = [e for e in self._state.edits if e.org != org]
        for edit in edits:
            self._orgs[org].edit_as_other_user(edit.rid, edit.values, edit.module)
