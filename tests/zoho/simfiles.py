"""Clients of both orgs against an in-process simulator, for the files contract tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from fieldsync_tui.secret import Secret
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.files_config import FilesConfig
from fieldsync_tui.zoho.client import ZohoClient

from .conftest import FakeClock

BASE = "http://127.0.0.1:9"  # never dialled: the in-process transport answers
MODULE = "Contacts"

MakeClient = Callable[..., ZohoClient]


def files_sim(**switches: Any) -> Simulator:
    return Simulator(SimConfig(real_time=False, files=FilesConfig(**switches)))


def org_client(sim: Simulator, label: str, clock: FakeClock | None, **overrides: Any) -> ZohoClient:
    org = sim.org(label)
    options: dict[str, Any] = {
        "label": label,
        "client_id": org.client_id,
        "client_secret": Secret(org.client_secret),
        "refresh_token": Secret(org.refresh_token),
        "accounts_url": BASE,
        "api_url": BASE,
        "api_url_overridden": True,
        "transport": sim.transport(),
    }
    if clock is not None:
        options.update(time_source=clock, sleep=clock.sleep)
    options.update(overrides)
    return ZohoClient(**options)


@pytest.fixture
async def clients(clock: FakeClock) -> AsyncIterator[MakeClient]:
    made: list[ZohoClient] = []

    def make(sim: Simulator, label: str, **overrides: Any) -> ZohoClient:
        client = org_client(sim, label, clock, **overrides)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
