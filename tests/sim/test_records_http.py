"""Get Records, one record, field metadata and routing over HTTP."""

from __future__ import annotations

import httpx
import pytest

from fieldsync_tui.simulator import Simulator
from fieldsync_tui.simulator.bench_dataset import populate_bench

from .conftest import BASE, Api, assert_error, make_sim

LIST = "/crm/v8/Contacts"


def add(sim: Simulator, count: int, label: str = "A") -> list[str]:
    return [sim.org(label).add_record({"Full_Name": f"Name {i:05d}"}) for i in range(count)]


async def test_fields_metadata(api: Api) -> None:
    resp = await api.get("/crm/v8/settings/fields", module="Contacts")
    fields = {f["api_name"]: f for f in resp.json()["fields"]}
    assert fields["WorkDrive_URL"]["data_type"] == "website"
    assert fields["WorkDrive_URL"]["length"] == 255
    assert fields["Transfer_Complete"]["json_type"] == "boolean"
    assert fields["Full_Name"]["read_only"] is True
    assert fields["Last_Name"]["system_mandatory"] is True
    keys = {"api_name", "field_label", "display_label", "data_type", "json_type", "length"}
    keys |= {"read_only", "field_read_only", "system_mandatory", "custom_field", "id"}
    assert keys | {"pick_list_values"} <= set(fields["Email"])
    assert_error(await api.get("/crm/v8/settings/fields"), 400, "REQUIRED_PARAM_MISSING")
    assert_error(await api.get("/crm/v8/settings/fields", module="Nope"), 400, "INVALID_MODULE")


async def test_configured_fields_and_custom_module(sim: Simulator, api: Api) -> None:
    sim.org("B").set_field("Contacts", "WorkDrive_Folder_ID", data_type="text", length=20)
    sim.org("B").set_field("Projects", "Code", data_type="picklist", pick_list=["x", "y"])
    fields = (await api.get("/crm/v8/settings/fields", "B", module="Contacts")).json()["fields"]
    assert next(f for f in fields if f["api_name"] == "WorkDrive_Folder_ID")["length"] == 20
    custom = (await api.get("/crm/v8/settings/fields", "B", module="Projects")).json()["fields"]
    names = {f["api_name"]: f for f in custom}
    assert names["Name"]["system_mandatory"] and "Full_Name" not in names
    assert [v["actual_value"] for v in names["Code"]["pick_list_values"]] == ["x", "y"]
    assert_error(
        await api.get("/crm/v8/settings/fields", "A", module="Projects"), 400, "INVALID_MODULE"
    )


async def test_list_requires_fields_and_caps_them(api: Api) -> None:
    add(api.sim, 1)
    body = assert_error(await api.get(LIST), 400, "REQUIRED_PARAM_MISSING")
    assert body["details"] == {"param_name": "fields"}
    many = ",".join(f"F{i}" for i in range(51))
    assert_error(await api.get(LIST, fields=many), 400, "LIMIT_EXCEEDED")


async def test_list_shape_default_order_and_204(api: Api) -> None:
    assert (await api.get(LIST, fields="Full_Name")).status_code == 204
    ids = add(api.sim, 3)
    resp = await api.get(LIST, fields="Full_Name,Transfer_Complete,Email")
    body = resp.json()
    assert [r["id"] for r in body["data"]] == ids[::-1]  # default sort_order desc
    assert body["data"][0] == {
        "Full_Name": "Name 00002",
        "Transfer_Complete": False,
        "Email": None,
        "id": ids[2],
    }
    info = body["info"]
    assert info["count"] == 3 and info["more_records"] is False and info["page"] == 1
    assert info["next_page_token"] is None and info["sort_order"] == "desc"
    assert {
        "per_page",
        "sort_by",
        "previous_page_token",
        "page_token_expiry",
        "call",
        "email",
    } <= set(info)
    assert resp.headers["content-type"].startswith("application/json")


async def test_sorting_whitelist(api: Api) -> None:
    ids = add(api.sim, 3)
    api.sim.clock.advance(5)
    api.sim.org("A").edit_as_other_user(ids[0], {"Email": "x@example.com"})
    resp = await api.get(LIST, fields="Full_Name", sort_by="Modified_Time", sort_order="desc")
    assert resp.json()["data"][0]["id"] == ids[0]
    asc = await api.get(LIST, fields="Full_Name", sort_by="id", sort_order="asc")
    assert [r["id"] for r in asc.json()["data"]] == ids
    assert_error(await api.get(LIST, fields="Full_Name", sort_by="Full_Name"), 400, "INVALID_DATA")
    assert_error(await api.get(LIST, fields="Full_Name", sort_order="up"), 400, "INVALID_DATA")


async def test_per_page_above_200_error_or_clamp() -> None:
    for mode, status in (("error", 400), ("clamp", 200)):
        sim = make_sim(per_page_over_max=mode)
        add(sim, 201)
        async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
            resp = await Api(sim, client).get(LIST, fields="Full_Name", per_page=201)
        assert resp.status_code == status
        if status == 200:
            assert len(resp.json()["data"]) == 200 and resp.json()["info"]["per_page"] == 200


async def test_discrete_pages_stop_at_2000(api: Api) -> None:
    add(api.sim, 25)
    assert (await api.get(LIST, fields="Full_Name", per_page=200, page=10)).status_code == 204
    body = assert_error(
        await api.get(LIST, fields="Full_Name", per_page=200, page=11),
        400,
        "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
    )
    assert "2000" in body["message"]
    assert_error(
        await api.get(LIST, fields="Full_Name", per_page=2, page=1001),
        400,
        "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
    )


async def test_page_token_walk_and_errors(api: Api) -> None:
    ids = add(api.sim, 7)
    params = {"fields": "Full_Name", "per_page": 3, "sort_order": "asc"}
    seen: list[str] = []
    first = (await api.get(LIST, **params)).json()
    seen += [r["id"] for r in first["data"]]
    token = first["info"]["next_page_token"]
    assert first["info"]["page_token_expiry"] == "2026-11-28T10:00:00+00:00"
    while token:
        page = (await api.get(LIST, **params, page_token=token)).json()
        seen += [r["id"] for r in page["data"]]
        assert page["info"]["previous_page_token"] == token
        token = page["info"]["next_page_token"]
    assert seen == ids
    token = first["info"]["next_page_token"]
    assert_error(
        await api.get(
            LIST, fields="Full_Name,Email", per_page=3, sort_order="asc", page_token=token
        ),
        400,
        "TOKEN_BOUND_DATA_MISMATCH",
    )
    assert_error(await api.get(LIST, **params, page_token="bogus"), 400, "INVALID_DATA")
    assert_error(
        await api.get(LIST, **params, page_token=token, page=2), 400, "AMBIGUITY_DURING_PROCESSING"
    )
    assert_error(await api.get(LIST, "B", **params, page_token=token), 400, "INVALID_DATA")
    api.sim.clock.advance(86_400)
    api.tokens.clear()  # the access token died long ago; the page token is what we test
    assert_error(await api.get(LIST, **params, page_token=token), 400, "EXPIRED_VALUE")


async def test_page_token_reach_stops_at_100000() -> None:
    sim = make_sim()
    populate_bench(sim, 0, 100_001)  # Org B
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        params = {"fields": "Full_Name", "per_page": 200, "sort_order": "asc"}
        resp = await api.get(LIST, "B", **params)
        pages = 1
        while resp.json()["info"]["more_records"]:
            token = resp.json()["info"]["next_page_token"]
            resp = await api.get(LIST, "B", **params, page_token=token)
            if resp.status_code != 200:
                break
            pages += 1
    assert pages == 500
    body = assert_error(resp, 400, "PAGINATION_LIMIT_EXCEEDED")
    assert "100000" in body["message"]


async def test_ids_parameter_and_cap() -> None:
    for cap in (100, 50):
        sim = make_sim(ids_cap=cap)
        ids = add(sim, cap + 1)
        async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
            api = Api(sim, client)
            ok = await api.get(LIST, fields="Full_Name", ids=",".join(ids[:cap]))
            assert ok.json()["info"]["count"] == cap
            too_many = await api.get(LIST, fields="Full_Name", ids=",".join(ids))
            assert_error(too_many, 400, "LIMIT_EXCEEDED")
            sim.org("A").delete_record(ids[0])
            some = await api.get(LIST, fields="Full_Name", ids=f"{ids[0]},{ids[1]}")
            assert [r["id"] for r in some.json()["data"]] == [ids[1]]
            gone = await api.get(LIST, fields="Full_Name", ids=ids[0])
            assert gone.status_code == 204


async def test_single_record(api: Api) -> None:
    rid = api.sim.org("A").add_record({"First_Name": "Ada", "Last_Name": "Lovelace"})
    record = (await api.get(f"{LIST}/{rid}")).json()["data"][0]
    assert record["Full_Name"] == "Ada Lovelace" and record["id"] == rid
    assert record["Created_Time"] == "2026-11-27T10:00:00+00:00"
    body = assert_error(await api.get(f"{LIST}/5725767009999999999"), 400, "INVALID_DATA")
    assert body["details"] == {"id": "5725767009999999999"}


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/crm/v8/Nope", 400, "INVALID_MODULE"),
        ("GET", "/crm/v8/Nope/123", 400, "INVALID_MODULE"),
        ("GET", "/crm/v2/Contacts", 404, "INVALID_URL_PATTERN"),
        ("GET", "/crm/v8/Contacts/abc/def", 404, "INVALID_URL_PATTERN"),
        ("GET", "/crm/v8/settings/modules", 404, "INVALID_URL_PATTERN"),
        ("GET", "/", 404, "INVALID_URL_PATTERN"),
        ("DELETE", "/crm/v8/Contacts", 400, "INVALID_REQUEST_METHOD"),
        ("GET", "/crm/v8/coql", 400, "INVALID_REQUEST_METHOD"),
    ],
)
async def test_routing_errors(api: Api, method: str, path: str, status: int, code: str) -> None:
    resp = await api.client.request(
        method, path, params={"fields": "Full_Name"}, headers=await api.headers("A")
    )
    assert_error(resp, status, code)


async def test_record_ids_are_19_digits_with_org_prefix(sim: Simulator) -> None:
    a_ids = add(sim, 3, "A")
    b_ids = add(sim, 2, "B")
    assert all(len(i) == 19 and i.isdigit() for i in a_ids + b_ids)
    assert a_ids == sorted(a_ids) and len({i[:7] for i in a_ids}) == 1
    assert a_ids[0][:7] != b_ids[0][:7]
