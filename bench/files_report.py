"""Numbers of ``files_bench.py`` from its children's results: the serial flow (extrapolated
when sampled), the bound, ratios and targets."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from files_data import DENIED_STATUS
from sync_meter import MB, target

KEYS = (
    "wall_s",
    "sim_calls",
    "wd_calls",
    "sim_credits",
    "token_calls",
    "client_calls",
    "bytes_down",
    "bytes_up",
    "cpu_s",
)
TARGET_SPEEDUP = 4.0
TARGET_VS_BOUND = 1.5
TARGET_RSS_MB = 250.0
TARGET_A_WRITES = 0.03
BATCH = 100
COQL_PAGE = 2000
LISTING_PAGE = 50


def _sum(phases: list[dict[str, Any]], key: str) -> float:
    return float(sum(p.get(key, 0) for p in phases))  # (older --json: no cpu_s)


def extrapolate(serial: dict[str, Any], setup: int) -> dict[str, Any]:
    """The serial flow over every pending record: setup and the special records as measured,
    the ordinary sampled records scaled to all ordinary ones."""
    head, records = serial["phases"][:setup], serial["phases"][setup:]
    special = [p for p in records if p.get("special")]
    ordinary = [p for p in records if not p.get("special")]
    rest = serial["pending_listed"] - len(special)
    factor = rest / len(ordinary) if ordinary else 1.0
    measured = {k: _sum(serial["phases"], k) for k in KEYS}
    extrapolated = {k: _sum(head, k) + _sum(special, k) + _sum(ordinary, k) * factor for k in KEYS}
    return {"measured": measured, "extrapolated": extrapolated, "factor": factor}


@dataclass(frozen=True)
class Bound:
    """The issue's bound: max(bytes ÷ (cap × concurrency), the longest file's transfer,
    round trips × latency ÷ concurrency), with the round trips DESIGN §9.2/§9.5 require."""

    concurrency: int
    cap: float  # bytes per second per connection
    latency: float  # seconds
    bytes_moved: int
    longest: int
    lines: tuple[tuple[str, int, str], ...]  # (what, round trips, org)

    @property
    def round_trips(self) -> int:
        return sum(n for _, n, _ in self.lines)

    @property
    def by_bytes(self) -> float:
        return self.bytes_moved / (self.cap * self.concurrency)

    @property
    def by_longest(self) -> float:
        return 2 * (self.longest / self.cap + self.latency)

    @property
    def by_round_trips(self) -> float:
        return self.round_trips * self.latency / self.concurrency

    @property
    def seconds(self) -> float:
        return max(self.by_bytes, self.by_longest, self.by_round_trips)

    def slot_floor(self) -> float:
        """Each org's clients hold ``concurrency`` slots; a slot is busy for a call's latency
        and its transfer: the busier org's slot-seconds ÷ concurrency (information only)."""
        per_org = {
            org: sum(n for _, n, o in self.lines if o == org) * self.latency
            + self.bytes_moved / 2 / self.cap
            for org in ("A", "B")
        }
        return max(per_org.values()) / self.concurrency

    def as_json(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "cap_mb_per_s": self.cap / MB,
            "latency_s": self.latency,
            "bytes_moved": self.bytes_moved,
            "longest_file": self.longest,
            "round_trips": self.round_trips,
            "by_bytes_s": self.by_bytes,
            "by_longest_s": self.by_longest,
            "by_round_trips_s": self.by_round_trips,
            "bound_s": self.seconds,
            "slot_floor_s": self.slot_floor(),
            "lines": [{"what": w, "round_trips": n, "org": o} for w, n, o in self.lines],
        }


def bound(facts: dict[str, Any], args: dict[str, Any], concurrency: int) -> Bound:
    records, files = facts["records"], facts["files"]
    batches = math.ceil(records / BATCH)
    failing = 1 if facts["failing_attachment"] else 0
    lines = (
        ("start-up: Org A's org + fields", 2, "A"),
        ("start-up: Org B's org + fields, the team folder", 3, "B"),
        (f"pending A by COQL, {COQL_PAGE} a page", math.ceil(records / COQL_PAGE), "A"),
        (f"folder index: {facts['folders']} sub-folders, {LISTING_PAGE} a page",
         facts["folders"] // LISTING_PAGE + 1, "B"),
        ("attachments of each record", records, "A"),
        ("contents of each record's folder at load", records, "B"),
        ("re-read A by ids, per batch of 100", batches, "A"),
        ("re-list of each folder before writing", records, "B"),
        ("A URL + folder id, 100 a PUT", batches, "A"),
        (f"downloads ({files} files; the refused one once)", files, "A"),
        ("uploads (the refused file never)", files - failing, "B"),
        ("attachments re-listed before the tick", facts["records_with_files"] - failing, "A"),
        ("A ticks, 100 a PUT", batches, "A"),
    )  # fmt: skip
    return Bound(
        concurrency=concurrency,
        cap=args["bandwidth_mbps"] * MB,
        latency=args["latency_ms"] / 1000,
        bytes_moved=2 * (facts["file_bytes"] - facts["failing_size"]),
        longest=facts["biggest"],
        lines=lines,
    )


FLAWS = (
    "files_missing_by_flow",
    "ticked_too_early",
    "files_duplicated",
    "uploaded_twice",
    "foreign_files",
    "a_fields_wrong",
)


def end_state_clean(verified: dict[str, Any]) -> bool:
    """No file lost beyond the refused one, none twice or foreign, no early tick, A right."""
    return not any(verified["counts"].get(k, 0) for k in FLAWS)


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.inf


def build_report(
    args: dict[str, Any], results: dict[str, dict[str, Any]], setup: int
) -> dict[str, Any]:
    serial = results["serial"]
    ours = results.get("fieldsync")
    facts = serial["facts"]
    conc = ours["max_concurrency"] if ours else serial["max_concurrency"]
    b = bound(facts, args, conc)
    old = extrapolate(serial, setup)
    fingerprints = [r["fingerprint"] for r in results.values()]
    report: dict[str, Any] = {
        "args": args,
        "data": {
            "identical": len(set(fingerprints)) == 1,
            "fingerprints": fingerprints,
            "facts": facts,
            "denied_status": DENIED_STATUS,
        },
        "bound": b.as_json(),
        "serial": {**serial, **old},
        "fieldsync": ours,
        "targets": [],
    }
    if ours is None:
        return report
    tot = ours["total"]
    records = facts["records"]
    counts = ours["verify"]["counts"]
    e = old["extrapolated"]
    serial_floor = e["sim_calls"] * b.latency + (e["bytes_down"] + e["bytes_up"]) / b.cap
    report["serial_floor_s"] = serial_floor
    report["ratios"] = {
        "speedup": _ratio(old["extrapolated"]["wall_s"], tot["wall_s"]),
        "speedup_strict": _ratio(serial_floor, tot["wall_s"]),
        "vs_bound": _ratio(tot["wall_s"], b.seconds),
        "a_writes_per_record": ours["a_writes"] / records,
    }
    r = report["ratios"]
    c = counts.get
    report["targets"] = [
        target("wall time, serial ÷ fieldsync", r["speedup"], TARGET_SPEEDUP, "≥"),
        target("wall time, fieldsync ÷ bound", r["vs_bound"], TARGET_VS_BOUND, "≤"),
        target("peak RSS of fieldsync's process, MB", tot["rss_high_water_mb"], TARGET_RSS_MB, "<"),
        target("files uploaded twice", c("uploaded_twice", 0), 0, "≤"),
        target("A writes per record", r["a_writes_per_record"], TARGET_A_WRITES, "≤"),
        target("files lost beyond the refused one", c("files_missing_by_flow", 0), 0, "≤"),
        target("records fieldsync ticked with a file missing", c("ticked_too_early", 0), 0, "≤"),
    ]  # fmt: skip
    return report
