"""Files benchmark: ``fieldsync files --auto`` against the old script's serial flow.

    .venv/bin/python bench/files_bench.py [--records 1000] [--folders 5000] [--latency-ms 50]
        [--bandwidth-mbps 10] [--smallest-kb 10] [--big-mb 100] [--seed 7]
        [--max-concurrency N] [--serial-records 150] [--flows serial,fieldsync]
        [--reuse PATH] [--tracemalloc] [--json PATH]

Each flow runs in its own child process on its own fresh in-process simulator built from the
same seed (the children report a fingerprint of the data; the bench refuses to compare
different data), so each one's memory is measured alone. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench_child import run_child
from files_data import FilesArgs
from files_flows import SETUP_PHASES, run_serial
from files_ours import run_fieldsync_files
from files_render import render
from files_report import build_report, end_state_clean

WORKERS = {"serial": run_serial, "fieldsync": run_fieldsync_files}
FLAGS = ("records", "folders", "latency_ms", "bandwidth_mbps", "smallest_kb", "big_mb", "seed")


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=1000, help="pending Org A records")
    p.add_argument("--folders", type=int, default=5000, help="sub-folders of the team folder")
    p.add_argument("--latency-ms", type=float, default=50.0, help="latency of every call")
    p.add_argument(
        "--bandwidth-mbps", type=float, default=10.0, help="MB/s per connection, each way"
    )
    p.add_argument("--smallest-kb", type=int, default=10, help="smallest attachment, KB")
    p.add_argument("--big-mb", type=int, default=100, help="the one big file, MB (0: none)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--max-concurrency",
        type=int,
        default=None,
        help="ZOHO_MAX_CONCURRENCY for fieldsync (default: unset, fieldsync's default)",
    )
    p.add_argument(
        "--serial-records",
        type=int,
        default=150,
        help="records the serial flow runs (extrapolated to all; ≥ --records: all of them)",
    )
    p.add_argument("--flows", default="serial,fieldsync", help="which flows to run")
    p.add_argument(
        "--reuse", type=Path, help="take the flows not run from this earlier --json output"
    )
    p.add_argument("--tracemalloc", action="store_true", help="also the Python-heap peak")
    p.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    ns = p.parse_args(argv)
    ns.flows = [f.strip() for f in ns.flows.split(",") if f.strip()]
    if unknown := set(ns.flows) - set(WORKERS):
        p.error(f"--flows: unknown flow {sorted(unknown)[0]!r} (use serial, fieldsync)")
    if ns.records < 2 or ns.serial_records < 2 or ns.folders < 0:
        p.error("need --records ≥ 2, --serial-records ≥ 2 and --folders ≥ 0")
    if ns.latency_ms < 0 or ns.bandwidth_mbps <= 0 or not 1 <= ns.smallest_kb <= 1024:
        p.error("need --latency-ms ≥ 0, --bandwidth-mbps > 0 and --smallest-kb within 1..1024")
    if ns.big_mb < 0 or ns.big_mb > 100:
        p.error("--big-mb must be within 0..100 (a CRM attachment is at most 100 MB)")
    return ns


def files_args(ns: argparse.Namespace) -> FilesArgs:
    return FilesArgs(
        records=ns.records,
        folders=ns.folders,
        latency_ms=ns.latency_ms,
        bandwidth_mbps=ns.bandwidth_mbps,
        smallest_kb=ns.smallest_kb,
        big_mb=ns.big_mb,
        seed=ns.seed,
        max_concurrency=ns.max_concurrency,
        serial_records=ns.serial_records,
        trace=ns.tracemalloc,
    )


def child_argv(ns: argparse.Namespace) -> list[str]:
    argv = [sys.executable, str(Path(__file__).resolve())]
    for flag in (*FLAGS, "serial_records"):
        argv += ["--" + flag.replace("_", "-"), str(getattr(ns, flag))]
    if ns.max_concurrency is not None:
        argv += ["--max-concurrency", str(ns.max_concurrency)]
    if ns.tracemalloc:
        argv.append("--tracemalloc")
    return argv


def reused(ns: argparse.Namespace, args: FilesArgs) -> dict[str, dict[str, Any]]:
    """The flows an earlier run measured, if it ran on the same data, latency and bandwidth
    (the serial sample may differ; the fingerprints are compared as for any run)."""
    if ns.reuse is None:
        return {}
    earlier = json.loads(ns.reuse.read_text())
    now = asdict(args)
    if any(earlier["args"].get(k) != now[k] for k in FLAGS):
        raise SystemExit(f"files_bench: {ns.reuse} was measured on other data or settings")
    return {k: earlier[k] for k in WORKERS if earlier.get(k) and k not in ns.flows}


def main(argv: list[str] | None = None) -> int:
    ns = parse(argv)
    args = files_args(ns)
    if ns.worker:
        worker = WORKERS[ns.worker]
        # the serial flow is a coroutine; fieldsync's --auto runs its own event loop
        result = asyncio.run(worker(args)) if inspect.iscoroutinefunction(worker) else worker(args)
        ns.worker_out.write_text(json.dumps(result, default=str))
        return 0
    results = reused(ns, args)
    for flow in ns.flows:
        results[flow] = run_child(child_argv(ns), flow, "files_bench")
    if "serial" not in results:
        raise SystemExit("files_bench: the serial flow is needed (run it, or --reuse a run)")
    report = build_report(asdict(args), results, SETUP_PHASES)
    sys.stdout.write(render(report))
    sys.stdout.flush()
    if ns.json:
        ns.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    ours = report["fieldsync"]
    ok = report["data"]["identical"] and (ours is None or end_state_clean(ours["verify"]))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
