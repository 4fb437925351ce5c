"""ZohoClient against the simulator (in-process ASGI; a few over a real loopback socket).

Each UNCONFIRMED Zoho fact the client depends on is exercised under both simulator settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx
import pytest

from fieldsync_tui.secret import Secret
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.names import HOSTILE_EXACT
from fieldsync_tui.simulator.server import serve
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import (
    AuthError,
    CreditsExhaustedError,
    RefreshBudgetError,
    ZohoConnectionError,
    ZohoServerError,
    ZohoTimeoutError,
)
from fieldsync_tui.zoho.query import coql_ident, coql_literal, criteria_equals

from .conftest import NAME, URL, FakeClock, MakeSimClient


def seed(sim: Simulator, count: int, label: str = "A") -> list[str]:
    org = sim.org(label)
    return [org.add_record({NAME: f"Person {i}"}) for i in range(count)]


async def all_rows(client: ZohoClient, where: str, page_size: int = 2000) -> list[dict[str, Any]]:
    return [
        row
        async for page in client.coql_pages("Contacts", [NAME], where, page_size=page_size)
        for row in page
    ]


# -- identity and metadata -------------------------------------------------------------------


async def test_org_and_fields(sim: Simulator, sim_client: MakeSimClient) -> None:
    client = sim_client("B")
    info = await client.get_org()
    assert info.name == sim.org("B").name and info.id == sim.org("B").org_id
    names = {f.api_name: f for f in await client.get_fields("Contacts")}
    assert {NAME, URL, "Transfer_Complete"} <= set(names)
    assert names["Transfer_Complete"].data_type == "boolean"


async def test_api_domain_of_simulator_is_not_trusted_without_override(
    sim: Simulator, sim_client: MakeSimClient
) -> None:
    client = sim_client(api_url="http://testserver", api_url_overridden=False)
    await client.get_org()
    assert await client.api_base() == "http://testserver"


# -- COQL keyset paging ------------------------------------------------------------------------


async def test_coql_pages_past_2000(sim: Simulator, sim_client: MakeSimClient) -> None:
    ids = seed(sim, 4500)
    client = sim_client()
    rows = await all_rows(client, f"{NAME} is not null")
    assert [r["id"] for r in rows] == sorted(ids, key=int)
    assert client.stats.calls == 3
    assert client.stats.credits == sim.stats.credits("A") == 9


async def test_coql_pages_past_100000(sim: Simulator, sim_client: MakeSimClient) -> None:
    org = sim.org("A")
    for i in range(100_500):
        org.add_record({NAME: f"P{i}"})
    client = sim_client()
    rows = await all_rows(client, f"{NAME} is not null")
    assert len(rows) == 100_500 and len({r["id"] for r in rows}) == 100_500
    assert client.stats.calls == 51


async def test_coql_with_checkbox_condition(sim: Simulator, sim_client: MakeSimClient) -> None:
    org = sim.org("A")
    done = org.add_record({NAME: "Done", "Transfer_Complete": True})
    todo = org.add_record({NAME: "Todo"})
    org.add_record({NAME: None})
    rows = await all_rows(sim_client(), f"Transfer_Complete = false and {NAME} is not null")
    assert [r["id"] for r in rows] == [todo] and done != todo


async def test_coql_204_on_empty(sim: Simulator, sim_client: MakeSimClient) -> None:
    assert await all_rows(sim_client(), f"{NAME} is not null") == []


# -- reads by id, search, 204s ---------------------------------------------------------------


@pytest.mark.parametrize("ids_cap", [100, 50])
async def test_ids_cap(sim_client: MakeSimClient, config: SimConfig, ids_cap: int) -> None:
    sim = Simulator(dataclasses.replace(config, ids_cap=ids_cap))
    ids = seed(sim, 230)
    client = sim_client(
        transport=sim.transport(),
        client_id=sim.org("A").client_id,
        client_secret=Secret(sim.org("A").client_secret),
        refresh_token=Secret(sim.org("A").refresh_token),
    )
    found = await client.get_records_by_ids("Contacts", [*ids, "5725767999999999999"], [NAME])
    assert sorted(r["id"] for r in found) == sorted(ids)
    assert client.ids_chunk == min(100, ids_cap)


async def test_reads_of_missing_things(sim: Simulator, sim_client: MakeSimClient) -> None:
    client = sim_client()
    assert await client.get_records_by_ids("Contacts", ["5725767999999999999"], [NAME]) == []
    assert await client.search_records("Contacts", criteria_equals(NAME, "nobody")) == []
    [rid] = seed(sim, 1)
    [found] = await client.get_records_by_ids("Contacts", [rid], [NAME])
    assert found.get(NAME) == "Person 0"


PRINTABLE_HOSTILE = [n for n in HOSTILE_EXACT if n.isprintable()]


@pytest.mark.parametrize("case_insensitive", [True, False])
async def test_hostile_names_by_exact_coql_equality(
    sim_client: MakeSimClient, config: SimConfig, case_insensitive: bool
) -> None:
    sim = Simulator(dataclasses.replace(config, coql_case_insensitive=case_insensitive))
    org = sim.org("A")
    ids = {name: org.add_record({NAME: name}) for name in PRINTABLE_HOSTILE}
    org.add_record({NAME: "Unrelated"})
    client = sim_client(transport=sim.transport())
    for name, rid in ids.items():
        rows = await all_rows(client, f"{coql_ident(NAME)} = {coql_literal(name)}")
        assert [r["id"] for r in rows] == [rid], name
        assert rows[0][NAME] == name


async def test_coql_case_switch_is_visible(sim_client: MakeSimClient, config: SimConfig) -> None:
    for insensitive, expected in ((True, 1), (False, 0)):
        sim = Simulator(dataclasses.replace(config, coql_case_insensitive=insensitive))
        sim.org("A").add_record({NAME: "Mixed Case"})
        client = sim_client(transport=sim.transport())
        assert len(await all_rows(client, f"{NAME} = {coql_literal('mixed case')}")) == expected


@pytest.mark.parametrize("contains", [True, False])
async def test_hostile_names_by_search(
    sim_client: MakeSimClient, config: SimConfig, contains: bool
) -> None:
    sim = Simulator(dataclasses.replace(config, search_equals_contains=contains))
    org = sim.org("A")
    ids = {name: org.add_record({NAME: name}) for name in PRINTABLE_HOSTILE}
    client = sim_client(transport=sim.transport())
    for name, rid in ids.items():
        rows = await client.search_records("Contacts", criteria_equals(NAME, name), [NAME])
        assert rid in {r["id"] for r in rows}, name


# -- writes ----------------------------------------------------------------------------------


async def test_mixed_207_batch(sim: Simulator, sim_client: MakeSimClient) -> None:
    a, b, c = seed(sim, 3)
    records = [
        {"id": a, URL: "https://ok.example/1"},
        {"id": b, URL: "x" * 300},
        {"id": c, URL: "https://ok.example/3"},
    ]
    results = await sim_client().update_records("Contacts", records, [])
    assert [(r.id, r.ok) for r in results] == [(a, True), (b, False), (c, True)]
    assert results[1].code == "INVALID_DATA"
    assert sim.org("A").records()[a][URL] == "https://ok.example/1"
    assert sim.org("A").records()[b][URL] is None


@pytest.mark.parametrize("status", [400, 207])
async def test_all_failed_batch(sim_client: MakeSimClient, config: SimConfig, status: int) -> None:
    sim = Simulator(dataclasses.replace(config, all_failed_status=status))
    ids = seed(sim, 3)
    records = [{"id": rid, URL: "y" * 300} for rid in ids]
    results = await sim_client(transport=sim.transport()).update_records("Contacts", records, [])
    assert [r.id for r in results] == ids and not any(r.ok for r in results)
    assert {r.code for r in results} == {"INVALID_DATA"}
    assert sim.stats.calls[-1].status == status


async def test_update_of_unknown_id(sim: Simulator, sim_client: MakeSimClient) -> None:
    [rid] = seed(sim, 1)
    records = [{"id": rid, URL: "https://a.example"}, {"id": "5725767999999999999", URL: "x"}]
    results = await sim_client().update_records("Contacts", records, [])
    assert [r.ok for r in results] == [True, False]


async def test_trigger_is_sent(sim: Simulator, sim_client: MakeSimClient) -> None:
    [rid] = seed(sim, 1)
    client = sim_client()
    await client.update_records("Contacts", [{"id": rid, URL: "https://a.example"}], [])
    await client.update_records("Contacts", [{"id": rid, URL: "https://b.example"}], ["workflow"])
    assert [w.trigger for w in sim.stats.writes] == [(), ("workflow",)]


# -- tokens ----------------------------------------------------------------------------------


async def test_expiry_mid_stream_with_concurrency_refreshes_once(
    sim: Simulator, sim_client: MakeSimClient
) -> None:
    ids = seed(sim, 300)
    client = sim_client(max_concurrency=5)
    await client.get_org()
    sim.faults.expire_tokens("A")
    chunks = [ids[i : i + 30] for i in range(0, 300, 30)]
    results = await asyncio.gather(
        *(client.get_records_by_ids("Contacts", chunk, [NAME]) for chunk in chunks)
    )
    assert sum(len(r) for r in results) == 300
    assert sim.stats.token_refreshes("A") == 2 and client.stats.refreshes == 2


async def test_revocation_mid_paging(sim: Simulator, sim_client: MakeSimClient) -> None:
    seed(sim, 5000)
    client = sim_client()
    sim.faults.revoke_tokens("A", at_call=2)
    rows = await all_rows(client, f"{NAME} is not null")
    assert len(rows) == 5000
    assert sim.stats.token_refreshes("A") == 2


async def test_revoked_refresh_token(sim: Simulator, sim_client: MakeSimClient) -> None:
    client = sim_client()
    await client.get_org()
    sim.faults.revoke_refresh_token("A")
    with pytest.raises(AuthError, match="revoked or has expired") as info:
        await client.get_org()
    assert info.value.code == "invalid_code"


@pytest.mark.parametrize("status", [200, 400])
async def test_token_errors_200_or_400(
    sim_client: MakeSimClient, config: SimConfig, status: int
) -> None:
    sim = Simulator(dataclasses.replace(config, token_error_status=status))
    client = sim_client(transport=sim.transport(), client_secret=Secret("wrong"))
    with pytest.raises(AuthError, match="ORG_A_CLIENT_ID and ORG_A_CLIENT_SECRET") as info:
        await client.get_org()
    assert info.value.code == "invalid_client"


async def test_zoho_refresh_throttle(sim_client: MakeSimClient, config: SimConfig) -> None:
    sim = Simulator(dataclasses.replace(config, refresh_limit=2))
    client = sim_client(transport=sim.transport())
    for _ in range(2):
        await client.get_org()
        sim.faults.expire_tokens("A")
    with pytest.raises(AuthError, match="throttle"):
        await client.get_org()


async def test_our_refresh_budget_stops_before_zoho(
    sim: Simulator, sim_client: MakeSimClient
) -> None:
    client = sim_client()
    for _ in range(10):
        await client.get_org()
        sim.faults.expire_tokens("A")
    with pytest.raises(RefreshBudgetError):
        await client.get_org()
    assert sim.stats.token_refreshes("A") == 10


# -- limits and faults -----------------------------------------------------------------------


async def test_429_storm_and_5xx_recovered(
    sim: Simulator, sim_client: MakeSimClient, clock: FakeClock
) -> None:
    seed(sim, 10)
    client = sim_client()
    sim.faults.burst_429(4, org="A")
    sim.faults.fail_next(2, 503, org="A", path_contains="/crm/")
    assert len(await all_rows(client, f"{NAME} is not null")) == 10
    assert client.stats.retries == 6 and len(clock.sleeps) == 6


async def test_5xx_beyond_budget_raises(sim: Simulator, sim_client: MakeSimClient) -> None:
    sim.faults.fail_next(100, 500, org="A", path_contains="/crm/")
    with pytest.raises(ZohoServerError):
        await sim_client(retry_seconds=10).get_org()


async def test_spent_credits_stop_cleanly(sim: Simulator, sim_client: MakeSimClient) -> None:
    client = sim_client()
    await client.get_org()
    sim.faults.spend_credits("A")
    calls = client.stats.calls
    with pytest.raises(CreditsExhaustedError, match="credits"):
        await client.get_org()
    assert client.stats.calls == calls + 1


async def test_dropped_read_is_retried(sim: Simulator, sim_client: MakeSimClient) -> None:
    client = sim_client()
    await client.get_org()
    sim.faults.drop_next(1)
    sim.faults.drop_next(1, after_apply=True)
    assert (await client.get_org()).name == sim.org("A").name
    assert client.stats.retries == 2


async def test_dropped_write_without_triggers_is_retried(
    sim: Simulator, sim_client: MakeSimClient
) -> None:
    [rid] = seed(sim, 1)
    client = sim_client()
    await client.get_org()
    sim.faults.drop_next(1, after_apply=True, method="PUT")
    [result] = await client.update_records("Contacts", [{"id": rid, URL: "https://x.example"}], [])
    assert result.ok and sim.org("A").records()[rid][URL] == "https://x.example"


async def test_dropped_write_with_triggers_is_left_to_the_caller(
    sim: Simulator, sim_client: MakeSimClient
) -> None:
    [rid] = seed(sim, 1)
    client = sim_client()
    await client.get_org()
    sim.faults.drop_next(1, after_apply=True, method="PUT")
    with pytest.raises(ZohoConnectionError) as info:
        await client.update_records(
            "Contacts", [{"id": rid, URL: "https://x.example"}], ["workflow"]
        )
    assert info.value.write_may_have_landed
    assert sim.org("A").records()[rid][URL] == "https://x.example"  # it did land
    assert len(sim.stats.writes) == 1


# -- over a real loopback socket -------------------------------------------------------------


async def test_over_real_socket(sim: Simulator) -> None:
    ids = seed(sim, 2500)
    org = sim.org("A")
    with serve(sim) as base:
        async with ZohoClient(
            label="A",
            client_id=org.client_id,
            client_secret=Secret(org.client_secret),
            refresh_token=Secret(org.refresh_token),
            accounts_url=base,
            api_url=base,
            api_url_overridden=True,
        ) as client:
            assert (await client.get_org()).name == org.name
            rows = await all_rows(client, f"{NAME} is not null")
            assert len(rows) == 2500
            sim.faults.expire_tokens("A")
            found = await asyncio.gather(
                *(
                    client.get_records_by_ids("Contacts", ids[i : i + 10], [NAME])
                    for i in range(0, 50, 10)
                )
            )
            assert sum(len(f) for f in found) == 50
            assert sim.stats.token_refreshes("A") == 2
            sim.faults.drop_next(1, after_apply=True, method="PUT")
            with pytest.raises(ZohoConnectionError) as info:
                await client.update_records(
                    "Contacts", [{"id": ids[0], URL: "https://s.example"}], ["workflow"]
                )
            assert info.value.write_may_have_landed
            assert not isinstance(info.value.__context__, httpx.HTTPError) or (
                info.value.__suppress_context__
            )


async def test_faults_over_real_socket(sim: Simulator, clock: FakeClock) -> None:
    org = sim.org("A")
    ids = {name: org.add_record({NAME: name}) for name in PRINTABLE_HOSTILE}

    def client(base: str, timeout: float) -> ZohoClient:
        return ZohoClient(
            label="A",
            client_id=org.client_id,
            client_secret=Secret(org.client_secret),
            refresh_token=Secret(org.refresh_token),
            accounts_url=base,
            api_url=base,
            api_url_overridden=True,
            time_source=clock,
            sleep=clock.sleep,
            retry_seconds=5,
            timeout=timeout,
        )

    with serve(sim) as base:
        # a patient client: on a loaded machine a call may take a real 0.1 s, and a timeout
        # retried would be counted among the retries this part counts exactly
        async with client(base, timeout=30) as patient:
            sim.faults.burst_429(2, org="A")
            sim.faults.fail_next(1, 502, org="A", path_contains="/crm/")
            for name, rid in ids.items():
                found = await patient.search_records("Contacts", criteria_equals(NAME, name))
                assert rid in {r["id"] for r in found}
                rows = await all_rows(patient, f"{NAME} = {coql_literal(name)}")
                assert [r["id"] for r in rows] == [rid]
            assert patient.stats.retries == 3
        async with client(base, timeout=0.1) as hasty:
            await hasty.get_org()  # its token first (a slow call is retried: fake time)
            sim.faults.latency(500)  # five times the timeout: a CRM call times out for sure
            with pytest.raises(ZohoTimeoutError) as info:
                await hasty.get_org()
            assert "accounts server" not in str(info.value)
            sim.faults.latency(0)
