"""Console benchmark: the review console headless at 100,000 pending rows (DESIGN.md §7).

    .venv/bin/python bench/console_bench.py [--a-pending 100000] [--b-total 200000]
                                            [--seed 7] [--mix 0.05] [--json PATH]

The real app (``make_app(live_connector(...))``) runs under ``App.run_test`` at 160×50 against
the in-process simulator (zero latency) filled by ``populate_bench``; ``--mix`` turns that
share of the pending rows into other classes, unmatched ones included, and a few more A
records get a one-letter typo so near-name suggestions have real work. Measured, not
asserted: the script prints a table (target, measured, PASS/MISS) and exits 0.

What each number means (all wall clock, ``time.perf_counter``):

* **load: API** — ``SyncSession.load`` minus its ``replan``: COQL paging of both orgs through
  the real client and the simulator, and turning rows into records.
* **load: classify** — the ``replan`` inside ``load`` (B index, classification, selection).
* **first paint** — from ``load()`` returning to the end of the first ``RecordTable``
  repaint that draws rows (the last ``render_line`` call of that frame that returns a row).
* **key timings** (filter, page, ``y``, ``A``) — from just before the key is sent to the end of
  the table's next repaint (the last ``render_line`` call after the key; the app is let run
  until its workers are done and its queues are empty). Textual's own frame pacing is
  included; the pilot forces the repaint as soon as the app is idle.
* **suggester build** — ``make_suggester`` over every B record (once per load, in a thread).
* **suggest query** — one ``suggester.suggest(name, limit=5)`` for an unmatched row.
* **detail open** — ``enter`` on that unmatched row until the detail screen has mounted.
* **peak RSS** — ``ru_maxrss`` of this process, which also holds the simulator's copy of
  both orgs; the RSS after populating (before the console starts) is printed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.strip import Strip

from fieldsync_tui.app import ConsoleOptions, FieldsyncApp, live_connector, make_app
from fieldsync_tui.config import load_settings
from fieldsync_tui.core.model import BRecord, Decision, RowClass
from fieldsync_tui.screens.detail import DetailScreen
from fieldsync_tui.screens.session_port import ConsoleBackend
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.bench_dataset import populate_bench
from fieldsync_tui.widgets.record_table import RecordTable

SIZE = (160, 50)
TYPOS = 50  # extra unmatched A rows: a bench name with one letter changed


@dataclass
class Result:
    name: str
    seconds: float | None
    target: float | None = None  # seconds (or MB for RSS)
    unit: str = "ms"
    note: str = ""

    @property
    def status(self) -> str:
        if self.target is None or self.seconds is None:
            return ""
        return "PASS" if self.seconds <= self.target else "MISS"

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.unit == "MB":
            return f"{value:,.0f} MB"
        return f"{value * 1000:,.1f} ms" if value < 10 else f"{value:,.2f} s"


@dataclass
class Timings:
    load_started: float = 0.0
    load_returned: float = 0.0
    replan_seconds: float = 0.0
    suggester_seconds: float = 0.0
    rss_baseline_mb: float = 0.0
    results: list[Result] = field(default_factory=list)


class PaintProbe:
    """Wraps one ``RecordTable.render_line``: when did it last draw a row?"""

    def __init__(self) -> None:
        self.last_row_paint = 0.0
        self.first_rows = asyncio.Event()

    def install(self, table: RecordTable) -> None:
        original = table.render_line

        def render_line(y: int) -> Strip:
            strip = original(y)
            if table.scroll_offset.y + y < len(table.index):
                self.last_row_paint = time.perf_counter()
                self.first_rows.set()
            return strip

        table.render_line = render_line  # type: ignore[method-assign]


def rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return rss_mb()
    return pages * resource.getpagesize() / 2**20


def build_sim(a_pending: int, b_total: int, seed: int, mix: float) -> Simulator:
    sim = Simulator(SimConfig(latency_ms=0.0, seed=seed))
    populate_bench(sim, a_pending, b_total, seed, mix=mix)
    org_a = sim.org("A")
    for i in range(
        min(TYPOS, b_total - a_pending)
    ):  # near misses of B names that no A row matches exactly
        n = a_pending + i  # spare B records (the mix renames spares from the other end)
        org_a.add_record(
            {
                "Full_Name": f"Bench Compny {n:07d}",
                "WorkDrive_URL": f"https://workdrive.zoho.com/folder/typo{i}",
                "WorkDrive_Folder_ID": f"typo{i}",
            }
        )
    return sim


def instrument(backend: ConsoleBackend, t: Timings) -> ConsoleBackend:
    """Time ``load`` (and its ``replan``) and the suggester build, without changing them."""
    session: Any = backend.session
    original_load, original_replan = session.load, session.replan

    async def load(on_progress: Callable[[str, int], None]) -> Any:
        t.load_started = time.perf_counter()
        plan = await original_load(on_progress)
        t.load_returned = time.perf_counter()
        return plan

    def replan() -> Any:
        start = time.perf_counter()
        plan = original_replan()
        if not t.load_returned:
            t.replan_seconds += time.perf_counter() - start
        return plan

    session.load, session.replan = load, replan
    make = backend.make_suggester

    def make_suggester(records: Iterable[BRecord]) -> Any:
        start = time.perf_counter()
        suggester = make(records)
        t.suggester_seconds = time.perf_counter() - start
        return suggester

    backend.make_suggester = make_suggester
    return backend


async def settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            return


async def timed_key(pilot: Pilot[Any], probe: PaintProbe, key: str) -> float | None:
    start = time.perf_counter()
    await pilot.press(key)
    await settle(pilot)
    return probe.last_row_paint - start if probe.last_row_paint > start else None


async def drive(app: FieldsyncApp, t: Timings, verbose: bool) -> None:
    def say(text: str) -> None:
        if verbose:
            sys.stderr.write(f"  … {text}\n")

    async with app.run_test(size=SIZE) as pilot:
        table = app.review.query_one(RecordTable)
        probe = PaintProbe()
        probe.install(table)
        say("loading")
        await asyncio.wait_for(probe.first_rows.wait(), timeout=600)
        first_paint = probe.last_row_paint - t.load_returned
        await settle(pilot)
        rows = app.review.rows
        say(f"{len(rows)} rows loaded")
        add = t.results.append
        api = t.load_returned - t.load_started - t.replan_seconds
        add(Result("load: API (COQL, both orgs)", api, note=f"{len(rows):,} pending rows"))
        add(Result("load: classify (replan)", t.replan_seconds))
        add(Result("first paint after load()", first_paint, 1.5))
        add(Result("filter: press 1", await timed_key(pilot, probe, "1"), 0.2))
        add(Result("filter: press 0", await timed_key(pilot, probe, "0"), 0.2))
        add(Result("page down", await timed_key(pilot, probe, "pagedown"), 0.05))
        add(Result("page down again", await timed_key(pilot, probe, "pagedown"), 0.05))
        await suggestions(pilot, app, t, probe)
        await pilot.press("1")  # ready rows: y on the unmatched row would only explain
        await settle(pilot)
        add(Result("approve one row: y", await timed_key(pilot, probe, "y")))
        add(Result("skip one row: n", await timed_key(pilot, probe, "n")))
        await pilot.press("0")
        await settle(pilot)
        say("bulk approve")
        bulk = await timed_key(pilot, probe, "A")
        approved = sum(1 for r in app.review.rows if r.decision is Decision.APPROVED)
        add(Result("bulk approve: A", bulk, note=f"{approved:,} rows approved"))
        add(Result("undo the bulk: u", await timed_key(pilot, probe, "u")))


async def suggestions(pilot: Pilot[Any], app: FieldsyncApp, t: Timings, probe: PaintProbe) -> None:
    add = t.results.append
    add(Result("suggester build (once per load)", t.suggester_seconds, 2.0, note="in a thread"))
    await pilot.press(str(1 + list(RowClass).index(RowClass.UNMATCHED)))
    await settle(pilot)
    table = app.review.query_one(RecordTable)
    typo = next((p for p, i in enumerate(table.index) if "compny" in table.rows[i].norm_name), None)
    table.cursor = typo or 0
    await settle(pilot)
    row = table.current_row
    suggester = app.review.suggester
    if row is None or suggester is None:
        add(Result("suggest query", None, note="no unmatched row"))
        return
    start = time.perf_counter()
    found = suggester.suggest(row.a.name or "", limit=5)
    query = time.perf_counter() - start
    best = f"{found[0][0].name!r} ({found[0][1]:.2f})" if found else "nothing"
    add(Result("suggest query (one row)", query, 0.2, note=f"{row.a.name!r} → {best}"))
    start = time.perf_counter()
    await pilot.press("enter")
    await settle(pilot)
    opened = time.perf_counter() - start if isinstance(app.screen, DetailScreen) else None
    add(Result("detail open (enter, unmatched)", opened, 0.2))
    await pilot.press("escape")
    await pilot.press("0")
    await settle(pilot)


def report(t: Timings, args: argparse.Namespace) -> None:
    peak = rss_mb()
    t.results.append(
        Result("peak RSS", peak, 600, "MB", note=f"simulator alone {t.rss_baseline_mb:,.0f} MB")
    )
    print(
        f"console at {args.a_pending:,} pending rows / {args.b_total:,} B records "
        f"(mix {args.mix}, seed {args.seed}, {SIZE[0]}x{SIZE[1]})"
    )
    line = "{:<34} {:>12} {:>12}  {:<4}  {}"
    print(line.format("measure", "target", "measured", "", "note"))
    print(line.format("-" * 34, "-" * 12, "-" * 12, "----", "----"))
    for r in t.results:
        target = "—" if r.target is None else f"≤ {r.shown(r.target)}"
        print(line.format(r.name, target, r.shown(r.seconds), r.status, r.note).rstrip())
    if args.json:
        payload = {
            "args": vars(args) | {"json": str(args.json)},
            "results": [
                {
                    "name": r.name,
                    "value": r.seconds,
                    "unit": "MB" if r.unit == "MB" else "s",
                    "target": r.target,
                    "status": r.status or None,
                    "note": r.note,
                }
                for r in t.results
            ],
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")


async def main_async(args: argparse.Namespace) -> None:
    t = Timings()
    start = time.perf_counter()
    sim = build_sim(args.a_pending, args.b_total, args.seed, args.mix)
    t.rss_baseline_mb = current_rss_mb()
    sys.stderr.write(
        f"populated the simulator in {time.perf_counter() - start:.1f} s "
        f"(RSS {t.rss_baseline_mb:,.0f} MB)\n"
    )
    with tempfile.TemporaryDirectory(prefix="fieldsync-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = dict(sim.env("http://127.0.0.1"))
        env.update(FIELDSYNC_STATE_DIR=str(tmp / "state"), LOG_DIR=str(tmp / "logs"))
        settings = load_settings(environ=env, cwd=tmp)
        connect = live_connector(settings, ConsoleOptions(), sim.transport(), tmp)

        async def instrumented() -> ConsoleBackend:
            return instrument(await connect(), t)

        await drive(make_app(instrumented), t, args.verbose)
    report(t, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a-pending", type=int, default=100_000)
    parser.add_argument("--b-total", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", type=float, default=0.05, help="share of non-ready rows")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
