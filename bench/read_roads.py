"""The roads of the read ladder side by side on a big Org B index (``sync_bench.py --reads``).

Each road reads the whole Org B index (every record with a name: id, name, the copied fields,
updated-from, ``Modified_Time``) through a real ``ZohoClient`` on its own fresh in-process
simulator, with ``--latency-ms`` in every call:

* ``coql_keyset``      ``ZOHO_READ_STRATEGY=coql`` on an org that accepts ``id > N``;
* ``coql_offset+bulk`` the same with ``id >`` refused: ``limit 2000 offset N`` to 100,000,
  then Bulk Read for the rest (offset and Get Records both stop at 100,000);
* ``get_records+bulk`` with COQL paging refused too: Get Records (200 a call) to 100,000,
  then Bulk Read;
* ``bulk``             ``ZOHO_READ_STRATEGY=bulk``;
* ``auto``             the default: after a full first COQL page, one ``COUNT(id)`` of the rest
  decides the road with fewer credits for it.

Bulk Read jobs complete after one "IN PROGRESS" poll here; in Zoho a job takes seconds to
minutes, so its wall time below is a floor, not a forecast.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fieldsync_tui.secret import Secret
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.bench_dataset import populate_bench
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.reader import ReadFilter

BASE_URL = "http://127.0.0.1:1"
NAME = "Full_Name"
B_FIELDS = [NAME, "WorkDrive_URL", "WorkDrive_Folder_ID", "Record_Updated_From", "Modified_Time"]
ROADS: dict[str, tuple[str, dict[str, Any]]] = {
    "coql_keyset": ("coql", {}),
    "coql_offset+bulk": ("coql", {"coql_id_compare_refused": True}),
    "get_records+bulk": ("coql", {"coql_id_compare_refused": True, "coql_offset_refused": True}),
    "bulk": ("bulk", {}),
    "auto": ("auto", {}),
}


@dataclass
class RoadResult:
    road: str
    took: str  # the road the client reports
    records: int
    calls: int
    failed_calls: int
    credits: int
    wall_s: float


async def _read(sim: Simulator, strategy: str, state: Path) -> tuple[str, int, float]:
    org = sim.org("B")
    client = ZohoClient(
        label="B",
        client_id=org.client_id,
        client_secret=Secret(org.client_secret),
        refresh_token=Secret(org.refresh_token),
        accounts_url=BASE_URL,
        api_url=BASE_URL,
        api_url_overridden=True,
        transport=sim.transport(),
        state_dir=state,
        read_strategy="bulk" if strategy == "bulk" else "coql" if strategy == "coql" else "auto",
    )
    started = time.perf_counter()
    records = 0
    try:
        async for page in client.read_pages("Contacts", B_FIELDS, ReadFilter(present=(NAME,))):
            records += len(page)
    finally:
        await client.aclose()
    return client.last_read, records, time.perf_counter() - started


def run_road(road: str, b_total: int, latency_ms: float, seed: int) -> RoadResult:
    strategy, switches = ROADS[road]
    sim = Simulator(SimConfig(seed=seed, latency_ms=latency_ms, **switches))
    populate_bench(sim, min(1000, b_total), b_total, seed=seed)
    sim.stats.reset()
    with tempfile.TemporaryDirectory(prefix="read-roads-") as tmp:
        took, records, wall = asyncio.run(_read(sim, strategy, Path(tmp)))
    calls = [c for c in sim.stats.calls if c.org == "B" and "/oauth/" not in c.path]
    return RoadResult(
        road=road,
        took=took,
        records=records,
        calls=len(calls),
        failed_calls=sum(1 for c in calls if c.status >= 400),
        credits=sum(c.credits for c in calls),
        wall_s=round(wall, 2),
    )


def compare(b_total: int, latency_ms: float, seed: int) -> dict[str, Any]:
    results = [run_road(road, b_total, latency_ms, seed) for road in ROADS]
    manual = [r for r in results if r.road != "auto"]
    cheapest = min(manual, key=lambda r: r.credits)
    auto = next(r for r in results if r.road == "auto")
    return {
        "b_total": b_total,
        "latency_ms": latency_ms,
        "roads": [asdict(r) for r in results],
        "cheapest": cheapest.road,
        "auto_took": auto.took,
        # the cheapest road for all but the first page, which auto reads before it knows
        # (≤ 3 credits) plus its one COUNT(id) (1 credit)
        "auto_is_cheapest": auto.took.split("+")[-1] == cheapest.took.split("+")[-1]
        and auto.credits <= cheapest.credits + 4,
    }


def render(report: dict[str, Any]) -> str:
    lines = [
        f"read roads: Org B index of {report['b_total']:,} records, "
        f"{report['latency_ms']:g} ms per call",
        f"{'road':<18} {'took':<18} {'records':>9} {'calls':>6} {'failed':>6} "
        f"{'credits':>8} {'wall s':>7}",
    ]
    for r in report["roads"]:
        lines.append(
            f"{r['road']:<18} {r['took']:<18} {r['records']:>9,} {r['calls']:>6} "
            f"{r['failed_calls']:>6} {r['credits']:>8} {r['wall_s']:>7.2f}"
        )
    verdict = "yes" if report["auto_is_cheapest"] else "NO"
    lines.append(
        f"cheapest by credits: {report['cheapest']}; auto took {report['auto_took']} "
        f"(cheapest: {verdict})"
    )
    return "\n".join(lines) + "\n"
