"""The simulator's switches for what no Zoho document confirms (ZOHO_API.md §17), v7+ COQL
limits, COUNT, quoted identifiers, and the Bulk Read API — over HTTP."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from .conftest import BASE, Api, assert_error, make_sim

BULK = "/crm/bulk/v8/read"
BOX = "Transfer_Complete"


@asynccontextmanager
async def api_for(**switches: Any) -> AsyncIterator[Api]:
    sim = make_sim(**switches)
    org = sim.org("A")
    org.add_record({"Full_Name": "Ann", BOX: False})
    org.add_record({"Full_Name": "Bob", BOX: True})
    org.add_record({"Full_Name": None, BOX: False})
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        yield Api(sim, client)


QUOTED = f"select Full_Name from Contacts where {BOX} = 'false'"
BARE = f"select Full_Name from Contacts where {BOX} = false"


async def test_boolean_literal_switches() -> None:
    async with api_for() as api:
        for query in (QUOTED, BARE):
            assert [r["Full_Name"] for r in (await api.coql(query)).json()["data"]] == [
                "Ann",
                None,
            ]
    async with api_for(coql_bare_boolean_refused=True) as api:
        assert (await api.coql(QUOTED)).status_code == 200
        body = assert_error(await api.coql(BARE), 400, "INVALID_QUERY")
        assert body["details"]["column_name"] == BOX
    async with api_for(coql_quoted_boolean_refused=True) as api:
        assert (await api.coql(BARE)).status_code == 200
        assert_error(await api.coql(QUOTED), 400, "INVALID_QUERY")


async def test_null_check_refused_on_a_plain_boolean() -> None:
    async with api_for() as api:
        query = f"select id from Contacts where {BOX} is not null"
        body = assert_error(await api.coql(query), 400, "INVALID_QUERY")
        assert body["details"]["column_name"] == BOX


async def test_keyset_and_offset_switches() -> None:
    keyset = "select id from Contacts where id > 0 order by id asc limit 2"
    offset = "select id from Contacts where id is not null order by id asc limit 2 offset 1"
    async with api_for() as api:
        assert (await api.coql(keyset)).status_code == 200
        assert len((await api.coql(offset)).json()["data"]) == 2
    async with api_for(coql_id_compare_refused=True, coql_offset_refused=True) as api:
        body = assert_error(await api.coql(keyset), 400, "INVALID_QUERY")
        assert body["details"]["column_name"] == "id"
        body = assert_error(await api.coql(offset), 400, "SYNTAX_ERROR")
        assert body["details"]["near"] == "offset"
        equal = "select id from Contacts where id = 1 limit 1"
        assert (await api.coql(equal)).status_code == 204  # = stays allowed


async def test_reserved_name_needs_quotes_and_count() -> None:
    async with api_for(coql_reserved=("Full_Name",)) as api:
        body = assert_error(
            await api.coql("select Full_Name from Contacts where id is not null"),
            400,
            "SYNTAX_ERROR",
        )
        assert body["details"]["near"] == "full_name"
        ok = await api.coql('select "Full_Name" from Contacts where "Full_Name" is not null')
        assert [r["Full_Name"] for r in ok.json()["data"]] == ["Ann", "Bob"]
        count = await api.coql("select COUNT(id) from Contacts where id is not null")
        assert count.json()["data"] == [{"COUNT(id)": 3}]


async def test_no_credits_header_even_on_a_spent_429() -> None:
    async with api_for(credits_header=False) as api:
        api.sim.faults.spend_credits("A")
        resp = await api.get("/crm/v8/org")
        assert resp.status_code == 429 and "x-api-credits-remaining" not in resp.headers
    async with api_for() as api:
        api.sim.faults.spend_credits("A")
        resp = await api.get("/crm/v8/org")
        assert resp.status_code == 429 and resp.headers["x-api-credits-remaining"] == "0"


async def test_ids_in_any_order_and_silently_capped() -> None:
    async with api_for(ids_any_order=True, ids_silent_cap=2) as api:
        ids = sorted(api.sim.org("A").records())
        resp = await api.get("/crm/v8/Contacts", ids=",".join(ids), fields="Full_Name")
        got = [r["id"] for r in resp.json()["data"]]
        assert len(got) == 2 and set(got) <= set(ids)  # no error, no word about the third


def _csv(payload: bytes) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        (name,) = archive.namelist()
        assert name.endswith(".csv")
        return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


async def test_bulk_read_job_poll_download_pages() -> None:
    async with api_for(bulk_page_size=1, bulk_polls_in_progress=1) as api:
        headers = await api.headers("A")
        criteria = {
            "group_operator": "and",
            "group": [
                {"field": {"api_name": BOX}, "comparator": "equal", "value": False},
                {
                    "field": {"api_name": "Full_Name"},
                    "comparator": "not_equal",
                    "value": "${EMPTY}",
                },
            ],
        }
        query = {"module": {"api_name": "Contacts"}, "fields": ["Full_Name", BOX]}
        no_type = await api.client.post(BULK, content=b"{}", headers=headers)
        assert_error(no_type, 415, "MEDIA_TYPE_NOT_SUPPORTED")
        created = await api.client.post(BULK, json={"query": query}, headers=headers)
        assert created.status_code == 201
        job = created.json()["data"][0]["details"]
        assert job["state"] == "ADDED" and job["operation"] == "read"
        states = []
        for _ in range(2):
            details = (await api.get(f"{BULK}/{job['id']}")).json()["data"][0]
            states.append(details["state"])
        assert states == ["IN PROGRESS", "COMPLETED"]
        assert details["result"]["more_records"] is True and details["result"]["count"] == 1
        download = await api.get(f"{BULK}/{job['id']}/result")
        assert download.headers["content-type"] == "application/zip"
        assert _csv(download.content) == [
            {"Id": sorted(api.sim.org("A").records())[0], "Full_Name": "Ann", BOX: "false"}
        ]
        filtered = dict(query, criteria=criteria, page=1)
        created = await api.client.post(BULK, json={"query": filtered}, headers=headers)
        job_id = created.json()["data"][0]["details"]["id"]
        polls = [(await api.get(f"{BULK}/{job_id}")).json()["data"][0] for _ in range(2)]
        result = polls[-1]["result"]
        assert result["more_records"] is False and result["count"] == 1  # only Ann matches
        assert_error(await api.get(f"{BULK}/123"), 404, "RESOURCE_NOT_FOUND")
        credits = [c.credits for c in api.sim.stats.calls if c.method == "POST"]
        assert credits == [0, 0, 50, 50]  # token, the 415, two jobs


async def test_bulk_downloads_are_capped_per_minute() -> None:
    async with api_for(bulk_downloads_per_minute=2, bulk_polls_in_progress=0) as api:
        headers = await api.headers("A")
        query = {"module": {"api_name": "Contacts"}, "fields": ["Full_Name"]}
        created = await api.client.post(BULK, json={"query": query}, headers=headers)
        job_id = created.json()["data"][0]["details"]["id"]
        assert (await api.get(f"{BULK}/{job_id}")).json()["data"][0]["state"] == "COMPLETED"
        for _ in range(2):
            assert (await api.get(f"{BULK}/{job_id}/result")).status_code == 200
        assert_error(await api.get(f"{BULK}/{job_id}/result"), 429, "TOO_MANY_REQUESTS")
        api.sim.clock.advance(61)
        assert (await api.get(f"{BULK}/{job_id}/result")).status_code == 200
