"""Fixtures for the simulator tests: a simulator with a frozen clock and an HTTP helper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from fieldsync_tui.simulator import SimConfig, Simulator

BASE = "http://sim.test"


class Api:
    """Talks to the simulator like a client would: token first, then CRM calls."""

    def __init__(self, sim: Simulator, client: httpx.AsyncClient) -> None:
        self.sim = sim
        self.client = client
        self.tokens: dict[str, str] = {}

    def token_params(self, label: str) -> dict[str, str]:
        org = self.sim.org(label)
        return {
            "grant_type": "refresh_token",
            "client_id": org.client_id,
            "client_secret": org.client_secret,
            "refresh_token": org.refresh_token,
        }

    async def token(self, label: str = "A") -> str:
        if label not in self.tokens:
            resp = await self.client.post("/oauth/v2/token", data=self.token_params(label))
            self.tokens[label] = resp.json()["access_token"]
        return self.tokens[label]

    async def headers(self, label: str) -> dict[str, str]:
        return {"Authorization": f"Zoho-oauthtoken {await self.token(label)}"}

    async def get(self, path: str, label: str = "A", **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers=await self.headers(label))

    async def put(self, path: str, body: Any, label: str = "A") -> httpx.Response:
        return await self.client.put(path, json=body, headers=await self.headers(label))

    async def coql(self, query: str, label: str = "A") -> httpx.Response:
        return await self.client.post(
            "/crm/v8/coql", json={"select_query": query}, headers=await self.headers(label)
        )


def make_sim(**switches: Any) -> Simulator:
    return Simulator(SimConfig(real_time=False, **switches))


@pytest.fixture
def sim() -> Simulator:
    return make_sim()


@pytest.fixture
async def api(sim: Simulator) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        yield Api(sim, client)


def assert_error(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is Zoho's flat error envelope with all four keys."""
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    assert set(body) == {"code", "details", "message", "status"}, body
    assert body["code"] == code and body["status"] == "error", body
    return body
