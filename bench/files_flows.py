"""The two flows ``files_bench.py`` compares, each in its own child on a fresh simulator.

* ``serial``: the old script's flow (``files_serial.py``) after listing the pending records
  with Get Records; on all of them, or on a sample (``--serial-records``): every k-th record
  by ascending id plus the two that matter most (the one with the big file, the one with the
  failing file), each record metered on its own so the parent can extrapolate.
* ``fieldsync``: ``fieldsync files --auto`` as the job really runs (``files_ours.py``).

Both use the same plumbing as ``sync_bench``: settings from the simulator's ``.env``
(``sync_flows.settings_for``), clients built as ``--auto`` builds them, the in-process
transport — here through a :class:`~sync_meter.Wire` that counts bytes each way.
"""

from __future__ import annotations

import logging
import tempfile
import time
import tracemalloc
from dataclasses import asdict
from pathlib import Path
from typing import Any

from files_data import Facts, FilesArgs, build_sim, fingerprint
from files_serial import FilesEnv, SerialFlow
from files_verify import verify
from sync_flows import list_pending, make_client, progress_printer, settings_for
from sync_meter import Meter, Wire, rss_high_water_mb

from fieldsync_tui.simulator import Simulator

SETUP_PHASES = 2
"""The serial child's first phases (listing, team folder); the rest are one per record."""


def common(sim: Simulator, facts: Facts, t0: float) -> dict[str, Any]:
    return {
        "fingerprint": fingerprint(sim, facts),
        "populate_s": time.perf_counter() - t0,
        "facts": facts.as_json(),
        "rss_before_mb": rss_high_water_mb(),
    }


def files_env(sim: Simulator) -> FilesEnv:
    cfg = sim.config
    return FilesEnv(
        module=cfg.module,
        name=cfg.name_field,
        url=cfg.url_field,
        folder_id=cfg.folder_field,
        files_checkbox=cfg.files.files_checkbox_field,
        team_folder_id=sim.team_folder_id,
    )


def serial_sample(
    pending: list[dict[str, Any]], facts: Facts, wanted: int
) -> tuple[list[dict[str, Any]], set[str]]:
    """Records the serial flow runs (ascending id) and which of them are the special ones."""
    special = {facts.biggest_record, facts.failing_record} - {""}
    if wanted >= len(pending):
        return pending, special
    ordinary = [r for r in pending if str(r["id"]) not in special]
    take = max(1, wanted - len(special))
    stride = len(ordinary) / take
    chosen = {str(ordinary[int(i * stride)]["id"]) for i in range(take)} | special
    return [r for r in pending if str(r["id"]) in chosen], special


async def run_serial(args: FilesArgs) -> dict[str, Any]:
    t0 = time.perf_counter()
    sim, facts = build_sim(args)
    out = common(sim, facts, t0)
    env = files_env(sim)
    logging.getLogger("fieldsync").addHandler(logging.NullHandler())  # the clients' lines
    with tempfile.TemporaryDirectory(prefix="files-bench-") as tmp:
        settings = settings_for(sim, Path(tmp), args.max_concurrency)
        wire = Wire(sim.asgi)
        transport = wire.transport()
        client_a = make_client(settings.org_a, settings, transport)
        client_b = make_client(settings.org_b, settings, transport)
        meter = Meter(sim, [client_a, client_b], trace=args.trace, wire=wire)
        flow = SerialFlow(client_a, client_b, env, Path(tmp))
        if args.trace:
            tracemalloc.start()
        try:
            with meter.phase("list pending A (Get Records, 200/page)"):
                pending = await list_pending(client_a, settings, env.files_checkbox)
            with meter.phase("team folder (the search's team id)"):
                await flow.start()
            sample, special = serial_sample(pending, facts, args.serial_records)
            show = progress_printer(len(sample), "serial", "records", 25)
            for done, a in enumerate(sample, 1):
                with meter.phase(str(a["id"])):
                    await flow.record(a)
                show(done)
        finally:
            tracemalloc.stop()
            await client_a.aclose()
            await client_b.aclose()
    phases = meter.as_json()
    for phase in phases[SETUP_PHASES:]:
        phase["special"] = phase["name"] in special
    sampled = {str(r["id"]) for r in sample} - special
    out.update(
        phases=phases,
        total=asdict(meter.total()),
        max_concurrency=settings.max_concurrency,
        pending_listed=len(pending),
        sampled=len(sample),
        tally=asdict(flow.tally),
        representative=_shares(facts, sampled, special),
        a_writes=a_writes(sim),
        verify=verify(sim, facts, [str(r["id"]) for r in sample]),
        rss_after_mb=rss_high_water_mb(),
    )
    return out


def _shares(facts: Facts, sampled: set[str], special: set[str]) -> dict[str, float]:
    """The sampled ordinary records' share of the ordinary records, files and bytes: the
    extrapolation is fair when the three agree."""
    ordinary = [rid for rid in facts.files_per_record if rid not in special]

    def share(values: dict[str, int]) -> float:
        whole = sum(values[rid] for rid in ordinary)
        return sum(values[rid] for rid in sampled) / whole if whole else 1.0

    return {
        "records": len(sampled) / len(ordinary) if ordinary else 1.0,
        "files": share(facts.files_per_record),
        "bytes": share(facts.bytes_per_record),
    }


def a_writes(sim: Simulator) -> int:
    """``PUT`` calls Org A answered with success (fields and ticks)."""
    return sum(1 for c in sim.stats.calls if c.org == "A" and c.method == "PUT" and c.status < 300)
