"""update_records: body, result mapping (id / position / mismatch), 200/207/400, write retries."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fieldsync_tui.zoho.batch import map_results
from fieldsync_tui.zoho.errors import (
    BatchMappingError,
    ZohoAPIError,
    ZohoConnectionError,
    ZohoServerError,
    ZohoTimeoutError,
)

from .conftest import FakeZoho, MakeClient, body_of, zoho_error, zoho_json

RECORDS = [{"id": "11", "X": "a"}, {"id": "12", "X": "b"}, {"id": "13", "X": "c"}]


def ok(rid: str | None) -> dict[str, Any]:
    details = {"id": rid, "Modified_Time": "2024-05-02T11:17:33+05:30"} if rid else {}
    return {"code": "SUCCESS", "details": details, "message": "record updated", "status": "success"}


def bad(rid: str | None = None, code: str = "INVALID_DATA") -> dict[str, Any]:
    details: dict[str, Any] = {"api_name": "X", "json_path": "$.data[0].X"}
    if rid:
        details["id"] = rid
    return {"code": code, "details": details, "message": "invalid data", "status": "error"}


def _put(fake: FakeZoho, status: int, data: Any, seen: list[Any] | None = None) -> None:
    @fake.route("PUT", "/crm/v8/Contacts")
    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(body_of(request))
        return zoho_json(status, {"data": data} if data is not None else {})


async def test_body_and_success_by_id(fake: FakeZoho, make_client: MakeClient) -> None:
    seen: list[Any] = []
    _put(fake, 200, [ok("13"), ok("11"), ok("12")], seen)  # any order: mapped by details.id
    client = make_client()
    results = await client.update_records("Contacts", RECORDS, ["workflow"])
    assert seen == [{"data": RECORDS, "trigger": ["workflow"]}]
    assert [(r.id, r.ok, r.code) for r in results] == [
        ("11", True, "SUCCESS"),
        ("12", True, "SUCCESS"),
        ("13", True, "SUCCESS"),
    ]
    assert client.stats.credits == 1


async def test_empty_trigger_is_sent(fake: FakeZoho, make_client: MakeClient) -> None:
    seen: list[Any] = []
    _put(fake, 200, [ok("11")], seen)
    await make_client().update_records("Contacts", RECORDS[:1], [])
    assert seen[0]["trigger"] == []


async def test_207_mixed_by_position_when_errors_lack_ids(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    _put(fake, 207, [ok("11"), bad(), ok("13")])
    results = await make_client().update_records("Contacts", RECORDS, [])
    assert [(r.id, r.ok) for r in results] == [("11", True), ("12", False), ("13", True)]
    assert results[1].code == "INVALID_DATA" and results[1].details["api_name"] == "X"


@pytest.mark.parametrize("status", [400, 207])
async def test_all_failed_batch_400_or_207(
    fake: FakeZoho, make_client: MakeClient, status: int
) -> None:
    _put(fake, status, [bad("11"), bad("12", "DUPLICATE_DATA"), bad("13")])
    results = await make_client().update_records("Contacts", RECORDS, [])
    assert [r.ok for r in results] == [False, False, False]
    assert [r.code for r in results] == ["INVALID_DATA", "DUPLICATE_DATA", "INVALID_DATA"]


async def test_single_record_400_with_data(fake: FakeZoho, make_client: MakeClient) -> None:
    _put(fake, 400, [bad()])
    [result] = await make_client().update_records("Contacts", RECORDS[:1], [])
    assert result.id == "11" and not result.ok


@pytest.mark.parametrize(
    "data",
    [
        [ok("11"), ok("12")],  # fewer results than records, no full id cover
        [ok("11"), ok("12"), ok("99")],  # an id we never sent
        [ok("11"), ok("11"), ok("13")],  # an id twice
        [ok("12"), bad(), ok("13")],  # positions contradict ids
        [ok("11"), ok("12"), ok("13"), ok(None)],  # more results than records
    ],
)
async def test_unmappable_answers_raise(
    fake: FakeZoho, make_client: MakeClient, data: list[Any]
) -> None:
    _put(fake, 207, data)
    with pytest.raises(BatchMappingError):
        await make_client().update_records("Contacts", RECORDS, [])


@pytest.mark.parametrize("status", [200, 207])
async def test_answer_without_data_raises(
    fake: FakeZoho, make_client: MakeClient, status: int
) -> None:
    _put(fake, status, None)
    with pytest.raises(BatchMappingError):
        await make_client().update_records("Contacts", RECORDS, [])


async def test_flat_envelope_raises_typed_error(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("PUT", "/crm/v8/Contacts")(lambda r: zoho_error(400, "INVALID_MODULE", "bad module"))
    with pytest.raises(ZohoAPIError) as info:
        await make_client().update_records("Contacts", RECORDS, [])
    assert info.value.code == "INVALID_MODULE" and not isinstance(info.value, BatchMappingError)


async def test_wrapped_request_error_for_a_batch(fake: FakeZoho, make_client: MakeClient) -> None:
    _put(fake, 400, [{"code": "LIMIT_EXCEEDED", "details": {}, "message": "m", "status": "error"}])
    with pytest.raises(ZohoAPIError) as info:
        await make_client().update_records("Contacts", RECORDS, [])
    assert info.value.code == "LIMIT_EXCEEDED"


async def test_batch_limits_and_validation(make_client: MakeClient) -> None:
    client = make_client()
    with pytest.raises(ValueError, match="100"):
        await client.update_records("Contacts", [{"id": str(i)} for i in range(101)], [])
    assert await client.update_records("Contacts", [], []) == []
    with pytest.raises(ValueError, match="no id"):
        await client.update_records("Contacts", [{"X": 1}], [])
    with pytest.raises(ValueError, match="twice"):
        await client.update_records("Contacts", [{"id": "1"}, {"id": "1"}], [])
    with pytest.raises(ValueError, match="trigger"):
        await client.update_records("Contacts", [{"id": "1"}], ["everything"])
    assert client.stats.calls == 0


async def test_100_records_cost_10_credits(fake: FakeZoho, make_client: MakeClient) -> None:
    records = [{"id": str(i)} for i in range(1, 101)]
    _put(fake, 200, [ok(r["id"]) for r in records])
    client = make_client()
    assert len(await client.update_records("Contacts", records, [])) == 100
    assert client.stats.credits == 10


def _flaky_put(fake: FakeZoho, failure: Exception | httpx.Response) -> list[int]:
    calls: list[int] = []

    @fake.route("PUT", "/crm/v8/Contacts")
    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            if isinstance(failure, Exception):
                raise failure
            return failure
        return zoho_json(200, {"data": [ok("11")]})

    return calls


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadError("reset"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("eof"),
        zoho_error(500, "INTERNAL_ERROR"),
    ],
)
async def test_write_without_triggers_is_retried(
    fake: FakeZoho, make_client: MakeClient, failure: Exception | httpx.Response
) -> None:
    calls = _flaky_put(fake, failure)
    [result] = await make_client().update_records("Contacts", RECORDS[:1], [])
    assert result.ok and len(calls) == 2


@pytest.mark.parametrize(
    ("failure", "cls"),
    [
        (httpx.ReadError("reset"), ZohoConnectionError),
        (httpx.ReadTimeout("slow"), ZohoTimeoutError),
        (zoho_error(502, "BAD_GATEWAY"), ZohoServerError),
    ],
)
async def test_write_with_triggers_is_not_retried_after_it_may_have_landed(
    fake: FakeZoho, make_client: MakeClient, failure: Exception | httpx.Response, cls: type
) -> None:
    calls = _flaky_put(fake, failure)
    with pytest.raises(cls) as info:
        await make_client().update_records("Contacts", RECORDS[:1], ["workflow"])
    assert info.value.write_may_have_landed is True
    assert len(calls) == 1


async def test_write_with_triggers_retried_when_never_sent(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    calls = _flaky_put(fake, httpx.ConnectError("refused"))
    [result] = await make_client().update_records("Contacts", RECORDS[:1], ["workflow"])
    assert result.ok and len(calls) == 2


async def test_write_429_is_retried_even_with_triggers(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    calls = _flaky_put(fake, zoho_error(429, "TOO_MANY_REQUESTS"))
    [result] = await make_client().update_records("Contacts", RECORDS[:1], ["approval"])
    assert result.ok and len(calls) == 2


def test_map_results_pure() -> None:
    assert [r.id for r in map_results(["1", "2"], [ok("2"), ok("1")])] == ["1", "2"]
    assert [r.ok for r in map_results(["1", "2"], [ok(None), bad()])] == [True, False]
    for broken in (None, {"x": 1}, [1, 2], []):
        with pytest.raises(BatchMappingError):
            map_results(["1", "2"], broken)
