"""Update Records over HTTP: validation, per-record results, overall status, credits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fieldsync_tui.simulator import Simulator

from .conftest import BASE, Api, assert_error, make_sim

PUT = "/crm/v8/Contacts"


def seed(sim: Simulator, count: int, label: str = "B") -> list[str]:
    return [sim.org(label).add_record({"Full_Name": f"Firm {i}"}) for i in range(count)]


async def test_all_ok_is_200_with_success_elements(api: Api) -> None:
    ids = seed(api.sim, 2)
    api.sim.clock.advance(60)
    body = {
        "data": [
            {"id": ids[0], "WorkDrive_URL": "https://workdrive.zoho.com/f/1"},
            {"id": ids[1], "WorkDrive_Folder_ID": "abc"},
        ],
        "trigger": [],
    }
    resp = await api.put(PUT, body, "B")
    assert resp.status_code == 200
    first = resp.json()["data"][0]
    assert first["code"] == "SUCCESS" and first["status"] == "success"
    assert first["message"] == "record updated"
    assert first["details"]["id"] == ids[0]
    assert first["details"]["Modified_Time"] == "2026-11-27T10:01:00+00:00"
    assert set(first["details"]) == {
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
    }
    stored = api.sim.org("B").get(ids[0])
    assert stored is not None and stored["WorkDrive_URL"] == "https://workdrive.zoho.com/f/1"
    assert stored["Modified_Time"] == "2026-11-27T10:01:00+00:00"
    assert api.sim.stats.writes_per_record[("B", ids[0])] == 1
    assert api.sim.stats.writes[-1].trigger == ()
    assert api.sim.stats.credits("B") == 1 + 0  # 2 records: ceil(2/10)


async def test_mixed_is_207_and_all_failed_is_400(api: Api) -> None:
    ids = seed(api.sim, 2)
    mixed = await api.put(PUT, {"data": [{"id": ids[0], "Email": "a@b.c"}, {"id": "1"}]}, "B")
    assert mixed.status_code == 207
    assert [e["status"] for e in mixed.json()["data"]] == ["success", "error"]
    failed = await api.put(PUT, {"data": [{"id": "1"}, {"WorkDrive_URL": "x"}]}, "B")
    assert failed.status_code == 400
    codes = [e["code"] for e in failed.json()["data"]]
    assert codes == ["INVALID_DATA", "MANDATORY_NOT_FOUND"]
    assert api.sim.stats.writes[-1].trigger is None  # no "trigger" key sent
    assert [c.credits for c in api.sim.stats.calls if c.method == "PUT"] == [1, 0]


async def test_all_failed_status_switch() -> None:
    sim = make_sim(all_failed_status=207)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        resp = await Api(sim, client).put(PUT, {"data": [{"id": "1"}]}, "B")
    assert resp.status_code == 207 and resp.json()["data"][0]["code"] == "INVALID_DATA"


async def error_of(api: Api, record: dict[str, Any]) -> dict[str, Any]:
    resp = await api.put(PUT, {"data": [record], "trigger": []}, "B")
    element: dict[str, Any] = resp.json()["data"][0]
    assert element["status"] == "error" and set(element) == {"code", "details", "message", "status"}
    return element


async def test_per_record_validation(api: Api) -> None:
    api.sim.org("B").set_field("Contacts", "WorkDrive_Folder_ID", data_type="text", length=5)
    rid = seed(api.sim, 1)[0]
    unknown = await error_of(api, {"id": rid, "Nope": "x"})
    assert unknown["code"] == "INVALID_DATA" and unknown["details"]["api_name"] == "Nope"
    wrong_bool = await error_of(api, {"id": rid, "Transfer_Complete": "true"})
    assert wrong_bool["details"] == {
        "expected_data_type": "boolean",
        "api_name": "Transfer_Complete",
        "json_path": "$.data[0].Transfer_Complete",
    }
    wrong_text = await error_of(api, {"id": rid, "WorkDrive_Folder_ID": 123})
    assert wrong_text["details"]["expected_data_type"] == "text"
    too_long = await error_of(api, {"id": rid, "WorkDrive_Folder_ID": "123456"})
    assert too_long["details"]["maximum_length"] == 5
    bad_url = await error_of(api, {"id": rid, "WorkDrive_URL": "not a url"})
    assert bad_url["code"] == "INVALID_DATA" and "regex" in bad_url["details"]
    read_only = await error_of(api, {"id": rid, "Full_Name": "x"})
    assert read_only["code"] == "NOT_ALLOWED"
    unknown_id = await error_of(api, {"id": "6180334009999999999", "Email": "a@b.c"})
    assert unknown_id["message"] == "the id given seems to be invalid"
    assert unknown_id["details"] == {"id": "6180334009999999999"}
    no_id = await error_of(api, {"Email": "a@b.c"})
    assert no_id["code"] == "MANDATORY_NOT_FOUND"
    mandatory = await error_of(api, {"id": rid, "Last_Name": ""})
    assert mandatory["code"] == "MANDATORY_NOT_FOUND"
    api.sim.org("B").lock_record(rid)
    assert (await error_of(api, {"id": rid, "Email": "a@b.c"}))["code"] == "RECORD_LOCKED"
    api.sim.org("B").unlock_record(rid)
    ok = await api.put(PUT, {"data": [{"id": rid, "WorkDrive_Folder_ID": "12345"}]}, "B")
    assert ok.status_code == 200
    assert api.sim.stats.writes_per_record[("B", rid)] == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://workdrive.zoho.com/folder/abc?x=1",
        "www.example.com",
        "http://EXAMPLE.com:8080/p",
        "example.co.uk",
        None,
        "",
    ],
)
async def test_website_values_accepted(api: Api, url: str | None) -> None:
    rid = seed(api.sim, 1)[0]
    resp = await api.put(PUT, {"data": [{"id": rid, "WorkDrive_URL": url}]}, "B")
    assert resp.status_code == 200
    stored = api.sim.org("B").get(rid)
    assert stored is not None and stored["WorkDrive_URL"] == (url or None)


async def test_picklist_updated_from() -> None:
    sim = make_sim(updated_from_type="picklist", updated_from_options=("fieldsync", "manual"))
    rid = seed(sim, 1)[0]
    assert sim.env("http://x")["CRM_RECORD_UPDATED_FROM_VALUE"] == "fieldsync"
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        ok = await api.put(PUT, {"data": [{"id": rid, "Record_Updated_From": "fieldsync"}]}, "B")
        bad = await api.put(PUT, {"data": [{"id": rid, "Record_Updated_From": "other"}]}, "B")
    assert ok.status_code == 200 and bad.status_code == 400


async def test_request_level_errors(api: Api) -> None:
    ids = seed(api.sim, 101)
    body = {"data": [{"id": i, "Email": "a@b.c"} for i in ids]}
    assert_error(await api.put(PUT, body, "B"), 400, "LIMIT_EXCEEDED")
    assert_error(await api.put(PUT, {"data": []}, "B"), 400, "INVALID_DATA")
    assert_error(await api.put(PUT, {"trigger": []}, "B"), 400, "REQUIRED_PARAM_MISSING")
    assert_error(
        await api.put(PUT, {"data": [{"id": ids[0]}], "trigger": ["fire"]}, "B"),
        400,
        "INVALID_DATA",
    )
    assert_error(
        await api.put("/crm/v8/Nope", {"data": [{"id": ids[0]}]}, "B"), 400, "INVALID_MODULE"
    )
    raw = await api.client.put(PUT, content=b"not json", headers=await api.headers("B"))
    assert_error(raw, 400, "INVALID_DATA")
    assert sum(api.sim.stats.writes_per_record.values()) == 0


async def test_hundred_records_cost_ten_credits_and_no_content_type_needed(api: Api) -> None:
    ids = seed(api.sim, 100)
    import json

    payload = json.dumps(
        {"data": [{"id": i, "Transfer_Complete": True} for i in ids], "trigger": []}
    )
    resp = await api.client.put(PUT, content=payload.encode(), headers=await api.headers("B"))
    assert resp.status_code == 200 and "content-type" not in resp.request.headers
    assert api.sim.stats.credits("B") == 10


async def test_single_record_put(api: Api) -> None:
    rid = seed(api.sim, 1)[0]
    resp = await api.put(f"{PUT}/{rid}", {"data": [{"Email": "x@y.z"}]}, "B")
    assert resp.status_code == 200 and resp.json()["data"][0]["details"]["id"] == rid
    missing = await api.put(f"{PUT}/6180334009999999999", {"data": [{"Email": "x@y.z"}]}, "B")
    assert missing.status_code == 400 and missing.json()["data"][0]["code"] == "INVALID_DATA"


async def test_edit_before_write_fault(api: Api) -> None:
    rid = seed(api.sim, 1)[0]
    api.sim.faults.edit_before_write("B", rid, {"WorkDrive_URL": "https://other.example.com"})
    api.sim.clock.advance(1)
    await api.put(PUT, {"data": [{"id": rid, "WorkDrive_Folder_ID": "f"}]}, "B")
    stored = api.sim.org("B").get(rid)
    assert stored is not None
    assert (
        stored["WorkDrive_URL"] == "https://other.example.com"
        and stored["WorkDrive_Folder_ID"] == "f"
    )
