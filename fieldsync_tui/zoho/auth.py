"""Zoho OAuth (self client, refresh-token grant) as an ``httpx.Auth`` flow.

Policy, all per org:

* The access token lives in memory only (a :class:`Secret`) and is shared by every request.
* It is refreshed ahead of expiry by ``min(300 s, 10 % of expires_in)``; single-flight under
  an ``asyncio.Lock``: many concurrent requests after expiry cause exactly one refresh.
* A 401 ``INVALID_TOKEN`` (or ``AUTHENTICATION_FAILURE``, or WorkDrive's ``F7003``, which also
  comes as a 500) refreshes once — unless another request already did — and the request is
  sent once more. Scope errors (``OAUTH_SCOPE_MISMATCH``, ``F7004``, ``INVALID_OAUTHSCOPE``)
  and WorkDrive's ``R008`` (no access / not found) never refresh.
* The refresh is a ``POST {accounts}/oauth/v2/token`` with a form body (never a query string).
  A response without ``access_token`` is an :class:`AuthError` whatever its HTTP status.
* At most ``max_refreshes`` (10) refreshes per rolling ``refresh_window`` (600 s); the next one
  raises :class:`RefreshBudgetError`. Only token requests the accounts server *answered*
  count: a connection or DNS failure raises :class:`AccountsUnreachableError` at once (no
  retry, budget untouched) — "cannot reach <host> (<reason>)".
* With a :class:`TokenCache` (``FIELDSYNC_TOKEN_CACHE=on``), a cached access token is used
  until shortly before it expires, a new one is stored, and any 401 drops the cached one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any, Final

import httpx

from fieldsync_tui.secret import Secret
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import (
    AccountsUnreachableError,
    AuthError,
    ConfigurationError,
    RefreshBudgetError,
    ZohoAPIError,
    ZohoConnectionError,
    ZohoTimeoutError,
)
from fieldsync_tui.zoho.responses import error_class
from fieldsync_tui.zoho.token_cache import TokenCache

TOKEN_PATH: Final = "/oauth/v2/token"
HEADER_PREFIX: Final = "Zoho-oauthtoken "
REFRESH_ON_401: Final = frozenset({"INVALID_TOKEN", "AUTHENTICATION_FAILURE", "F7003"})
REFRESH_ON_500: Final = frozenset({"F7003"})
"""WorkDrive's "Invalid OAuth token" also comes as HTTP 500 (ZOHO_WORKDRIVE §4.5)."""
DEFAULT_EXPIRES_IN: Final = 3600.0
MAX_REFRESHES: Final = 10
REFRESH_WINDOW: Final = 600.0
CONNECT_TIMEOUT: Final = 10.0
"""Seconds to open a connection to the accounts server: an unreachable one fails fast."""


def refresh_margin(expires_in: float) -> float:
    """How long before expiry a token is refreshed: ``min(300 s, 10 % of expires_in)``."""
    return min(300.0, 0.1 * expires_in)


def token_lifetime(body: dict[str, Any]) -> float:
    """Seconds a token lives: ``expires_in_sec`` (legacy, with ``expires_in`` in ms) else
    ``expires_in``; 3600 when absent or unusable."""
    for key in ("expires_in_sec", "expires_in"):
        value = body.get(key)
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            try:
                seconds = float(value)
            except ValueError:
                continue
            if 0 < seconds < float("inf"):
                return seconds
    return DEFAULT_EXPIRES_IN


def token_error(status: int, body: object, label: str) -> AuthError:
    """The :class:`AuthError` for a token response that holds no ``access_token``."""
    org = label or "X"
    if not isinstance(body, dict):
        return AuthError(
            f"the accounts server answered HTTP {status} without a token (not JSON): check "
            f"ORG_{org}_ACCOUNTS_URL and ZOHO_REGION / ORG_{org}_REGION",
            code=None,
            org=label or None,
        )
    code = safe(body.get("error") or body.get("code") or "no access_token")[:80]
    lowered = code.lower().replace(" ", "_")
    where = f"ZOHO_REGION / ORG_{org}_REGION"
    if lowered in ("invalid_client", "invalid_client_secret"):
        advice = (
            f"check ORG_{org}_CLIENT_ID and ORG_{org}_CLIENT_SECRET, and that {where} is the "
            "org's data centre — a wrong data centre looks like bad credentials"
        )
    elif lowered == "invalid_code":
        advice = (
            f"the refresh token (ORG_{org}_REFRESH_TOKEN) was revoked or has expired, or {where} "
            "is not the org's data centre; generate a new one in the API console"
        )
    elif lowered == "access_denied":
        advice = (
            "Zoho's token throttle: too many access tokens for this refresh token in 10 "
            "minutes; wait up to 10 minutes before trying again"
        )
    else:
        advice = (
            f"check ORG_{org}_CLIENT_ID, ORG_{org}_CLIENT_SECRET, ORG_{org}_REFRESH_TOKEN "
            f"and {where}"
        )
    return AuthError(
        f"the accounts server refused the token refresh ({code}, HTTP {status}): {advice}",
        code=code,
        org=label or None,
    )


def _is_outage(status: int, body: object) -> bool:
    """5xx/429 without Zoho's ``error`` key: the server failed, it did not refuse us."""
    return (status >= 500 or status == 429) and not (isinstance(body, dict) and "error" in body)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _body_code(response: httpx.Response) -> str | None:
    """Zoho's ``code``, or WorkDrive's ``errors[0].id``."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    code = body.get("code")
    errors = body.get("errors")
    if code is None and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("id")
    return code if isinstance(code, str) else None


def _expired_challenge(response: httpx.Response) -> bool:
    """A 401 whose ``WWW-Authenticate`` says the token expired or is invalid (WorkDrive)."""
    challenge = response.headers.get("www-authenticate", "").lower()
    return response.status_code == 401 and (
        "expired_token" in challenge or "invalid_token" in challenge
    )


class ZohoOAuth(httpx.Auth):
    """Adds ``Authorization: Zoho-oauthtoken …`` and keeps the token fresh (see module doc)."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: Secret,
        refresh_token: Secret,
        accounts_url: str,
        label: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        time_source: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
        max_refreshes: int = MAX_REFRESHES,
        refresh_window: float = REFRESH_WINDOW,
        on_token: Callable[[str], None] | None = None,
        cache: TokenCache | None = None,
    ) -> None:
        self.label = label
        self._cache = cache
        self._on_token = on_token
        """Told each new access token (e.g. to add it to the log redaction)."""
        self.accounts_url = accounts_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        limits = httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT))
        self._http = httpx.AsyncClient(transport=transport, timeout=limits)
        self._time = time_source
        self._log = logger or logging.getLogger("fieldsync.zoho")
        self._max_refreshes = max_refreshes
        self._window = refresh_window
        self._lock = asyncio.Lock()
        self._history: deque[float] = deque()
        self._token: Secret | None = None
        self._refresh_at = 0.0
        self.api_domain: str | None = None
        """``api_domain`` of the last token response (see ``regions.resolve_api_base``)."""
        self.allowed_origin: httpx.URL | None = None
        """When set, the token is only ever attached to requests for this scheme/host/port."""
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"ZohoOAuth(label={self.label!r}, accounts_url={self.accounts_url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("ZohoOAuth works with httpx.AsyncClient only")
        yield request  # pragma: no cover

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        self._check_origin(request)
        token = await self.token()
        request.headers["Authorization"] = HEADER_PREFIX + token.reveal()
        response = yield request
        if response.status_code not in (401, 500):
            return
        if self._cache is not None:
            self._cache.drop()  # any 401: the cached token is not trusted again
        await response.aread()  # overriding async_auth_flow: httpx does not read it for us
        code = _body_code(response)
        if code in (REFRESH_ON_401 if response.status_code == 401 else REFRESH_ON_500) or (
            code is None and _expired_challenge(response)
        ):
            token = await self._refresh_after_reject(token)
            request.headers["Authorization"] = HEADER_PREFIX + token.reveal()
            yield request

    def _check_origin(self, request: httpx.Request) -> None:
        if self.allowed_origin is not None and _origin(request.url) != _origin(self.allowed_origin):
            raise ConfigurationError(
                f"refusing to send the access token to {request.url.host}: not the API host "
                f"{self.allowed_origin.host} chosen by configuration",
                org=self.label or None,
            )

    async def token(self) -> Secret:
        """A valid access token, refreshing (single-flight) when due."""
        if self._token is not None and self._time() < self._refresh_at:
            return self._token
        async with self._lock:
            if self._token is None and self._from_cache():
                assert self._token is not None
                return self._token
            if self._token is None or self._time() >= self._refresh_at:
                await self._refresh()
            assert self._token is not None
            return self._token

    def _from_cache(self) -> bool:
        """Take a cached access token that is not due for refresh yet."""
        cached = self._cache.load() if self._cache is not None else None
        if cached is None or self._cache is None:
            return False
        left = cached.expires_at - self._cache.now() - refresh_margin(cached.lifetime)
        if left <= 0:
            return False
        self._token = Secret(cached.access_token)
        if self._on_token is not None:
            self._on_token(cached.access_token)
        self._refresh_at = self._time() + left
        self.api_domain = cached.api_domain
        self._log.info("Org %s: access token reused from the cache (%.0f s left)", self.label, left)
        return True

    async def _refresh_after_reject(self, rejected: Secret) -> Secret:
        async with self._lock:
            if self._token is None or self._token is rejected:
                await self._refresh()
            assert self._token is not None
            return self._token

    def _check_budget(self) -> None:
        now = self._time()
        while self._history and now - self._history[0] >= self._window:
            self._history.popleft()
        if len(self._history) >= self._max_refreshes:
            wait = max(0.0, self._window - (now - self._history[0]))
            minutes = max(1, math.ceil(wait / 60))
            raise RefreshBudgetError(
                f"token refresh budget spent: at most {self._max_refreshes} access-token "
                f"refreshes per {self._window / 60:g} minutes per org (Zoho blocks more); "
                f"wait {minutes} minute{'s' if minutes > 1 else ''} before the next try — "
                "the run stops",
                code="refresh_budget",
                org=self.label or None,
            )

    def _spend_budget(self) -> None:
        """Count one token request the accounts server answered."""
        self._history.append(self._time())
        self.refreshes += 1

    async def _refresh(self) -> None:
        self._check_budget()
        form = {
            "grant_type": "refresh_token",
            "client_id": self._client_id,
            "client_secret": self._client_secret.reveal(),
            "refresh_token": self._refresh_token.reveal(),
        }
        started, issued = self._time(), self._cache.now() if self._cache else 0.0
        response = await self._post_token(form)
        self._spend_budget()
        try:
            body = response.json()
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            status = response.status_code
            if _is_outage(status, body):
                raise self._outage(status)
            raise token_error(status, body, self.label)
        assert isinstance(body, dict)
        lifetime = token_lifetime(body)
        self._token = Secret(token)
        if self._on_token is not None:
            self._on_token(token)
        self._refresh_at = started + lifetime - refresh_margin(lifetime)
        domain = body.get("api_domain")
        self.api_domain = domain if isinstance(domain, str) else None
        if self._cache is not None:
            self._cache.store(token, lifetime, self.api_domain, issued)
        self._log.info("Org %s: access token refreshed (valid %.0f s)", self.label, lifetime)

    def _outage(self, status: int) -> ZohoAPIError:
        """An accounts-server outage (not a refusal): typed so the retry policy retries it."""
        return error_class(status)(
            f"the accounts server {self.accounts_url} is unavailable (HTTP {status})",
            status_code=status,
            code="TOO_MANY_REQUESTS" if status == 429 else None,
            org=self.label or None,
        )

    async def _post_token(self, form: dict[str, str]) -> httpx.Response:
        url = self.accounts_url + TOKEN_PATH
        try:
            return await self._http.post(url, data=form)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as err:
            host = httpx.URL(url).host or self.accounts_url
            reason = safe(str(err).strip() or type(err).__name__)[:160]
            raise AccountsUnreachableError(
                f"cannot reach {host} ({reason}): check the network, the region and the URL "
                f"variables (ZOHO_REGION / ORG_{self.label or 'X'}_REGION, "
                f"ORG_{self.label or 'X'}_ACCOUNTS_URL)",
                code="unreachable",
                org=self.label or None,
            ) from None
        except httpx.TimeoutException as err:
            name = type(err).__name__
            raise ZohoTimeoutError(
                f"the accounts server {self.accounts_url} timed out ({name})",
                org=self.label or None,
            ) from None
        except httpx.HTTPError as err:
            name = type(err).__name__
            raise ZohoConnectionError(
                f"cannot reach the accounts server {self.accounts_url} ({name}); check "
                f"ORG_{self.label or 'X'}_ACCOUNTS_URL / the region and the network",
                org=self.label or None,
            ) from None
