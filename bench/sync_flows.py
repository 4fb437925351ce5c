"""The two approaches ``sync_bench.py`` compares, each on its own fresh simulator.

* ``fieldsync``: exactly what ``fieldsync --auto`` does — settings from the simulator's
  ``.env``, one ``ZohoClient`` per org (as ``auto.build_client`` builds it), the start-up
  checks, ``SyncSession.load()`` and ``apply(auto_rows())`` in a temporary state directory,
  with the ``fieldsync`` log file written as ``--auto`` writes it.
* ``per-record``: the old script's flow — list Org A with Get Records (200 per page,
  ``fields=``, following ``next_page_token``; pending = checkbox false and a name, filtered
  on our side), then for each pending row, one after another: search Org B by name,
  update that B record, tick the A record. It takes the first search hit and skips a row
  with none. Run on the first ``sample`` pending rows by ascending id.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sync_meter import Meter, floor, rss_high_water_mb
from sync_verify import verify_fieldsync, verify_per_record

from fieldsync_tui.clients import build_client
from fieldsync_tui.config import OrgSettings, Settings, load_settings, secret_values
from fieldsync_tui.core.journal import Journal
from fieldsync_tui.core.model import RowClass
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.fields.session import SyncSession
from fieldsync_tui.fields.startup import connect
from fieldsync_tui.logs import setup_logging, teardown_logging
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.bench_dataset import BenchSummary, populate_bench
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import ZohoError
from fieldsync_tui.zoho.query import criteria_equals

ZOHO_CONCURRENCY_CAP = 10
"""Zoho's limit on concurrent (heavy) calls per org, enforced by the simulator."""
BASE_URL = "http://127.0.0.1:1"
"""Any loopback URL will do: the in-process transport never opens a socket."""
LIST_PAGE = 200


@dataclass(frozen=True)
class BenchArgs:
    a_pending: int
    b_total: int
    latency_ms: float
    sample: int
    seed: int
    mix: float
    ticked: int
    max_concurrency: int | None
    trace: bool


def build_sim(args: BenchArgs) -> tuple[Simulator, BenchSummary]:
    config = SimConfig(
        seed=args.seed,
        latency_ms=args.latency_ms,
        concurrency_cap=ZOHO_CONCURRENCY_CAP,
        sub_concurrency_cap=ZOHO_CONCURRENCY_CAP,
    )
    sim = Simulator(config)
    data = populate_bench(
        sim, args.a_pending, args.b_total, seed=args.seed, mix=args.mix, ticked=args.ticked
    )
    return sim, data


def fingerprint(sim: Simulator) -> str:
    """A hash of both orgs' ids, names, copied fields and checkboxes (timestamps left out),
    so the parent can prove both approaches ran on identical data."""
    cfg = sim.config
    keys = (cfg.name_field, cfg.url_field, cfg.folder_field, cfg.checkbox_field)
    digest = hashlib.sha256()
    for label in ("A", "B"):
        for rid, rec in sim.org(label).records().items():
            digest.update(repr((label, rid, *(rec.get(k) for k in keys))).encode())
    return digest.hexdigest()[:16]


def settings_for(sim: Simulator, tmp: Path, max_concurrency: int | None) -> Settings:
    env = dict(sim.env(BASE_URL))
    env["FIELDSYNC_STATE_DIR"] = str(tmp / "state")
    env["LOG_DIR"] = str(tmp / "logs")
    if max_concurrency is not None:
        env["ZOHO_MAX_CONCURRENCY"] = str(max_concurrency)
    return load_settings(environ=env, cwd=tmp)


def make_client(
    org: OrgSettings, settings: Settings, transport: httpx.AsyncBaseTransport
) -> ZohoClient:
    """Exactly as ``fieldsync --auto`` builds it."""
    return build_client(org, settings, transport)


def _start_tracing(trace: bool) -> None:
    if trace:
        tracemalloc.start()


def _common(args: BenchArgs, sim: Simulator, data: BenchSummary, t0: float) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint(sim),
        "populate_s": time.perf_counter() - t0,
        "a_total": data.a_total,
        "a_pending": data.a_pending,
        "b_total": data.b_total,
        "intended": dict(Counter(data.classes.values())),
        "rss_before_mb": rss_high_water_mb(),
    }


# ---- fieldsync --auto --------------------------------------------------------------------


async def run_fieldsync(args: BenchArgs) -> dict[str, Any]:
    t0 = time.perf_counter()
    sim, data = build_sim(args)
    out = _common(args, sim, data, t0)
    with tempfile.TemporaryDirectory(prefix="fieldsync-bench-") as tmp:
        settings = settings_for(sim, Path(tmp), args.max_concurrency)
        logger = setup_logging(settings.log_dir, secrets=secret_values(settings))
        meter = Meter(sim, trace=args.trace)
        _start_tracing(args.trace)
        journal = None
        try:
            with meter.phase("start-up checks"):
                journal = Journal.open(settings.state_dir)
                transport = sim.transport()
                meter.clients += [
                    make_client(settings.org_a, settings, transport),
                    make_client(settings.org_b, settings, transport),
                ]
                connected = await connect(settings, *meter.clients)
            session = SyncSession(settings, connected, journal, RunOptions(mode="auto"), logger)
            with meter.phase("load + classify"):
                plan = await session.load()
            with meter.phase("apply"):
                summary = await session.apply(session.auto_rows())
        finally:
            tracemalloc.stop()
            for client in meter.clients:
                await client.aclose()
            if journal is not None:
                journal.close()
            teardown_logging()
            log_bytes = sum(p.stat().st_size for p in Path(tmp, "logs").glob("*.log"))
    classes = Counter(str(r.klass) for r in plan.rows)
    applied = classes[RowClass.READY] + classes[RowClass.IN_SYNC]
    out.update(
        max_concurrency=settings.max_concurrency,
        log_bytes=log_bytes,
        phases=meter.as_json(),
        total=asdict(meter.total()),
        pending_loaded=len(plan.rows),
        classes=dict(classes),
        outcomes={str(k): v for k, v in summary.outcome_counts.items() if v},
        stopped_reason=summary.stopped_reason,
        floor=floor(len(plan.rows), data.b_total, applied, classes[RowClass.READY]).as_json(),
        peak_in_flight=dict(sim.gate.peak),
        verify=verify_fieldsync(sim, data, plan.rows),
    )
    return out


# ---- the old script's per-record flow ------------------------------------------------------


async def list_pending(
    client: ZohoClient, settings: Settings, checkbox: str | None = None
) -> list[dict[str, Any]]:
    """Get Records, 200 per page with ``fields=``, following ``next_page_token`` (Zoho needs
    it past 2,000 records); keep rows whose ``checkbox`` (default: the field sync's) is false
    and that have a name."""
    f = settings.fields
    box = checkbox or f.checkbox
    params = {"fields": ",".join((f.name, f.url, f.folder_id, box)), "per_page": "200"}
    pending: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        query = {**params, "page_token": token} if token else params
        # ZohoClient has no list call (fieldsync reads with COQL): use its one request path,
        # so retries, call and credit counting are the same as for every other call.
        answer = await client._call("GET", f"/crm/v8/{f.module}", params=query)
        body = answer.body if isinstance(answer.body, dict) else {}
        rows = body.get("data") or []
        pending += [r for r in rows if not r.get(box) and str(r.get(f.name) or "").strip()]
        info = body.get("info") or {}
        token = info.get("next_page_token")
        if not info.get("more_records") or not token:
            break
    pending.sort(key=lambda r: int(r["id"]))
    return pending


@dataclass
class Tally:
    rows: int = 0
    no_match: int = 0
    several_hits: int = 0
    b_written: int = 0
    b_overwrote: int = 0
    """B already held a different non-empty value: the old flow overwrote it unasked."""
    b_failed: int = 0
    a_ticked: int = 0
    a_failed: int = 0
    errors: int = 0


async def per_record_flow(
    client_a: ZohoClient,
    client_b: ZohoClient,
    settings: Settings,
    rows: list[dict[str, Any]],
    progress: Callable[[int], None],
) -> Tally:
    f = settings.fields
    tally = Tally()
    for a in rows:
        tally.rows += 1
        try:
            await _one_record(client_a, client_b, f, a, tally)
        except ZohoError:
            tally.errors += 1
        progress(tally.rows)
    return tally


async def _one_record(
    client_a: ZohoClient, client_b: ZohoClient, f: Any, a: dict[str, Any], tally: Tally
) -> None:
    hits = await client_b.search_records(f.module, criteria_equals(f.name, str(a[f.name])))
    if not hits:
        tally.no_match += 1
        return
    tally.several_hits += len(hits) > 1
    b = hits[0]
    if any(b.get(k) and b.get(k) != a.get(k) for k in (f.url, f.folder_id)):
        tally.b_overwrote += 1
    values = {"id": b["id"], f.url: a.get(f.url), f.folder_id: a.get(f.folder_id)}
    if f.updated_from:
        values[f.updated_from] = f.updated_from_value or a["id"]
    (b_result,) = await client_b.update_records(f.module, [values], trigger=[])
    if not b_result.ok:
        tally.b_failed += 1
        return
    tally.b_written += 1
    (a_result,) = await client_a.update_records(
        f.module, [{"id": a["id"], f.checkbox: True}], trigger=[]
    )
    if a_result.ok:
        tally.a_ticked += 1
    else:
        tally.a_failed += 1


def progress_printer(
    total: int, label: str = "per-record", unit: str = "rows", every: int = 100
) -> Callable[[int], None]:
    """A callback printing ``done/total`` and the rate to stderr every ``every`` items."""
    started = time.perf_counter()

    def show(done: int) -> None:
        if done % every == 0 or done == total:
            rate = done / max(time.perf_counter() - started, 1e-9)
            sys.stderr.write(f"  {label}: {done}/{total} {unit} ({rate:.2f} {unit}/s)\n")
            sys.stderr.flush()

    return show


async def run_per_record(args: BenchArgs) -> dict[str, Any]:
    t0 = time.perf_counter()
    sim, data = build_sim(args)
    out = _common(args, sim, data, t0)
    with tempfile.TemporaryDirectory(prefix="fieldsync-bench-") as tmp:
        settings = settings_for(sim, Path(tmp), args.max_concurrency)
        meter = Meter(sim, trace=args.trace)
        transport = sim.transport()
        client_a = make_client(settings.org_a, settings, transport)
        client_b = make_client(settings.org_b, settings, transport)
        meter.clients += [client_a, client_b]
        _start_tracing(args.trace)
        try:
            with meter.phase("list pending A (Get Records, 200/page)"):
                pending = await list_pending(client_a, settings)
            sample = pending[: args.sample]
            with meter.phase(f"per record x {len(sample)} (search B, PUT B, PUT A)"):
                tally = await per_record_flow(
                    client_a, client_b, settings, sample, progress_printer(len(sample))
                )
        finally:
            tracemalloc.stop()
            await client_a.aclose()
            await client_b.aclose()
    out.update(
        phases=meter.as_json(),
        pending_listed=len(pending),
        sample=len(sample),
        tally=asdict(tally),
        peak_in_flight=dict(sim.gate.peak),
        verify=verify_per_record(sim, data, [str(r["id"]) for r in sample]),
    )
    return out
