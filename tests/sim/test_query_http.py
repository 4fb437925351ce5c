"""Search and COQL over HTTP: limits, 204s, credits, keyset paging over 200,000 records."""

from __future__ import annotations

import httpx

from fieldsync_tui.simulator.bench_dataset import populate_bench

from .conftest import BASE, Api, assert_error, make_sim

SEARCH = "/crm/v8/Contacts/search"


async def test_search_modes_and_204(api: Api) -> None:
    org = api.sim.org("A")
    org.add_record({"Full_Name": "Burns,B", "Email": "burns@example.com"})
    org.add_record({"Full_Name": "Patricia(Boyle)", "Phone": "+44 20 1234"})
    resp = await api.get(SEARCH, criteria=r"(Full_Name:equals:Burns\,B)")
    assert [r["Full_Name"] for r in resp.json()["data"]] == ["Burns,B"]
    assert resp.json()["info"] == {"per_page": 200, "count": 1, "page": 1, "more_records": False}
    resp = await api.get(SEARCH, criteria=r"(Full_Name:equals:patricia\(boyle\))", fields="Email")
    assert resp.json()["data"][0] == {"Email": None, "id": resp.json()["data"][0]["id"]}
    assert (await api.get(SEARCH, email="BURNS@example.com")).json()["info"]["count"] == 1
    assert (await api.get(SEARCH, phone="1234")).json()["info"]["count"] == 1
    assert (await api.get(SEARCH, word="boyle")).json()["info"]["count"] == 1
    assert (await api.get(SEARCH, criteria="(Full_Name:equals:nobody)")).status_code == 204
    assert_error(await api.get(SEARCH), 400, "EXPECTED_PARAM_MISSING")
    assert_error(await api.get(SEARCH, word="b"), 400, "INVALID_QUERY")
    assert_error(await api.get(SEARCH, criteria="(Nope:equals:x)"), 400, "INVALID_QUERY")
    assert_error(await api.get(SEARCH, criteria="Full_Name:equals:x"), 400, "INVALID_QUERY")
    assert_error(await api.get("/crm/v8/Nope/search", word="xx"), 400, "INVALID_MODULE")


def chain(count: int) -> str:
    text = "(Full_Name:starts_with:a)"
    for _ in range(count - 1):
        text = f"({text}or(Full_Name:starts_with:b))"
    return text


async def test_search_criteria_cap_switch() -> None:
    for cap in (10, 15):
        sim = make_sim(search_criteria_cap=cap)
        async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
            api = Api(sim, client)
            assert (await api.get(SEARCH, criteria=chain(cap))).status_code == 204
            assert_error(await api.get(SEARCH, criteria=chain(cap + 1)), 400, "LIMIT_EXCEEDED")


async def test_search_2000_record_cap(api: Api) -> None:
    for i in range(5):
        api.sim.org("A").add_record({"Full_Name": f"Acme {i}"})
    ok = await api.get(SEARCH, criteria="(Full_Name:starts_with:acme)", per_page=2, page=2)
    assert ok.json()["info"] == {"per_page": 2, "count": 2, "page": 2, "more_records": True}
    body = assert_error(
        await api.get(SEARCH, criteria="(Full_Name:starts_with:acme)", per_page=200, page=11),
        400,
        "LIMIT_REACHED",
    )
    assert body["details"] == {"limit": "2000"}


async def test_coql_http_shape_204_and_credits(api: Api) -> None:
    rid = api.sim.org("A").add_record({"Full_Name": "Acme"})
    resp = await api.coql("select Full_Name from Contacts where Full_Name = 'acme'")
    assert resp.json() == {
        "data": [{"Full_Name": "Acme", "id": rid}],
        "info": {"count": 1, "more_records": False},
    }
    empty = await api.coql("select Full_Name from Contacts where Full_Name = 'zzz' limit 1001")
    assert empty.status_code == 204 and empty.content == b""
    assert [c.credits for c in api.sim.stats.calls if c.path == "/crm/v8/coql"] == [1, 3]


async def test_coql_http_errors(api: Api) -> None:
    body = assert_error(await api.coql("select Full_Name from Contacts"), 400, "SYNTAX_ERROR")
    assert body["details"]["clause"] == "where"
    body = assert_error(
        await api.coql("select Emial from Contacts where id is not null"), 400, "INVALID_QUERY"
    )
    assert body["details"]["column_name"] == "Emial"
    assert_error(await api.coql("select a from Nope where id is not null"), 400, "INVALID_MODULE")
    assert_error(
        await api.coql("select Full_Name from Contacts where id is not null limit 5000"),
        400,
        "LIMIT_EXCEEDED",
    )
    no_query = await api.client.post("/crm/v8/coql", json={}, headers=await api.headers("A"))
    assert_error(no_query, 400, "REQUIRED_PARAM_MISSING")
    bad_json = await api.client.post("/crm/v8/coql", content=b"{", headers=await api.headers("A"))
    assert_error(bad_json, 400, "INVALID_DATA")
    assert sum(c.credits for c in api.sim.stats.calls) == 0  # failed calls cost nothing


async def test_coql_in_cap_and_case_switches() -> None:
    sim = make_sim(coql_in_cap=100, coql_case_insensitive=False)
    sim.org("A").add_record({"Full_Name": "Acme"})
    values = ", ".join(f"'n{i}'" for i in range(99)) + ", 'Acme'"
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        hit = await api.coql(f"select Full_Name from Contacts where Full_Name in ({values})")
        assert hit.json()["info"]["count"] == 1
        miss = await api.coql("select Full_Name from Contacts where Full_Name = 'acme'")
        assert miss.status_code == 204


async def test_coql_keyset_paging_over_200000_records() -> None:
    sim = make_sim()
    populate_bench(sim, 100_000, 200_000)
    seen = 0
    last = "0"
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        while True:
            resp = await api.coql(
                "select Full_Name, WorkDrive_URL from Contacts where "
                f"(Full_Name is not null and id > {last}) order by id asc limit 2000",
                "B",
            )
            if resp.status_code == 204:
                break
            rows = resp.json()["data"]
            assert rows[0]["id"] > last
            seen += len(rows)
            last = rows[-1]["id"]
    assert seen == 200_000
    assert sim.stats.credits("B") == 101 * 3  # the final, empty page (204) is charged too
