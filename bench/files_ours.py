"""``fieldsync files --auto`` as the benchmark runs it: the real entry point, nothing else.

``files_auto.run_files_auto`` — what ``fieldsync files --auto --report PATH`` runs after
parsing its arguments — with settings from the simulator's ``.env`` (``settings_for``: a
temporary state and log directory, ``ZOHO_MAX_CONCURRENCY`` only if asked) and the in-process
transport through a byte-counting :class:`~sync_meter.Wire`. It builds its own clients, takes
``lock.files``, writes its journal, log and report, and runs its own event loop.

Its progress lines on stderr mark the phases (start-up checks until the team folder is
named, load + plan until the run starts, apply to the end); the meter closes one phase and
opens the next at each marker, so calls, credits and bytes are split where the job said.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import time
import tracemalloc
from dataclasses import asdict
from pathlib import Path
from typing import Any

from files_data import FilesArgs, build_sim
from files_flows import a_writes, common
from files_verify import verify
from sync_flows import settings_for
from sync_meter import Meter, Wire, rss_high_water_mb

from fieldsync_tui.files_auto import FilesAutoOptions, run_files_auto

MARKERS = (
    (re.compile(r"^fieldsync: team folder: "), "load + plan (index, attachments, folders)"),
    (re.compile(r"^fieldsync: run \S+: \d+ records to apply"), "apply (§9.5, batches of 100)"),
)
KEEP = 200
FAILED_FILE = re.compile(r"^fieldsync: record \S+: file \S+ failed")


class Marks(io.TextIOBase):
    """The job's stderr: phase markers switch the meter's phase; the rest is kept short."""

    def __init__(self, meter: Meter) -> None:
        self.meter = meter
        self.lines = 0
        self.kept: list[str] = []
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._partial += text
        *done, self._partial = self._partial.split("\n")
        for line in done:
            self.lines += 1
            for pattern, phase in MARKERS:
                if pattern.match(line):
                    self.meter.stop()
                    self.meter.start(phase)
            routine = line.startswith(("fieldsync: record ", "fieldsync: progress: "))
            if (FAILED_FILE.match(line) or not routine) and len(self.kept) < KEEP:
                self.kept.append(line)
        return len(text)


def run_fieldsync_files(args: FilesArgs) -> dict[str, Any]:
    """The ``fieldsync`` child (synchronous: ``run_files_auto`` runs its own event loop)."""
    t0 = time.perf_counter()
    sim, facts = build_sim(args)
    out = common(sim, facts, t0)
    with tempfile.TemporaryDirectory(prefix="files-bench-") as tmp:
        settings = settings_for(sim, Path(tmp), args.max_concurrency)
        report_path = Path(tmp) / "report.json"
        options = FilesAutoOptions(report=report_path)
        wire = Wire(sim.asgi)
        meter = Meter(sim, trace=args.trace, wire=wire)
        marks, summary = Marks(meter), io.StringIO()
        if args.trace:
            tracemalloc.start()
        meter.start("start-up checks")
        try:
            code = run_files_auto(
                settings, options, transport=wire.transport(), stdout=summary, stderr=marks
            )
        finally:
            meter.stop()
            tracemalloc.stop()
        report = json.loads(report_path.read_text()) if report_path.is_file() else {}
        log_bytes = sum(p.stat().st_size for p in Path(tmp, "logs").glob("*.log"))
    out.update(
        exit_code=code,
        max_concurrency=settings.max_concurrency,
        phases=meter.as_json(),
        total=asdict(meter.total()),
        summary=summary.getvalue().splitlines(),
        stderr_lines=marks.lines,
        stderr_kept=marks.kept,
        report_totals=report.get("totals"),
        log_bytes=log_bytes,
        peak_in_flight=dict(sim.gate.peak),
        a_writes=a_writes(sim),
        verify=verify(sim, facts, list(facts.files_per_record)),
        rss_after_mb=rss_high_water_mb(),
    )
    return out
