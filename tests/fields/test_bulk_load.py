"""A 250,000-record Org B index loaded by Bulk Read (two jobs, polling, zipped CSV) classifies
exactly like the COQL load (DESIGN §4, ZOHO_API.md §11)."""

from __future__ import annotations

from pathlib import Path

from fieldsync_tui.config import OrgSettings, Settings
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.model import FieldMap
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.fields.session import SyncSession
from fieldsync_tui.fields.startup import connect
from fieldsync_tui.secret import Secret
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.bench_dataset import populate_bench
from fieldsync_tui.zoho.client import ZohoClient

from .test_sim_e2e import _client as sim_client

BASE = "http://sim.test"


def _client(sim: Simulator, label: str, strategy: str) -> ZohoClient:
    read = "bulk" if strategy == "bulk" else "coql"
    return sim_client(sim, label, read_strategy=read, bulk_poll_delay=0.001)


async def _plan(
    sim: Simulator, tmp: Path, strategy: str
) -> tuple[SyncSession, dict[str, tuple[object, ...]]]:
    def org(label: str) -> OrgSettings:
        return OrgSettings(label, "x", Secret("x"), Secret("x"), accounts_url=BASE, api_url=BASE)

    settings = Settings(org("A"), org("B"), FieldMap(name="Full_Name"), state_dir=tmp)
    a, b = _client(sim, "A", "coql"), _client(sim, "B", strategy)
    try:
        with Journal.open(tmp / strategy) as journal:
            session = SyncSession(settings, await connect(settings, a, b), journal, RunOptions())
            plan = await session.load()
    finally:
        await a.aclose()
        await b.aclose()
    rows = {
        r.a.id: (r.klass, r.b_id, r.b_candidates, r.match, r.diffs, r.reason) for r in plan.rows
    }
    return session, rows


async def test_bulk_read_of_250000_b_records_classifies_like_coql(tmp_path: Path) -> None:
    sim = Simulator(SimConfig(real_time=False))
    bench = populate_bench(sim, 3000, 250_000, seed=5, mix=0.2, ticked=300)
    by_coql, rows_coql = await _plan(sim, tmp_path, "coql")
    sim.stats.reset()
    by_bulk, rows_bulk = await _plan(sim, tmp_path, "bulk")
    assert by_coql.reads == {"org_a": "coql_keyset", "org_b": "coql_keyset"}
    assert by_bulk.reads == {"org_a": "coql_keyset", "org_b": "bulk"}
    assert rows_bulk == rows_coql
    assert len(rows_coql) == bench.a_pending
    assert len({c[0] for c in rows_coql.values()}) >= 5  # several classes, not only ready
    bulk_calls = [c for c in sim.stats.calls if c.org == "B" and "/crm/bulk/" in c.path]
    creates = [c for c in bulk_calls if c.method == "POST"]
    downloads = [c for c in bulk_calls if c.path.endswith("/result")]
    assert len(creates) == len(downloads) == 2  # 200,000 a page: two pages
    assert len(bulk_calls) > 4  # and the polls between
    assert not [c for c in sim.stats.calls if c.org == "B" and "/coql" in c.path]
