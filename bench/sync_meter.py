"""Measuring one approach of a benchmark (``sync_bench.py``, ``files_bench.py``): phases, API
calls (CRM and WorkDrive apart), credits, bytes on the wire, memory; and the sync's floor.

Two independent counts of calls and credits are kept side by side:

* the simulator's ledger (``sim.stats``): every call it answered, with the credits it
  charged (rejected calls — 4xx, 429 — are charged nothing);
* the clients' own counters (``ZohoClient.stats``): requests sent (retries included) and
  the credits of the answered calls by the ZOHO_API.md §10.2 table.

Memory: ``heap`` is the tracemalloc peak of the Python heap during a phase, counting only
allocations made after tracing started (the simulator's stored records, built before, are
not in it; its per-request work is). ``rss`` is the process's resident-set high-water mark
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``): everything, simulator data included.

Bytes: :class:`Wire` sits between the in-process transport and the simulator's ASGI app and
counts request bodies (up) and response bodies (down) as they stream, CRM and WorkDrive apart.
"""

from __future__ import annotations

import contextlib
import math
import resource
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from fieldsync_tui.simulator import Simulator
from fieldsync_tui.simulator.transport import SimTransport
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.costs import coql_credits, estimate_update_credits

COQL_PAGE = 2000
IDS_PER_CALL = 100
MB = 1024 * 1024
WORKDRIVE_PREFIX = "/workdrive/"
Message = MutableMapping[str, Any]


def rss_high_water_mb() -> float:
    """``ru_maxrss`` in MB (kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Phase:
    """What one phase cost."""

    name: str
    wall_s: float = 0.0
    sim_calls: int = 0
    """API calls the simulator answered, CRM and WorkDrive (token calls not included)."""
    wd_calls: int = 0
    """Of ``sim_calls``, the WorkDrive ones (they cost no CRM credits)."""
    sim_credits: int = 0
    token_calls: int = 0
    """Calls to the accounts server (``/oauth/v2/token``): no credits."""
    rejected: int = 0
    """CRM calls answered with HTTP 429 (concurrency/credits) — retried by the client."""
    client_calls: int = 0
    client_credits: int = 0
    client_retries: int = 0
    bytes_down: int = 0
    """Response bodies received (downloads and every answer), when a :class:`Wire` is set."""
    bytes_up: int = 0
    """Request bodies sent (uploads and every request)."""
    in_flight_crm: float = 0.0
    """Average CRM (and accounts) calls in flight over the phase, when a :class:`Wire` is set:
    how busy the clients kept their slots."""
    in_flight_wd: float = 0.0
    """Average WorkDrive calls in flight over the phase."""
    cpu_s: float = 0.0
    """Process CPU time (user + system) spent in the phase, simulator included."""
    heap_peak_mb: float | None = None
    rss_high_water_mb: float = 0.0

    @property
    def crm_calls(self) -> int:
        return self.sim_calls - self.wd_calls


class Wire:
    """ASGI middleware counting body bytes each way (streamed, never buffered)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self._app = app
        self.down = 0
        self.up = 0
        self._in_flight = {"crm": 0, "wd": 0}
        self._area = {"crm": 0.0, "wd": 0.0}  # calls in flight × seconds
        self._since = time.perf_counter()

    def _move(self, kind: str, step: int) -> None:
        now = time.perf_counter()
        for key, n in self._in_flight.items():
            self._area[key] += n * (now - self._since)
        self._since = now
        self._in_flight[kind] += step

    def areas(self) -> tuple[float, float]:
        """Call-seconds so far (CRM, WorkDrive)."""
        self._move("crm", 0)
        return self._area["crm"], self._area["wd"]

    def transport(self) -> SimTransport:
        """An in-process httpx transport through this counter."""
        return SimTransport(self)

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        async def counted_receive() -> Message:
            message = await receive()
            if message.get("type") == "http.request":
                self.up += len(message.get("body", b""))
            return message

        async def counted_send(message: Message) -> None:
            if message.get("type") == "http.response.body":
                self.down += len(message.get("body", b""))
            await send(message)

        kind = "wd" if str(scope.get("path", "")).startswith(WORKDRIVE_PREFIX) else "crm"
        self._move(kind, 1)
        try:
            await self._app(scope, counted_receive, counted_send)
        finally:
            self._move(kind, -1)


@dataclass
class _Snapshot:
    sim_calls: int
    client_calls: int
    client_credits: int
    client_retries: int
    down: int
    up: int
    areas: tuple[float, float]
    cpu: float


@dataclass
class Meter:
    """Times phases and attributes the simulator's and the clients' counts to them."""

    sim: Simulator
    clients: list[ZohoClient] = field(default_factory=list)
    trace: bool = True
    phases: list[Phase] = field(default_factory=list)
    wire: Wire | None = None
    _open: tuple[Phase, _Snapshot, float] | None = None

    def _snapshot(self) -> _Snapshot:
        return _Snapshot(
            len(self.sim.stats.calls),
            sum(c.stats.calls for c in self.clients),
            sum(c.stats.credits for c in self.clients),
            sum(c.stats.retries for c in self.clients),
            self.wire.down if self.wire else 0,
            self.wire.up if self.wire else 0,
            self.wire.areas() if self.wire else (0.0, 0.0),
            cpu_seconds(),
        )

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[Phase]:
        """Measure the body as phase ``name`` (clients may be added inside the body)."""
        phase = self.start(name)
        try:
            yield phase
        finally:
            self.stop()

    def start(self, name: str) -> Phase:
        """Open phase ``name`` (for code that cannot wrap a block: see :meth:`stop`)."""
        phase = Phase(name)
        before = self._snapshot()
        if self.trace and tracemalloc.is_tracing():
            tracemalloc.reset_peak()
        self._open = (phase, before, time.perf_counter())
        return phase

    def stop(self) -> None:
        """Close the open phase, if any."""
        if self._open is None:
            return
        phase, before, started = self._open
        self._open = None
        phase.wall_s = time.perf_counter() - started
        self._settle(phase, before)

    def _settle(self, phase: Phase, before: _Snapshot) -> None:
        if self.trace and tracemalloc.is_tracing():
            phase.heap_peak_mb = tracemalloc.get_traced_memory()[1] / MB
        phase.rss_high_water_mb = rss_high_water_mb()
        after = self._snapshot()  # clients added during the phase started from zero
        phase.client_calls = after.client_calls - before.client_calls
        phase.client_credits = after.client_credits - before.client_credits
        phase.client_retries = after.client_retries - before.client_retries
        phase.bytes_down = after.down - before.down
        phase.bytes_up = after.up - before.up
        phase.cpu_s = after.cpu - before.cpu
        if phase.wall_s > 0:
            phase.in_flight_crm = (after.areas[0] - before.areas[0]) / phase.wall_s
            phase.in_flight_wd = (after.areas[1] - before.areas[1]) / phase.wall_s
        for call in self.sim.stats.calls[before.sim_calls :]:
            if call.path.startswith("/oauth/"):
                phase.token_calls += 1
                continue
            phase.sim_calls += 1
            phase.wd_calls += call.path.startswith(WORKDRIVE_PREFIX)
            phase.sim_credits += call.credits
            phase.rejected += call.status == 429
        self.phases.append(phase)

    def total(self, name: str = "total") -> Phase:
        """The sum of every phase (memory: the highest of them)."""
        out = Phase(name)
        for p in self.phases:
            for key in (
                "wall_s",
                "sim_calls",
                "wd_calls",
                "sim_credits",
                "token_calls",
                "rejected",
                "client_calls",
                "client_credits",
                "client_retries",
                "bytes_down",
                "bytes_up",
                "cpu_s",
            ):
                setattr(out, key, getattr(out, key) + getattr(p, key))
            if p.heap_peak_mb is not None:
                out.heap_peak_mb = max(out.heap_peak_mb or 0.0, p.heap_peak_mb)
            out.rss_high_water_mb = max(out.rss_high_water_mb, p.rss_high_water_mb)
        return out

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(p) for p in self.phases]


# ---- the floor ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """The fewest calls/credits DESIGN §4/§6 allow for this data (the bench's yardstick)."""

    lines: tuple[tuple[str, int, int], ...]  # (what, calls, credits)

    @property
    def calls(self) -> int:
        return sum(c for _, c, _ in self.lines)

    @property
    def credits(self) -> int:
        return sum(c for _, _, c in self.lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "credits": self.credits,
            "lines": [{"what": w, "calls": c, "credits": k} for w, c, k in self.lines],
        }


def floor(pending: int, b_total: int, applied: int, b_written: int) -> Floor:
    """Start-up (org + fields per org), COQL pages of 2,000 for pending A and all of B,
    one re-read of A and of B per 100 applied rows, B ``PUT``s for the B records written
    and A ``PUT``s for the rows ticked, 100 per call (10 credits for a full one)."""
    a_pages = math.ceil(pending / COQL_PAGE)
    b_pages = math.ceil(b_total / COQL_PAGE)
    re_reads = math.ceil(applied / IDS_PER_CALL)
    b_puts = math.ceil(b_written / IDS_PER_CALL)
    a_puts = math.ceil(applied / IDS_PER_CALL)
    page = coql_credits(COQL_PAGE)
    lines = (
        ("start-up: GET org + GET fields, per org", 4, 4),
        (f"COQL Org A: {pending} pending / {COQL_PAGE} per page", a_pages, a_pages * page),
        (f"COQL Org B: {b_total} records / {COQL_PAGE} per page", b_pages, b_pages * page),
        (f"re-read Org B by id: {applied} rows / 100", re_reads, re_reads),
        (f"re-read Org A by id: {applied} rows / 100", re_reads, re_reads),
        (f"PUT Org B: {b_written} records / 100", b_puts, estimate_update_credits(b_written)),
        (f"PUT Org A (tick): {applied} rows / 100", a_puts, estimate_update_credits(applied)),
    )
    return Floor(lines)


def per_row(value: float, rows: int) -> float:
    return value / rows if rows else math.nan


def fmt_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Plain-text table: first column left-aligned, the rest right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
    return out


def fmt_n(value: float) -> str:
    return f"{value:,.0f}"


def fmt_s(value: float) -> str:
    if value >= 120:
        return f"{value:,.0f} s ({value / 60:.1f} min)"
    return f"{value:.2f} s"


def fmt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} MB"


def fmt_x(value: float) -> str:
    return f"{value:,.1f}×"


def target(name: str, value: float, limit: float, op: str) -> dict[str, Any]:
    """One target: ``value op limit`` (op ``≤``, ``<`` or ``≥``) and whether it is met."""
    met = {"≤": value <= limit, "<": value < limit, "≥": value >= limit}[op]
    return {"name": name, "value": value, "limit": limit, "op": op, "met": met}


def render_targets(targets: Sequence[dict[str, Any]]) -> list[str]:
    out = ["Targets"]
    for t in targets:
        mark = "met" if t["met"] else "NOT MET"
        out.append(f"  {t['name']}: {t['value']:,.4g} ({t['op']} {t['limit']:g}) — {mark}")
    return out
