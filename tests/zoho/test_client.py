"""ZohoClient against a MockTransport fake: reads, paging, 204s, errors, stats, logging."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from typing import Any

import httpx
import pytest

from fieldsync_tui.zoho.client import IDS_CHUNK, estimate_update_credits
from fieldsync_tui.zoho.errors import (
    CreditsExhaustedError,
    ZohoAPIError,
    ZohoConnectionError,
    ZohoNotFoundError,
    ZohoPermissionError,
    ZohoRateLimitError,
    ZohoServerError,
    ZohoTimeoutError,
)
from fieldsync_tui.zoho.query import criteria_equals
from fieldsync_tui.zoho.responses import error_from_response

from .conftest import FakeClock, FakeZoho, MakeClient, body_of, zoho_error, zoho_json

NO_CONTENT = httpx.Response(204)


def _record(i: int) -> dict[str, Any]:
    return {"id": str(1000 + i), "Name": f"n{i}"}


# -- metadata ----------------------------------------------------------------------------


async def test_get_org(fake: FakeZoho, make_client: MakeClient) -> None:
    org = {"id": "9", "company_name": "Acme", "domain_name": "acme", "time_zone": "UTC"}
    fake.route("GET", "/crm/v8/org")(lambda r: zoho_json(200, {"org": [org]}))
    info = await make_client().get_org()
    assert (info.id, info.name, info.domain_name, info.time_zone) == ("9", "Acme", "acme", "UTC")


@pytest.mark.parametrize("response", [NO_CONTENT, zoho_json(200, {"org": []})])
async def test_get_org_without_org(
    fake: FakeZoho, make_client: MakeClient, response: httpx.Response
) -> None:
    fake.route("GET", "/crm/v8/org")(lambda r: response)
    with pytest.raises(ZohoAPIError, match="without an org"):
        await make_client().get_org()


async def test_get_fields(fake: FakeZoho, make_client: MakeClient) -> None:
    fields = [
        {"api_name": "Name", "data_type": "text", "field_label": "Name", "length": 80},
        {"api_name": "Done", "data_type": "boolean", "read_only": True},
        {
            "api_name": "Kind",
            "data_type": "picklist",
            "length": "120",
            "pick_list_values": [
                {"actual_value": "a", "display_value": "A"},
                {"display_value": "B"},
            ],
        },
        {"data_type": "text"},
    ]

    @fake.route("GET", "/crm/v8/settings/fields")
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.params["module"] == "Contacts"
        return zoho_json(200, {"fields": fields})

    metas = await make_client().get_fields("Contacts")
    assert [m.api_name for m in metas] == ["Name", "Done", "Kind"]
    assert metas[0].length == 80 and metas[0].writable
    assert not metas[1].writable
    assert metas[2].length == 120 and metas[2].pick_list_values == ("a", "B")


async def test_get_fields_204(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("GET", "/crm/v8/settings/fields")(lambda r: NO_CONTENT)
    assert await make_client().get_fields("Contacts") == []


# -- COQL keyset paging --------------------------------------------------------------------


def _coql_server(fake: FakeZoho, total: int, *, more_flag: bool = True) -> list[str]:
    queries: list[str] = []
    ids = [1000 + i for i in range(total)]

    @fake.route("POST", "/crm/v8/coql")
    def answer(request: httpx.Request) -> httpx.Response:
        query = body_of(request)["select_query"]
        queries.append(query)
        last = int(re.search(r"id > (\d+)", query).group(1))  # type: ignore[union-attr]
        limit = int(query.rsplit("limit ", 1)[1])
        page = [i for i in ids if i > last][:limit]
        if not page:
            return NO_CONTENT
        more = more_flag and page[-1] != ids[-1]
        rows = [{"id": str(i), "Name": f"n{i}"} for i in page]
        return zoho_json(200, {"data": rows, "info": {"count": len(rows), "more_records": more}})

    return queries


async def test_coql_pages_keyset(fake: FakeZoho, make_client: MakeClient) -> None:
    queries = _coql_server(fake, 5)
    client = make_client()
    pages = [
        page
        async for page in client.coql_pages("Contacts", ["Name"], "Name is not null", page_size=2)
    ]
    assert [[r["id"] for r in p] for p in pages] == [["1000", "1001"], ["1002", "1003"], ["1004"]]
    assert queries[0] == (
        "select Name, id from Contacts where (Name is not null and id > 0) order by id asc limit 2"
    )
    assert "id > 1001" in queries[1] and "id > 1003" in queries[2]
    assert len(queries) == 3  # the short page ends it
    assert client.stats.calls == 3 and client.stats.credits == 3


async def test_coql_full_page_is_followed_even_when_more_records_false(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    queries = _coql_server(fake, 4)
    pages = [p async for p in make_client().coql_pages("Contacts", ["Name"], "", page_size=2)]
    assert len(pages) == 2 and len(queries) == 3  # the third query answers 204


async def test_coql_more_records_false_on_every_full_page_still_reads_all(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    queries = _coql_server(fake, 7, more_flag=False)
    pages = [p async for p in make_client().coql_pages("Contacts", ["Name"], "", page_size=2)]
    assert sum(len(p) for p in pages) == 7 and len(queries) == 4


async def test_coql_exact_multiple_without_more_flag_ends_on_204(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    queries = _coql_server(fake, 4, more_flag=True)
    original = fake.routes[("POST", "/crm/v8/coql")]

    def strip_info(request: httpx.Request) -> httpx.Response:
        response = original(request)
        assert isinstance(response, httpx.Response)
        if response.status_code == 204:
            return response
        body = json.loads(response.content)
        body.pop("info")
        return zoho_json(200, body)

    fake.route("POST", "/crm/v8/coql")(strip_info)
    pages = [p async for p in make_client().coql_pages("Contacts", ["Name"], "", page_size=2)]
    assert len(pages) == 2 and len(queries) == 3


async def test_coql_204_yields_nothing(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("POST", "/crm/v8/coql")(lambda r: NO_CONTENT)
    assert [p async for p in make_client().coql_pages("Contacts", ["Name"], "x = 1")] == []


async def test_coql_credits_by_limit(fake: FakeZoho, make_client: MakeClient) -> None:
    _coql_server(fake, 1)
    for size, credits in ((200, 1), (201, 2), (1000, 2), (1001, 3), (2000, 3)):
        client = make_client()
        _ = [p async for p in client.coql_pages("Contacts", ["Name"], "", page_size=size)]
        assert client.stats.credits == credits


async def test_coql_not_advancing_is_an_error(fake: FakeZoho, make_client: MakeClient) -> None:
    rows = [{"id": "5"}, {"id": "6"}]
    fake.route("POST", "/crm/v8/coql")(
        lambda r: zoho_json(200, {"data": rows, "info": {"more_records": True}})
    )
    client = make_client()
    with pytest.raises(ZohoAPIError, match="did not advance"):
        _ = [p async for p in client.coql_pages("Contacts", ["Name"], "", page_size=2)]


# -- records by id, single record, search ---------------------------------------------------


async def test_get_records_by_ids_chunks_of_100(fake: FakeZoho, make_client: MakeClient) -> None:
    seen: list[list[str]] = []

    @fake.route("GET", "/crm/v8/Contacts")
    def answer(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"].split(",")
        assert request.url.params["fields"] == "Name,WorkDrive_URL"
        seen.append(ids)
        rows = [{"id": i, "Name": "x"} for i in ids if int(i) % 7]  # some do not exist
        return zoho_json(200, {"data": rows}) if rows else NO_CONTENT

    ids = [str(1000 + i) for i in range(250)]
    found = await make_client().get_records_by_ids("Contacts", ids, ["Name", "WorkDrive_URL"])
    gone = [i for i in ids if int(i) % 7 == 0]
    assert max(len(c) for c in seen) == IDS_CHUNK
    assert next(c for c in seen if len(c) == IDS_CHUNK) == ids[:100]  # ascending
    # an id not answered is asked again; only asked alone and still not answered is it gone
    assert sorted(c[0] for c in seen if len(c) == 1) == gone
    assert len(seen) == 3 + 3 + len(gone)  # three chunks, three re-asks, one call per gone id
    assert {r["id"] for r in found} == {i for i in ids if int(i) % 7}


async def test_get_records_by_ids_halves_on_limit_exceeded(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    seen: list[int] = []

    @fake.route("GET", "/crm/v8/Contacts")
    def answer(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"].split(",")
        seen.append(len(ids))
        if len(ids) > 50:
            return zoho_error(400, "LIMIT_EXCEEDED", "too many ids")
        return zoho_json(200, {"data": [{"id": i} for i in ids]})

    client = make_client()
    ids = [str(1000 + i) for i in range(120)]
    found = await client.get_records_by_ids("Contacts", ids, ["Name"])
    assert [r["id"] for r in found] == ids
    assert seen == [100, 50, 50, 20]
    assert client.ids_chunk == 50


async def test_get_records_by_ids_survives_a_silent_smaller_cap(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    seen: list[int] = []

    @fake.route("GET", "/crm/v8/Contacts")
    def answer(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"].split(",")
        seen.append(len(ids))
        rows = [{"id": i} for i in ids if i != "1005"]
        random.Random(len(seen)).shuffle(rows)  # in any order, then capped without a word
        rows = rows[:30]
        return zoho_json(200, {"data": rows}) if rows else NO_CONTENT

    ids = [str(1000 + i) for i in range(100)]
    found = await make_client().get_records_by_ids("Contacts", ids, ["Name"])
    assert sorted(r["id"] for r in found) == [i for i in ids if i != "1005"]
    assert seen[:4] == [100, 70, 40, 10] and seen[-1] == 1  # 1005 gone only when asked alone


async def test_get_records_by_ids_other_errors_raise(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    fake.route("GET", "/crm/v8/Contacts")(lambda r: zoho_error(400, "INVALID_DATA", "bad"))
    with pytest.raises(ZohoAPIError) as info:
        await make_client().get_records_by_ids("Contacts", ["1", "2"], ["Name"])
    assert info.value.code == "INVALID_DATA" and info.value.status_code == 400


async def test_get_records_by_ids_refuses_non_ids(make_client: MakeClient) -> None:
    with pytest.raises(ValueError):
        await make_client().get_records_by_ids("Contacts", ["1,2"], ["Name"])


async def test_search_pages_to_2000(fake: FakeZoho, make_client: MakeClient) -> None:
    pages: list[str] = []

    @fake.route("GET", "/crm/v8/Contacts/search")
    def answer(request: httpx.Request) -> httpx.Response:
        pages.append(request.url.params["page"])
        assert request.url.params["criteria"] == "(Name:equals:a\\,b)"
        rows = [{"id": str(i)} for i in range(200)]
        return zoho_json(200, {"data": rows, "info": {"more_records": True}})

    found = await make_client().search_records("Contacts", criteria_equals("Name", "a,b"))
    assert len(found) == 2000 and pages == [str(p) for p in range(1, 11)]


async def test_search_stops_on_more_records_false(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("GET", "/crm/v8/Contacts/search")(
        lambda r: zoho_json(200, {"data": [{"id": "1"}] * 200, "info": {"more_records": False}})
    )
    assert len(await make_client().search_records("Contacts", "(Name:equals:x)", ["Name"])) == 200


async def test_search_204(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("GET", "/crm/v8/Contacts/search")(lambda r: NO_CONTENT)
    assert await make_client().search_records("Contacts", "(Name:equals:x)") == []


# -- error mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "cls", "code"),
    [
        (
            zoho_error(403, "NO_PERMISSION", "permission denied"),
            ZohoPermissionError,
            "NO_PERMISSION",
        ),
        (zoho_error(404, "INVALID_URL_PATTERN"), ZohoNotFoundError, "INVALID_URL_PATTERN"),
        (zoho_error(400, "INVALID_MODULE"), ZohoAPIError, "INVALID_MODULE"),
        (
            zoho_json(
                400,
                {
                    "data": [
                        {
                            "code": "INVALID_QUERY",
                            "details": {"f": 1},
                            "message": "m",
                            "status": "error",
                        }
                    ]
                },
            ),
            ZohoAPIError,
            "INVALID_QUERY",
        ),
        (zoho_error(500, "INTERNAL_ERROR"), ZohoServerError, "INTERNAL_ERROR"),
        (zoho_error(503, "UNAVAILABLE"), ZohoServerError, "UNAVAILABLE"),
    ],
)
async def test_error_mapping(
    fake: FakeZoho, make_client: MakeClient, response: httpx.Response, cls: type, code: str
) -> None:
    fake.route("GET", "/crm/v8/org")(lambda r: response)
    with pytest.raises(ZohoAPIError) as info:
        await make_client(retry_seconds=2).get_org()
    assert type(info.value) is cls
    assert info.value.code == code
    assert info.value.status_code == response.status_code
    assert f"HTTP {response.status_code}" in str(info.value)


async def test_details_are_kept(fake: FakeZoho, make_client: MakeClient) -> None:
    body = {
        "code": "INVALID_DATA",
        "details": {"api_name": "X"},
        "message": "bad",
        "status": "error",
    }
    fake.route("GET", "/crm/v8/org")(lambda r: zoho_json(400, body))
    with pytest.raises(ZohoAPIError) as info:
        await make_client().get_org()
    assert info.value.details == {"api_name": "X"} and info.value.message.endswith("bad")


@pytest.mark.parametrize("status", [200, 302, 400, 500])
async def test_non_json_suggests_wrong_host(
    fake: FakeZoho, make_client: MakeClient, status: int
) -> None:
    page = httpx.Response(
        status, text="<html>Sign in</html>", headers={"content-type": "text/html"}
    )
    fake.route("GET", "/crm/v8/org")(lambda r: page)
    with pytest.raises(ZohoAPIError, match="ORG_A_API_URL") as info:
        await make_client(retry_seconds=1).get_org()
    assert "text/html" in str(info.value)


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        (httpx.ConnectError("refused"), ZohoConnectionError),
        (httpx.ReadError("reset"), ZohoConnectionError),
        (httpx.RemoteProtocolError("dropped"), ZohoConnectionError),
        (httpx.ReadTimeout("slow"), ZohoTimeoutError),
        (httpx.ConnectTimeout("slow"), ZohoTimeoutError),
    ],
)
async def test_transport_errors_are_wrapped(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock, error: Exception, cls: type
) -> None:
    @fake.route("GET", "/crm/v8/org")
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    client = make_client(retry_seconds=5)
    with pytest.raises(ZohoConnectionError) as info:
        await client.get_org()
    assert type(info.value) is cls
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert client.stats.calls > 1  # reads are retried
    assert not info.value.write_may_have_landed


# -- retries through the client ---------------------------------------------------------


async def test_429_storm_and_5xx_recovered(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock
) -> None:
    answers = [
        zoho_error(429, "TOO_MANY_REQUESTS", **{"Retry-After": "2"}),
        zoho_error(429, "TOO_MANY_REQUESTS"),
        zoho_error(502, "BAD_GATEWAY"),
        zoho_json(200, {"org": [{"id": "1", "company_name": "A"}]}),
    ]
    fake.route("GET", "/crm/v8/org")(lambda r: answers.pop(0))
    client = make_client()
    assert (await client.get_org()).name == "A"
    assert clock.sleeps[0] == 2.0 and len(clock.sleeps) == 3
    assert client.stats.calls == 4 and client.stats.retries == 3 and client.stats.credits == 1


def test_old_429_shape_maps_to_rate_limit() -> None:
    response = zoho_json(429, {"code": 429, "error": "TOO_MANY_REQUESTS", "error_info": "slow"})
    response.request = httpx.Request("GET", "https://www.zohoapis.com/crm/v8/org")
    error = error_from_response(response, org="A")
    assert type(error) is ZohoRateLimitError and error.code == "TOO_MANY_REQUESTS"


async def test_rate_limit_after_budget_while_other_calls_go_through(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock
) -> None:
    fake.route("GET", "/crm/v8/org")(lambda r: zoho_error(429, "TOO_MANY_REQUESTS"))
    client = make_client(retry_seconds=20)
    client._streaks[-1] = False  # another call in flight whose answers are not 429s
    start = clock.now
    with pytest.raises(ZohoRateLimitError):
        await client.get_org()
    assert clock.now - start <= 20 and client.stats.calls >= 4


async def test_429s_without_header_on_every_call_stop_as_maybe_spent(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock
) -> None:
    fake.route("GET", "/crm/v8/org")(lambda r: zoho_error(429, "TOO_MANY_REQUESTS"))
    client = make_client(retry_seconds=20)
    client._streaks[-1] = True  # the other call in flight meets 429s too
    client._streaks[-2] = None  # and one more has no answer yet
    start = clock.now
    with pytest.raises(CreditsExhaustedError, match="credits may be spent, or the org is"):
        await client.get_org()
    assert clock.now - start <= 20 and client.stats.calls >= 4


async def test_429_without_header_after_header_seen_low_stops_at_once(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    answers = [
        zoho_json(200, {"org": [{"id": "1", "company_name": "x"}]}),
        zoho_error(429, "TOO_MANY_REQUESTS"),
    ]
    answers[0].headers["X-API-CREDITS-REMAINING"] = "12"
    fake.route("GET", "/crm/v8/org")(lambda r: answers.pop(0))
    client = make_client(retry_seconds=20)
    client._streaks[-1] = False
    await client.get_org()
    with pytest.raises(CreditsExhaustedError, match="seen low"):
        await client.get_org()
    assert client.stats.calls == 2


async def test_spent_credits_stop_immediately(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("GET", "/crm/v8/org")(
        lambda r: zoho_error(429, "TOO_MANY_REQUESTS", **{"X-API-CREDITS-REMAINING": "0"})
    )
    client = make_client()
    with pytest.raises(CreditsExhaustedError, match="rolling 24-hour window"):
        await client.get_org()
    assert client.stats.calls == 1


async def test_concurrency_is_bounded(fake: FakeZoho, make_client: MakeClient) -> None:
    in_flight = 0
    peak = 0
    gate = asyncio.Event()

    @fake.route("GET", "/crm/v8/org")
    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if peak >= 3:
            gate.set()
        await gate.wait()
        in_flight -= 1
        return zoho_json(200, {"org": [{"id": "1", "company_name": "A"}]})

    client = make_client(max_concurrency=3)
    await asyncio.gather(*(client.get_org() for _ in range(12)))
    assert peak == 3


async def test_logs_method_path_status_only(
    fake: FakeZoho, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake.route("GET", "/crm/v8/Contacts/search")(lambda r: NO_CONTENT)
    caplog.set_level(logging.DEBUG, logger="fieldsync.zoho")
    await make_client().search_records("Contacts", "(Name:equals:secret-name)")
    lines = [r.getMessage() for r in caplog.records if r.name == "fieldsync.zoho"]
    assert any("GET /crm/v8/Contacts/search -> 204" in line for line in lines)
    assert "secret-name" not in caplog.text and "Zoho-oauthtoken" not in caplog.text


def test_estimate_update_credits() -> None:
    assert [estimate_update_credits(n) for n in (0, 1, 10, 11, 100, 101, 250)] == [
        0,
        1,
        1,
        2,
        10,
        11,
        25,
    ]


async def test_context_manager_closes(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("GET", "/crm/v8/org")(lambda r: zoho_json(200, {"org": [{"id": "1"}]}))
    async with make_client() as client:
        await client.get_org()
    with pytest.raises(RuntimeError):
        await client.get_org()


async def test_get_records_by_ids_field_cap(make_client: MakeClient) -> None:
    with pytest.raises(ValueError, match="50 fields"):
        await make_client().get_records_by_ids("Contacts", ["1"], [f"F{i}" for i in range(51)])


async def test_auth_refuses_foreign_host(fake: FakeZoho, make_client: MakeClient) -> None:
    from fieldsync_tui.zoho.errors import ConfigurationError

    fake.route("GET", "/crm/v8/org")(lambda r: zoho_json(200, {"org": [{"id": "1"}]}))
    client = make_client()
    await client.get_org()
    with pytest.raises(ConfigurationError, match="refusing to send the access token"):
        await client._http.get("https://elsewhere.example/crm/v8/org")
    assert all(r.url.host == "www.zohoapis.com" for r in fake.requests)


async def test_integer_ids_become_strings(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("POST", "/crm/v8/coql")(
        lambda r: zoho_json(200, {"data": [{"id": 3652397000009851001}], "info": {}})
    )
    pages = [p async for p in make_client().coql_pages("Contacts", ["Name"], "", page_size=5)]
    assert pages == [[{"id": "3652397000009851001"}]]


async def test_short_page_with_more_records_true_keeps_paging(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    answers = [
        zoho_json(200, {"data": [{"id": "1"}, {"id": "2"}], "info": {"more_records": True}}),
        zoho_json(200, {"data": [{"id": "3"}], "info": {"more_records": False}}),
    ]
    fake.route("POST", "/crm/v8/coql")(lambda r: answers.pop(0))
    pages = [p async for p in make_client().coql_pages("Contacts", ["Name"], "", page_size=2000)]
    assert [len(p) for p in pages] == [2, 1] and answers == []
