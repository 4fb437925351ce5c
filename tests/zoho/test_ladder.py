"""The read ladder (DESIGN §4, ZOHO_API.md §17) against the simulator with each doubt's switch:
the same records whatever the org accepts, the first rung that works, at most one failed call
per rung, and what was learnt remembered per org."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.bench_dataset import populate_bench
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.coql_forms import refusal_cause
from fieldsync_tui.zoho.errors import ZohoAPIError
from fieldsync_tui.zoho.forms import FORMS_FILE
from fieldsync_tui.zoho.reader import ReadFilter

from .conftest import NAME, URL, MakeSimClient

BOX = "Transfer_Complete"
PENDING = ReadFilter(false=(BOX,), present=(NAME,))


def loaded(sim: Simulator, n_pending: int = 2500, ticked: int = 700) -> None:
    populate_bench(sim, n_pending, n_pending + 300, seed=3, ticked=ticked)
    org = sim.org("A")
    org.add_record({NAME: None, URL: "https://x.example"})  # no name: never pending


def truth(sim: Simulator) -> set[str]:
    return {
        rid
        for rid, rec in sim.org("A").records().items()
        if not rec.get(BOX) and rec.get(NAME) not in (None, "")
    }


async def read_all(client: ZohoClient, flt: ReadFilter = PENDING) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async for page in client.read_pages("Contacts", [NAME, URL, BOX], flt):
        rows.extend(page)
    return rows


def failed(sim: Simulator, path: str = "/coql") -> int:
    return sum(1 for c in sim.stats.calls if path in c.path and c.status >= 400)


CASES = {
    "documented": ({}, "coql_keyset", "quoted", 0),
    "bare_boolean_refused": ({"coql_bare_boolean_refused": True}, "coql_keyset", "quoted", 0),
    "quoted_boolean_refused": ({"coql_quoted_boolean_refused": True}, "coql_keyset", "bare", 1),
    "id_compare_refused": ({"coql_id_compare_refused": True}, "coql_offset", "quoted", 1),
    "offset_refused": ({"coql_offset_refused": True}, "coql_keyset", "quoted", 0),
    "id_and_quoted_boolean": (
        {"coql_id_compare_refused": True, "coql_quoted_boolean_refused": True},
        "coql_offset",
        "bare",
        2,
    ),
    "no_coql_paging": (
        {"coql_id_compare_refused": True, "coql_offset_refused": True},
        "get_records",
        "quoted",
        2,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("strategy", ["auto", "coql"])
async def test_every_answer_reads_the_same_records(
    case: str, strategy: str, sim_client: MakeSimClient, tmp_path: Path
) -> None:
    switches, road, boolean, failures = CASES[case]
    sim = Simulator(SimConfig(real_time=False, **switches))
    loaded(sim)
    client = sim_client(sim=sim, state_dir=tmp_path, read_strategy=strategy)
    rows = await read_all(client)
    assert {r["id"] for r in rows} == truth(sim)
    assert len(rows) == len(truth(sim))  # no record twice
    assert client.last_read == road
    no_coql_answer = road == "get_records"  # no COQL query was ever answered
    assert client.reader.forms.boolean == (None if no_coql_answer else boolean)
    assert failed(sim) == failures  # one failed call per refused rung or literal, no more
    # a second run of this org (a new client, same state) spends no failed call at all
    sim.stats.reset()
    again = sim_client(sim=sim, state_dir=tmp_path, read_strategy=strategy)
    assert {r["id"] for r in await read_all(again)} == truth(sim)
    assert again.last_read == road and failed(sim) == 0


async def test_a_field_name_is_quoted_only_after_zoho_names_it(
    sim_client: MakeSimClient, tmp_path: Path
) -> None:
    sim = Simulator(SimConfig(real_time=False, coql_reserved=(URL,)))
    loaded(sim, 300, 50)
    client = sim_client(sim=sim, state_dir=tmp_path, read_strategy="coql")
    rows = await read_all(client)
    assert {r["id"] for r in rows} == truth(sim)
    assert client.reader.forms.quoted == {URL} and failed(sim) == 1
    queries = [c for c in sim.stats.calls if "/coql" in c.path]
    assert client.last_read == "coql_keyset" and len(queries) == 2
    saved = (tmp_path / FORMS_FILE).read_text(encoding="utf-8")
    assert URL in saved and "refresh" not in saved


async def test_documented_forms_never_quote(sim_client: MakeSimClient) -> None:
    sim = Simulator(SimConfig(real_time=False))
    loaded(sim, 50, 5)
    client = sim_client(sim=sim, read_strategy="coql")
    await read_all(client)
    assert client.reader.forms.quoted == set() and failed(sim) == 0


async def test_bulk_read_two_pages_equals_coql(sim_client: MakeSimClient) -> None:
    sim = Simulator(SimConfig(real_time=False, bulk_page_size=1000, bulk_polls_in_progress=2))
    loaded(sim, 1500, 200)
    bulk = sim_client(sim=sim, read_strategy="bulk")
    coql = sim_client(sim=sim, read_strategy="coql")
    by_bulk = {r["id"]: r for r in await read_all(bulk)}
    by_coql = {r["id"]: r for r in await read_all(coql)}
    assert bulk.last_read == "bulk" and coql.last_read == "coql_keyset"
    assert set(by_bulk) == set(by_coql) == truth(sim)
    for rid, row in by_coql.items():
        assert by_bulk[rid][NAME] == row[NAME] and by_bulk[rid][URL] == row[URL]
        assert str(by_bulk[rid][BOX]).lower() == "false"
    creates = [c for c in sim.stats.calls if c.method == "POST" and "/bulk/" in c.path]
    polls = [c for c in sim.stats.calls if c.method == "GET" and c.path.count("/") == 5]
    downloads = [c for c in sim.stats.calls if c.path.endswith("/result")]
    assert len(creates) == len(downloads) == 2  # 200,000 a page in Zoho; 1,000 here
    assert len(polls) == 2 * 3  # ADDED → IN PROGRESS ×2 → COMPLETED
    assert sum(c.credits for c in creates) == 100


async def test_auto_picks_bulk_when_it_costs_fewer_credits(sim_client: MakeSimClient) -> None:
    sim = Simulator(SimConfig(real_time=False, bulk_page_size=200_000))
    populate_bench(sim, 10, 40_000, seed=1)  # Org B: 40,000 records
    everything = ReadFilter(present=(NAME,))
    client = sim_client("B", sim=sim)
    rows = [r async for page in client.read_pages("Contacts", [NAME], everything) for r in page]
    # a full first page, then COUNT(id) of the rest: 53 credits by Bulk Read vs 57 by COQL
    assert len(rows) == len({r["id"] for r in rows}) == 40_000
    assert client.last_read == "coql_keyset+bulk"
    small = sim_client("A", sim=sim)
    _ = [r async for page in small.read_pages("Contacts", [NAME], PENDING) for r in page]
    assert small.last_read == "coql_keyset"  # 10 records: one page, no COUNT
    assert not [c for c in sim.stats.calls if c.org == "A" and c.status >= 400]


async def test_bulk_refused_falls_back_to_the_coql_ladder(sim_client: MakeSimClient) -> None:
    sim = Simulator(SimConfig(real_time=False))
    loaded(sim, 100, 10)
    sim.faults.fail_next(1, 403, path_contains="/bulk/")
    client = sim_client(sim=sim, read_strategy="bulk")
    rows = await read_all(client)
    assert {r["id"] for r in rows} == truth(sim)
    assert client.last_read == "coql_keyset" and "bulk" in client.reader.forms.refused
    assert failed(sim, "/bulk/") == 1


async def test_offset_past_100000_goes_on_by_bulk_without_repeats(
    sim_client: MakeSimClient,
) -> None:
    sim = Simulator(SimConfig(real_time=False, coql_id_compare_refused=True))
    populate_bench(sim, 10, 101_000, seed=2)
    everything = ReadFilter(present=(NAME,))
    client = sim_client("B", sim=sim, read_strategy="coql")
    ids = [
        r["id"] async for page in client.read_pages("Contacts", [NAME], everything) for r in page
    ]
    assert len(ids) == len(set(ids)) == 101_000
    assert client.last_read == "coql_offset+bulk"


async def test_no_road_left_names_what_was_refused(sim_client: MakeSimClient) -> None:
    sim = Simulator(
        SimConfig(real_time=False, coql_id_compare_refused=True, coql_offset_refused=True)
    )
    loaded(sim, 20, 2)
    sim.faults.fail_next(1, 400, path_contains="/crm/v8/Contacts")
    sim.faults.fail_next(1, 403, path_contains="/bulk/")
    client = sim_client(sim=sim, read_strategy="coql")
    with pytest.raises(ZohoAPIError, match="no road can read Contacts") as info:
        await read_all(client)
    assert "check --probe" in str(info.value)


async def test_auto_goes_on_by_coql_when_bulk_read_is_refused(sim_client: MakeSimClient) -> None:
    sim = Simulator(SimConfig(real_time=False))
    populate_bench(sim, 10, 40_000, seed=1)
    sim.faults.fail_next(1, 404, path_contains="/bulk/")
    client = sim_client("B", sim=sim)
    pages = client.read_pages("Contacts", [NAME], ReadFilter(present=(NAME,)))
    ids = [r["id"] async for page in pages for r in page]
    assert len(ids) == len(set(ids)) == 40_000
    assert client.last_read == "coql_keyset" and "bulk" in client.reader.forms.refused
    assert failed(sim, "/bulk/") == 1 and failed(sim) == 0


async def test_a_count_zoho_refuses_is_not_fatal_and_remembered(
    sim_client: MakeSimClient, tmp_path: Path
) -> None:
    sim = Simulator(SimConfig(real_time=False, coql_reserved=("count",)))  # no aggregates
    populate_bench(sim, 10, 5_000, seed=1)
    everything = ReadFilter(present=(NAME,))
    for _ in range(2):
        client = sim_client("B", sim=sim, state_dir=tmp_path)
        ids = [
            r["id"]
            async for page in client.read_pages("Contacts", [NAME], everything)
            for r in page
        ]
        assert len(ids) == 5_000 and client.last_read == "coql_keyset"
    assert "count" in client.reader.forms.refused
    assert failed(sim) == 1  # the second run does not ask again


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ({"near": "External from Contacts"}, ("ident", "External")),
        ({"column_name": "Box", "reason": "value given seems to be invalid"}, ("boolean", None)),
        ({"near": "false)"}, ("boolean", None)),
        ({"column_name": "id", "operator": ">"}, ("form", None)),
        ({}, ("form", None)),
    ],
)
def test_refusal_cause_reads_zohos_details(
    details: dict[str, str], expected: tuple[str, str | None]
) -> None:
    err = ZohoAPIError("x", status_code=400, code="SYNTAX_ERROR", details=details)
    if "reason" in details:
        err.code = "INVALID_QUERY"
    flt = ReadFilter(false=("Box",), present=("Name",))
    assert refusal_cause(err, flt, ["Name", "External"], set()) == expected
    assert refusal_cause(err, flt, ["Name", "External"], {"External"})[0] != "ident"
