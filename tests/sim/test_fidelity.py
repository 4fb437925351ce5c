"""Fidelity details: exact shapes, conditional requests, cvid, index lag, UNCONFIRMED switches."""

from __future__ import annotations

import time
from typing import Any

import httpx

from fieldsync_tui.simulator import Simulator
from fieldsync_tui.simulator.bench_dataset import populate_bench
from fieldsync_tui.simulator.clock import iso

from .conftest import BASE, Api, assert_error, make_sim

LIST = "/crm/v8/Contacts"
GET_RECORDS_INFO = {
    *("call", "per_page", "next_page_token", "count", "sort_by", "page"),
    *("previous_page_token", "page_token_expiry", "sort_order", "email", "more_records"),
}


def add(sim: Simulator, count: int, label: str = "A") -> list[str]:
    return [sim.org(label).add_record({"Full_Name": f"Name {i:03d}"}) for i in range(count)]


async def _with_switches(**switches: Any) -> tuple[Simulator, Api, httpx.AsyncClient]:
    sim = make_sim(**switches)
    client = httpx.AsyncClient(transport=sim.transport(), base_url=BASE)
    return sim, Api(sim, client), client


async def test_empty_answers_are_bare_204(api: Api) -> None:
    answers = [
        await api.get(LIST, fields="Full_Name"),
        await api.get(f"{LIST}/search", criteria="(Full_Name:equals:x)"),
        await api.coql("select Full_Name from Contacts where id is not null"),
    ]
    for resp in answers:
        assert resp.status_code == 204 and resp.content == b""
        assert "content-type" not in resp.headers and "content-length" not in resp.headers


async def test_info_keys_exactly_as_documented(api: Api) -> None:
    add(api.sim, 3)
    listed = (await api.get(LIST, fields="Full_Name", per_page="2")).json()["info"]
    assert set(listed) == GET_RECORDS_INFO and listed["more_records"] is True
    assert isinstance(listed["next_page_token"], str) and listed["page_token_expiry"]
    coql = (await api.coql("select Full_Name from Contacts where id is not null")).json()
    assert coql["info"] == {"count": 3, "more_records": False}


async def test_if_modified_since_on_lists_and_single_records(api: Api) -> None:
    old, fresh = add(api.sim, 2)
    api.sim.clock.advance(120)
    since = iso(api.sim.clock.now())
    api.sim.clock.advance(60)
    headers = {**await api.headers("A"), "If-Modified-Since": since}
    params = {"fields": "Full_Name"}
    resp = await api.client.get(LIST, params=params, headers=headers)
    assert resp.status_code == 304 and resp.content == b""
    api.sim.org("A").edit_as_other_user(fresh, {"First_Name": "New"})
    resp = await api.client.get(LIST, params=params, headers=headers)
    assert resp.status_code == 200 and [r["id"] for r in resp.json()["data"]] == [fresh]
    single = await api.client.get(f"{LIST}/{old}", headers=headers)
    assert single.status_code == 304
    assert (await api.client.get(f"{LIST}/{fresh}", headers=headers)).status_code == 200
    bad = {**headers, "If-Modified-Since": "yesterday"}
    assert_error(await api.client.get(LIST, params=params, headers=bad), 400, "INVALID_DATA")


async def test_if_unmodified_since_refuses_the_whole_write(api: Api) -> None:
    one, two = add(api.sim, 2, "B")
    api.sim.clock.advance(60)
    since = iso(api.sim.clock.now())
    api.sim.clock.advance(60)
    api.sim.org("B").edit_as_other_user(two, {"First_Name": "Other"})
    headers = {**await api.headers("B"), "If-Unmodified-Since": since}
    body = {"data": [{"id": one, "WorkDrive_URL": "a.example.com"}, {"id": two}], "trigger": []}
    resp = await api.client.put(LIST, json=body, headers=headers)
    assert assert_error(resp, 412, "ALREADY_MODIFIED")["details"] == {"id": two}
    assert api.sim.org("B").get(one)["WorkDrive_URL"] is None
    body = {"data": [{"id": one, "WorkDrive_URL": "a.example.com"}], "trigger": []}
    resp = await api.client.put(LIST, json=body, headers=headers)
    assert resp.status_code == 200


async def test_cvid_costs_three_credits_is_heavy_and_excludes_sort_by() -> None:
    sim, api, client = await _with_switches(sub_concurrency_cap=0)
    async with client:
        add(sim, 2)
        view = sim.org("A").module().view_id
        resp = await api.get(LIST, fields="Full_Name", cvid=view)
        assert_error(resp, 429, "TOO_MANY_REQUESTS")  # the heavy pool has no room
    sim, api, client = await _with_switches()
    async with client:
        add(sim, 2)
        view = sim.org("A").module().view_id
        resp = await api.get(LIST, fields="Full_Name", cvid=view)
        assert resp.status_code == 200 and sim.stats.calls[-1].credits == 3
        assert (await api.get(LIST, fields="Full_Name")).status_code == 200
        assert sim.stats.calls[-1].credits == 1
        both = await api.get(LIST, fields="Full_Name", cvid=view, sort_by="id")
        assert_error(both, 400, "AMBIGUITY_DURING_PROCESSING")
        assert_error(await api.get(LIST, fields="Full_Name", cvid="1"), 400, "INVALID_DATA")


async def test_search_does_not_see_fresh_writes_until_indexed(api: Api) -> None:
    (rid,) = add(api.sim, 1, "B")
    body = {"data": [{"id": rid, "First_Name": "Zed"}], "trigger": []}
    assert (await api.put(LIST, body, "B")).status_code == 200
    search = f"{LIST}/search"
    assert (await api.get(search, "B", criteria="(First_Name:equals:Zed)")).status_code == 204
    coql = "select First_Name from Contacts where First_Name = 'Zed'"
    assert (await api.coql(coql, "B")).status_code == 200  # COQL reads after write
    api.sim.clock.advance(api.sim.config.search_index_lag + 1)
    found = await api.get(search, "B", criteria="(First_Name:equals:Zed)")
    assert found.status_code == 200 and found.json()["data"][0]["id"] == rid


async def test_bearer_prefix_is_refused_unless_switched_on(api: Api) -> None:
    token = await api.token("A")
    resp = await api.client.get("/crm/v8/org", headers={"Authorization": f"Bearer {token}"})
    assert_error(resp, 401, "AUTHENTICATION_FAILURE")
    _, other, client = await _with_switches(accept_bearer=True)
    async with client:
        token = await other.token("A")
        resp = await client.get("/crm/v8/org", headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200


async def test_failed_calls_are_free_unless_switched_on(api: Api) -> None:
    (rid,) = add(api.sim, 1, "B")
    bad = {"data": [{"id": rid, "Transfer_Complete": "yes"}] * 11, "trigger": []}
    assert (await api.put(LIST, bad, "B")).status_code == 400
    assert api.sim.stats.calls[-1].credits == 0
    sim, other, client = await _with_switches(charge_failed_calls=True)
    async with client:
        (rid,) = add(sim, 1, "B")
        bad = {"data": [{"id": rid, "Transfer_Complete": "yes"}] * 11, "trigger": []}
        assert (await other.put(LIST, bad, "B")).status_code == 400
        assert sim.stats.calls[-1].credits == 2
        assert (await other.get(LIST, "B")).status_code == 400  # no fields=
        assert sim.stats.calls[-1].credits == 1
        assert (await client.get("/crm/v8/org")).status_code == 401
        assert sim.stats.calls[-1].credits == 0


async def test_limit_comma_form_is_a_switch(api: Api) -> None:
    add(api.sim, 3)
    query = "select Full_Name from Contacts where id is not null order by id limit 1, 2"
    assert_error(await api.coql(query), 400, "SYNTAX_ERROR")
    sim, other, client = await _with_switches(coql_limit_comma=True)
    async with client:
        ids = add(sim, 3)
        resp = await other.coql(query)
        assert [r["id"] for r in resp.json()["data"]] == ids[1:]


async def _put_one(api: Api, rid: str, values: dict[str, Any]) -> dict[str, Any]:
    resp = await api.put(LIST, {"data": [{"id": rid, **values}], "trigger": []}, "B")
    element: dict[str, Any] = resp.json()["data"][0]
    return element


async def test_read_only_and_boolean_string_switches(api: Api) -> None:
    (rid,) = add(api.sim, 1, "B")
    assert (await _put_one(api, rid, {"Full_Name": "X"}))["code"] == "NOT_ALLOWED"
    assert (await _put_one(api, rid, {"Transfer_Complete": "true"}))["details"] == {
        "expected_data_type": "boolean",
        "api_name": "Transfer_Complete",
        "json_path": "$.data[0].Transfer_Complete",
    }
    sim, other, client = await _with_switches(read_only_write="ignore", boolean_strings=True)
    async with client:
        (rid,) = add(sim, 1, "B")
        element = await _put_one(other, rid, {"Full_Name": "X", "Transfer_Complete": "true"})
        assert element["status"] == "success"
        stored = sim.org("B").get(rid)
        assert stored is not None and stored["Full_Name"] == "Name 000"
        assert stored["Transfer_Complete"] is True


async def test_missing_record_method_and_search_pool_switches(api: Api) -> None:
    unknown = "5725767999999999999"
    assert_error(await api.get(f"{LIST}/{unknown}"), 400, "INVALID_DATA")
    headers = await api.headers("A")
    assert_error(await api.client.delete(LIST, headers=headers), 400, "INVALID_REQUEST_METHOD")
    assert_error(await api.client.get("/oauth/v2/token"), 400, "INVALID_REQUEST_METHOD")
    switches = {"missing_record": "204", "bad_method_status": 405, "search_is_heavy": True}
    _, other, client = await _with_switches(sub_concurrency_cap=0, **switches)
    async with client:
        resp = await other.get(f"{LIST}/{unknown}")
        assert resp.status_code == 204 and resp.content == b""
        headers = await other.headers("A")
        assert_error(await client.delete(LIST, headers=headers), 405, "INVALID_REQUEST_METHOD")
        search = await other.get(f"{LIST}/search", criteria="(Full_Name:equals:x)")
        assert_error(search, 429, "TOO_MANY_REQUESTS")


async def test_get_records_walks_100000_of_200000_quickly() -> None:
    sim, api, client = await _with_switches()
    async with client:
        populate_bench(sim, 1, 200_000)
        started = time.monotonic()
        params, seen, token = {"fields": "Full_Name"}, 0, None
        while True:
            resp = await api.get(LIST, "B", **params, **({"page_token": token} if token else {}))
            if resp.status_code == 400:
                assert resp.json()["code"] == "PAGINATION_LIMIT_EXCEEDED"
                break
            info = resp.json()["info"]
            seen, token = seen + info["count"], info["next_page_token"]
        assert seen == 100_000
        assert time.monotonic() - started < 10  # ~0.5 s here; a per-page O(n) copy shows up
