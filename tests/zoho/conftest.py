"""A scriptable fake of Zoho's accounts server + CRM API on ``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from fieldsync_tui.secret import Secret
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.zoho.client import ZohoClient

CLIENT_SECRET = "SECRET-client-7f3a"
REFRESH_TOKEN = "SECRET-refresh-91bc"
ACCOUNTS = "https://accounts.zoho.com"
API = "https://www.zohoapis.com"

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def zoho_json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def zoho_error(status: int, code: str, message: str = "msg", **headers: str) -> httpx.Response:
    body = {"code": code, "details": {}, "message": message, "status": "error"}
    return httpx.Response(status, json=body, headers=headers or None)


class FakeClock:
    """A monotonic clock that only moves when told; ``sleep`` advances it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class FakeZoho:
    """Token endpoint + routes; every request is recorded."""

    token_body: Callable[[int], tuple[int, Any]] | None = None
    api_domain: str | None = API
    expires_in: int = 3600
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    token_requests: list[httpx.Request] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)
    auth_headers: list[str] = field(default_factory=list)

    @property
    def refreshes(self) -> int:
        return len(self.token_requests)

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[(method, path)] = handler
            return handler

        return register

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    async def handle(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # let other tasks run, as a real server would
        if request.url.path == "/oauth/v2/token":
            return self._token(request)
        self.requests.append(request)
        header = request.headers.get("authorization", "")
        self.auth_headers.append(header)
        if not header.startswith("Zoho-oauthtoken "):
            return zoho_error(401, "AUTHENTICATION_FAILURE", "Authentication failed")
        if header.removeprefix("Zoho-oauthtoken ") not in self.valid_tokens:
            return zoho_error(401, "INVALID_TOKEN", "invalid oauth token")
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return zoho_error(404, "INVALID_URL_PATTERN", "no such route")
        result = handler(request)
        return await result if isinstance(result, Awaitable) else result

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_requests.append(request)
        number = len(self.token_requests)
        if self.token_body is not None:
            status, body = self.token_body(number)
            return zoho_json(status, body)
        token = f"1000.access{number}"
        self.valid_tokens.add(token)
        body: dict[str, Any] = {"access_token": token, "expires_in": self.expires_in}
        if self.api_domain is not None:
            body["api_domain"] = self.api_domain
        return zoho_json(200, body)


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake() -> FakeZoho:
    return FakeZoho()


MakeClient = Callable[..., ZohoClient]


@pytest.fixture
async def make_client(fake: FakeZoho, clock: FakeClock) -> AsyncIterator[MakeClient]:
    made: list[ZohoClient] = []

    def make(**overrides: Any) -> ZohoClient:
        options: dict[str, Any] = {
            "label": "A",
            "client_id": "1000.CLIENTID",
            "client_secret": Secret(CLIENT_SECRET),
            "refresh_token": Secret(REFRESH_TOKEN),
            "accounts_url": ACCOUNTS,
            "api_url": API,
            "transport": httpx.MockTransport(fake.handle),
            "time_source": clock,
            "sleep": clock.sleep,
            "retry_seconds": 60.0,
        }
        options.update(overrides)
        client = ZohoClient(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


# -- the simulator behind a client (contract and ladder tests) ------------------------------

BASE = "http://127.0.0.1:9"  # never dialled: the in-process transport answers
NAME = "Full_Name"
URL = "WorkDrive_URL"

MakeSimClient = Callable[..., ZohoClient]


@pytest.fixture
def config() -> SimConfig:
    return SimConfig(real_time=False)


@pytest.fixture
def sim(config: SimConfig) -> Simulator:
    return Simulator(config)


@pytest.fixture
async def sim_client(sim: Simulator, clock: FakeClock) -> AsyncIterator[MakeSimClient]:
    from .simfiles import org_client  # simfiles imports this module: not at the top

    made: list[ZohoClient] = []

    def make(label: str = "A", sim: Simulator = sim, **overrides: Any) -> ZohoClient:
        """A client of org ``label`` of ``sim`` (default: the ``sim`` fixture)."""
        client = org_client(sim, label, clock, **{"bulk_poll_delay": 0.01, **overrides})
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
