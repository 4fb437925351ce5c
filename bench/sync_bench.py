"""Sync benchmark: fieldsync ``--auto`` against the old script's per-record flow.

    .venv/bin/python bench/sync_bench.py [--a-pending 10000] [--b-total 50000]
        [--latency-ms 100] [--sample 500] [--seed 7] [--mix 0.1] [--ticked 2000]
        [--max-concurrency N] [--no-tracemalloc] [--json PATH]
    .venv/bin/python bench/sync_bench.py --reads [--b-total 250000] [--latency-ms 100]

``--reads``: the read ladder's roads side by side on one big Org B index (calls, credits,
wall time; see ``read_roads.py``) and whether ``ZOHO_READ_STRATEGY=auto`` picks the cheapest.

Each approach runs in its own child process on its own fresh in-process simulator built
from the same seed (the children report a fingerprint of the data; the bench refuses to
compare different data), so each one's memory is measured alone. The simulator enforces
Zoho's concurrency cap (10 in-flight calls per org, 10 heavy ones) and sleeps
``--latency-ms`` inside every call. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bench_child import run_child
from read_roads import compare as compare_reads
from read_roads import render as render_reads
from sync_flows import ZOHO_CONCURRENCY_CAP, BenchArgs, run_fieldsync, run_per_record
from sync_report import build_report, render

WORKERS = {"fieldsync": run_fieldsync, "per-record": run_per_record}


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--a-pending", type=int, default=10_000, help="pending Org A rows")
    p.add_argument(
        "--b-total", type=int, default=None, help="Org B records (50,000; 250,000 with --reads)"
    )
    p.add_argument("--latency-ms", type=float, default=100.0, help="simulated latency per call")
    p.add_argument("--sample", type=int, default=500, help="rows the per-record flow runs")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--mix",
        type=float,
        default=0.1,
        help="share of pending rows that are not ready (in_sync, overwrite, unmatched, "
        "invalid, duplicate); 0 = all ready",
    )
    p.add_argument(
        "--ticked", type=int, default=2000, help="extra Org A rows already ticked (not pending)"
    )
    p.add_argument(
        "--max-concurrency",
        type=int,
        default=None,
        help="ZOHO_MAX_CONCURRENCY for fieldsync (default: unset, fieldsync's default)",
    )
    p.add_argument("--no-tracemalloc", action="store_true", help="skip the Python-heap peak")
    p.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    p.add_argument(
        "--reads",
        action="store_true",
        help="compare the read roads (COQL keyset, offset, Get Records, Bulk Read, auto) on "
        "an Org B index of --b-total records (250,000 when not given)",
    )
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.b_total is None:
        args.b_total = 250_000 if args.reads else 50_000
    if args.a_pending < 1 or args.sample < 1 or args.b_total < args.a_pending:
        p.error("need --a-pending ≥ 1, --sample ≥ 1 and --b-total ≥ --a-pending")
    if not 0.0 <= args.mix <= 1.0 or args.ticked < 0:
        p.error("--mix must be within 0..1 and --ticked at least 0")
    return args


def bench_args(ns: argparse.Namespace) -> BenchArgs:
    return BenchArgs(
        a_pending=ns.a_pending,
        b_total=ns.b_total,
        latency_ms=ns.latency_ms,
        sample=min(ns.sample, ns.a_pending),
        seed=ns.seed,
        mix=ns.mix,
        ticked=ns.ticked,
        max_concurrency=ns.max_concurrency,
        trace=not ns.no_tracemalloc,
    )


def child_argv(ns: argparse.Namespace) -> list[str]:
    argv = [sys.executable, str(Path(__file__).resolve())]
    for flag in ("a_pending", "b_total", "latency_ms", "sample", "seed", "mix", "ticked"):
        argv += ["--" + flag.replace("_", "-"), str(getattr(ns, flag))]
    if ns.max_concurrency is not None:
        argv += ["--max-concurrency", str(ns.max_concurrency)]
    if ns.no_tracemalloc:
        argv.append("--no-tracemalloc")
    return argv


def main(argv: list[str] | None = None) -> int:
    ns = parse(argv)
    if ns.reads:
        reads = compare_reads(ns.b_total, ns.latency_ms, ns.seed)
        sys.stdout.write(render_reads(reads))
        if ns.json:
            ns.json.write_text(json.dumps(reads, indent=2) + "\n")
        return 0 if reads["auto_is_cheapest"] else 1
    args = bench_args(ns)
    if ns.worker:
        result = asyncio.run(WORKERS[ns.worker](args))
        ns.worker_out.write_text(json.dumps(result, default=str))
        return 0
    results = {
        worker: run_child(child_argv(ns), worker, "sync_bench")
        for worker in ("fieldsync", "per-record")
    }
    report = build_report(asdict(args), ZOHO_CONCURRENCY_CAP, results)
    sys.stdout.write(render(report))
    sys.stdout.flush()
    if ns.json:
        ns.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    same_data = report["data"]["identical"]
    return 0 if same_data and report["fieldsync"]["verify"]["mismatches"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
