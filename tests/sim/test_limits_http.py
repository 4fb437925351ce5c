"""Concurrency caps, credits, injected failures and dropped connections."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from .conftest import BASE, Api, assert_error, make_sim

LIST = "/crm/v8/Contacts"


async def test_concurrency_cap_with_real_concurrent_requests() -> None:
    sim = make_sim(latency_ms=100, concurrency_cap=10)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        await api.token("A")
        results = await asyncio.gather(*(api.get("/crm/v8/org") for _ in range(12)))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 10 + [429] * 2
    rejected = next(r for r in results if r.status_code == 429)
    body = assert_error(rejected, 429, "TOO_MANY_REQUESTS")
    assert "concurrency limit" in body["message"]
    assert sim.gate.peak["A"] == 10


async def test_sub_concurrency_for_coql() -> None:
    sim = make_sim(latency_ms=100, concurrency_cap=20, sub_concurrency_cap=3)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        await api.token("A")
        query = "select Full_Name from Contacts where id is not null"
        coql = [api.coql(query) for _ in range(5)]
        light = [api.get("/crm/v8/org") for _ in range(5)]
        results = await asyncio.gather(*coql, *light)
    assert sorted(r.status_code for r in results[:5]) == [204, 204, 204, 429, 429]
    assert [r.status_code for r in results[5:]] == [200] * 5


async def test_credit_header_after_half_and_spent_credits() -> None:
    sim = make_sim(credits_per_day=10)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        headers = []
        for _ in range(10):
            resp = await api.get("/crm/v8/org")
            assert resp.status_code == 200
            headers.append(resp.headers.get("X-API-CREDITS-REMAINING"))
        assert headers == [None] * 4 + ["5", "4", "3", "2", "1", "0"]
        spent = await api.get("/crm/v8/org")
        assert_error(spent, 429, "TOO_MANY_REQUESTS")
        assert spent.headers["X-API-CREDITS-REMAINING"] == "0"
        sim.clock.advance(86_400)
        api.tokens.clear()
        assert (await api.get("/crm/v8/org")).headers.get("X-API-CREDITS-REMAINING") is None


async def test_spend_credits_fault(api: Api) -> None:
    api.sim.faults.spend_credits("A")
    assert_error(await api.get("/crm/v8/org"), 429, "TOO_MANY_REQUESTS")
    assert (await api.get("/crm/v8/org", "B")).status_code == 200


async def test_fail_next_and_burst_429(api: Api) -> None:
    api.sim.faults.fail_next(2, status=500, org="A", path_contains="/org", method="GET")
    await api.token("A")
    first = await api.get("/crm/v8/org")
    assert_error(first, 500, "INTERNAL_ERROR")
    assert (await api.get("/crm/v8/org", "B")).status_code == 200
    assert (await api.get("/crm/v8/org")).status_code == 500
    assert (await api.get("/crm/v8/org")).status_code == 200
    api.sim.faults.burst_429(1, org="A")
    assert_error(await api.get("/crm/v8/org"), 429, "TOO_MANY_REQUESTS")
    assert (await api.get("/crm/v8/org")).status_code == 200
    assert api.sim.stats.credits("A") == 2  # failed calls cost nothing


async def test_fail_next_on_token_endpoint(api: Api) -> None:
    api.sim.faults.fail_next(1, status=503, path_contains="/oauth/")
    resp = await api.client.post("/oauth/v2/token", data=api.token_params("A"))
    assert resp.status_code == 503
    assert (
        "access_token"
        in (await api.client.post("/oauth/v2/token", data=api.token_params("A"))).json()
    )


async def test_fail_fraction_is_seeded(api: Api) -> None:
    await api.token("A")

    async def run() -> list[int]:
        api.sim.faults.fail_fraction(0.5, seed=3)
        return [(await api.get("/crm/v8/org")).status_code for _ in range(20)]

    first, second = await run(), await run()
    assert first == second and 500 in first and 200 in first
    api.sim.faults.clear()
    assert (await api.get("/crm/v8/org")).status_code == 200


async def test_drop_before_apply(api: Api) -> None:
    rid = api.sim.org("A").add_record({"Full_Name": "Acme"})
    await api.token("A")
    api.sim.faults.drop_next(1, method="PUT")
    with pytest.raises(httpx.RemoteProtocolError):
        await api.put(LIST, {"data": [{"id": rid, "Email": "a@b.c"}]})
    record = api.sim.org("A").get(rid)
    assert record is not None and record["Email"] is None
    assert (await api.put(LIST, {"data": [{"id": rid, "Email": "a@b.c"}]})).status_code == 200


async def test_drop_after_apply(api: Api) -> None:
    rid = api.sim.org("A").add_record({"Full_Name": "Acme"})
    await api.token("A")
    api.sim.faults.drop_next(1, after_apply=True, org="A")
    with pytest.raises(httpx.ReadError):
        await api.put(LIST, {"data": [{"id": rid, "Email": "a@b.c"}]})
    record = api.sim.org("A").get(rid)
    assert record is not None and record["Email"] == "a@b.c"
    assert api.sim.stats.writes_per_record[("A", rid)] == 1


async def test_stats_call_count_and_reset(api: Api) -> None:
    await api.get("/crm/v8/org")
    await api.get("/crm/v8/org", "B")
    assert api.sim.stats.call_count() == 4
    assert api.sim.stats.call_count("A", "/crm/") == 1
    assert api.sim.stats.call_count(path_contains="/oauth/") == 2
    api.sim.stats.reset()
    assert api.sim.stats.call_count() == 0 and api.sim.stats.token_refreshes("A") == 0
