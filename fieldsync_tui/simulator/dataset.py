"""Demo and benchmark data: every row class of DESIGN.md §5, hostile names, bulk loading."""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.simulator.clock import iso
from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.names import (
    COMPANY_HEADS,
    COMPANY_SUFFIXES,
    COMPANY_TRADES,
    FIRST_NAMES,
    HOSTILE_EXACT,
    HOSTILE_MATCHES,
    LAST_NAMES,
    normalise,
)
from fieldsync_tui.simulator.org import SimOrg
from fieldsync_tui.simulator.simulator import Simulator

# Share of Org A rows per intended class (the rest, ~60 %, is "ready").
SHARES = {
    "in_sync": 0.08,
    "overwrite": 0.06,
    "duplicate": 0.05,
    "unmatched": 0.06,
    "conflict": 0.02,  # pairs: twice as many rows
    "invalid": 0.05,
    "ticked": 0.04,
    "no_name": 0.02,
}
EMPTY_NAMES = ("", "   ", "\u200b", None)


@dataclass
class DemoSummary:
    """What ``populate_demo`` built. ``classes`` maps each Org A id to its intended class
    (``ready``, ``in_sync``, …, or ``ticked`` / ``no_name`` for rows that are not pending)."""

    a_total: int = 0
    b_total: int = 0
    b_only: int = 0
    classes: dict[str, str] = field(default_factory=dict)

    def count(self, cls: str) -> int:
        return sum(1 for c in self.classes.values() if c == cls)


@dataclass
class _Builder:
    sim: Simulator
    rng: random.Random
    used: set[str] = field(default_factory=set)
    names: Any = None
    a_rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (class, values)
    b_rows: list[dict[str, Any]] = field(default_factory=list)
    b_only: int = 0
    lock_once: set[str] = field(default_factory=set)  # B names whose first write is refused

    def __post_init__(self) -> None:
        self.names = self._name_stream()
        cfg = self.sim.config
        self.url, self.folder, self.box = cfg.url_field, cfg.folder_field, cfg.checkbox_field
        self.name_field = cfg.name_field
        self.b_folder_len = self.sim.org("B").module().fields[cfg.folder_field].length or 255

    def _name_stream(self) -> Any:
        people = [f"{f} {last}" for f, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
        firms = [
            f"{h} {t} {s}"
            for h, t, s in itertools.product(COMPANY_HEADS, COMPANY_TRADES, COMPANY_SUFFIXES)
        ]
        pool = people + firms
        self.rng.shuffle(pool)
        for round_no in itertools.count(1):
            for name in pool:
                yield name if round_no == 1 else f"{name} {round_no}"

    def fresh(self) -> str:
        """A name whose normalised form is not used yet."""
        while True:
            name: str = next(self.names)
            if self._claim(name):
                return name

    def _claim(self, name: str) -> bool:
        key = normalise(name)
        if not key or key in self.used:
            return False
        self.used.add(key)
        return True

    def values(self) -> dict[str, Any]:
        folder = "".join(self.rng.choices(string.ascii_lowercase + string.digits, k=32))
        return {self.url: f"https://workdrive.zoho.com/folder/{folder}", self.folder: folder}

    def b_time(self) -> str:
        return iso(self.sim.clock.now() - self.rng.randint(3_600, 400 * 86_400))

    def add_a(
        self, cls: str, name: str | None, values: dict[str, Any], ticked: bool = False
    ) -> None:
        self.a_rows.append((cls, {self.name_field: name, **values, self.box: ticked}))

    def add_b(self, name: str | None, values: dict[str, Any] | None = None) -> None:
        row = {self.name_field: name, "Modified_Time": self.b_time(), **(values or {})}
        self.b_rows.append(row)


def populate_demo(
    sim: Simulator, records: int = 2000, seed: int = 7, locked_once: int = 0
) -> DemoSummary:
    """Fill both orgs with about ``records`` Org A rows of every class (never fewer than one
    row per class plus the hostile names) and about 1.3 times as many Org B records;
    ``locked_once`` ready rows' B records refuse their first write (RECORD_LOCKED) only."""
    builder = _Builder(sim, random.Random(seed))
    counts = {cls: max(1, round(records * share)) for cls, share in SHARES.items()}
    special = sum(counts.values()) + len(HOSTILE_MATCHES) + len(HOSTILE_EXACT)
    ready = max(0, records - special - counts["conflict"])
    _hostile(builder)
    for i in range(ready):
        _ready(builder, lock_once=i < locked_once)
    for cls, count in counts.items():
        for _ in range(count):
            BUILDERS[cls](builder)
    builder.b_only = max(1, records * 3 // 10)
    for _ in range(builder.b_only):
        builder.add_b(builder.fresh(), builder.values() if builder.rng.random() < 0.5 else {})
    return _store(sim, builder)


def _store(sim: Simulator, builder: _Builder) -> DemoSummary:
    rng = builder.rng
    a_rows = builder.a_rows
    rng.shuffle(a_rows)
    rng.shuffle(builder.b_rows)
    summary = DemoSummary()
    org_a, org_b = sim.org("A"), sim.org("B")
    for cls, values in a_rows:
        summary.classes[_add(org_a, values)] = cls
    for values in builder.b_rows:
        if values[builder.name_field] in builder.lock_once:
            org_b.lock_once(_add(org_b, values))
        else:
            _add(org_b, values)
    summary.a_total = len(a_rows)
    summary.b_total = len(builder.b_rows)
    summary.b_only = builder.b_only
    return summary


def _add(org: SimOrg, values: dict[str, Any]) -> str:
    name_field = org.config.name_field
    store = org.module()
    name = values.pop(name_field)
    if store.is_contacts_like and name_field == "Full_Name":
        values.update(_split_name(name))
    else:
        values[name_field] = name
    return org.add_record(values)


def _split_name(name: str | None) -> dict[str, Any]:
    """First/Last so that Zoho's "First Last" gives ``name`` back byte for byte."""
    if name and name == name.strip() and name.count(" ") == 1 and "\t" not in name:
        first, last = name.split(" ")
        if first and last and first in FIRST_NAMES:
            return {"First_Name": first, "Last_Name": last}
    return {"First_Name": None, "Last_Name": name}


def _hostile(b: _Builder) -> None:
    for a_name, b_name in HOSTILE_MATCHES:
        b.used.add(normalise(a_name))
        b.add_a("ready", a_name, b.values())
        b.add_b(b_name)
    for name in HOSTILE_EXACT:
        b.used.add(normalise(name))
        b.add_a("ready", name, b.values())
        b.add_b(name)


def _ready(b: _Builder, lock_once: bool = False) -> None:
    name, values = b.fresh(), b.values()
    b.add_a("ready", name, values)
    partial = {b.folder: values[b.folder]} if b.rng.random() < 0.2 else {}
    b.add_b(name if b.rng.random() < 0.7 or lock_once else name.upper(), partial)
    if lock_once:
        b.lock_once.add(name)


def _in_sync(b: _Builder) -> None:
    name, values = b.fresh(), b.values()
    b.add_a("in_sync", name, values)
    b.add_b(name, dict(values))


def _overwrite(b: _Builder) -> None:
    name, values = b.fresh(), b.values()
    b.add_a("overwrite", name, values)
    b.add_b(name, b.values())


def _duplicate(b: _Builder) -> None:
    name = b.fresh()
    b.add_a("duplicate", name, b.values())
    variants = [name, name.lower(), f" {name.upper()} "]
    for variant in variants[: b.rng.choice((2, 3))]:
        b.add_b(variant, b.values() if b.rng.random() < 0.5 else {})


def _unmatched(b: _Builder) -> None:
    name = b.fresh()
    b.add_a("unmatched", name, b.values())
    for near in _near_misses(name, b.rng):
        if b._claim(near):
            b.add_b(near)
            return


def _near_misses(name: str, rng: random.Random) -> list[str]:
    i = rng.randrange(len(name))
    letter = rng.choice([c for c in string.ascii_lowercase if c != name[i].lower()])
    one_off = name[:i] + letter + name[i + 1 :]
    dropped = name.replace(".", "").replace("&", "and").replace(",", "")
    return [one_off, dropped, f"{name} Holding", f"The {name}"]


def _conflict(b: _Builder) -> None:
    name = b.fresh()
    b.add_a("conflict", name, b.values())
    b.add_a("conflict", f"  {name.lower()}", b.values())
    b.add_b(name)


def _invalid(b: _Builder) -> None:
    name, values = b.fresh(), b.values()
    kind = b.rng.randrange(3)
    if kind == 0:
        values[b.url] = b.rng.choice(("", None, "   "))
    elif kind == 1:
        values[b.url] = values[b.url].removeprefix("https://")
    else:
        values[b.folder] = "f" * (b.b_folder_len + 5)
    b.add_a("invalid", name, values)
    b.add_b(name)


def _ticked(b: _Builder) -> None:
    name, values = b.fresh(), b.values()
    b.add_a("ticked", name, values, ticked=True)
    b.add_b(name, dict(values))


def _no_name(b: _Builder) -> None:
    b.add_a("no_name", b.rng.choice(EMPTY_NAMES), b.values())


BUILDERS = {
    "in_sync": _in_sync,
    "overwrite": _overwrite,
    "duplicate": _duplicate,
    "unmatched": _unmatched,
    "conflict": _conflict,
    "invalid": _invalid,
    "ticked": _ticked,
    "no_name": _no_name,
}


BENCH_MIX = ("in_sync", "in_sync", "overwrite", "unmatched", "invalid", "duplicate")
"""Classes ``populate_bench(mix=...)`` cycles through for the pending rows it makes non-ready."""


@dataclass(frozen=True)
class BenchSummary:
    a_total: int
    b_total: int
    a_pending: int
    classes: dict[str, str] = field(default_factory=dict)
    """Org A id → intended class: ``ready``, one of ``BENCH_MIX``, or ``ticked`` (not pending)."""

    def count(self, cls: str) -> int:
        return sum(1 for c in self.classes.values() if c == cls)


def populate_bench(
    sim: Simulator,
    a_pending: int,
    b_total: int,
    seed: int = 7,
    *,
    mix: float = 0.0,
    ticked: int = 0,
) -> BenchSummary:
    """Bulk-load ``a_pending`` ready Org A rows and ``b_total`` Org B records (the first
    ``a_pending`` of them match A by name with empty fields); no HTTP, seconds at 200,000.

    ``mix`` (0–1): that share of the pending rows is made non-ready, cycling through
    ``BENCH_MIX`` (a duplicate renames a spare B record; with none left the row stays ready).
    ``ticked``: extra Org A rows already done (checkbox true, a spare B record holding their
    values while spares last), spread among the pending ones. Both default to none, which
    gives exactly the data of earlier versions."""
    if b_total < a_pending:
        raise ValueError("b_total must be at least a_pending (every A row needs its B match)")
    if not 0.0 <= mix <= 1.0 or ticked < 0:
        raise ValueError("mix must be within 0..1 and ticked at least 0")
    rng = random.Random(seed)
    cfg = sim.config
    names = [f"Bench Company {i:07d}" for i in range(b_total)]
    a_values = [
        {
            cfg.name_field: names[i],
            cfg.url_field: f"https://workdrive.zoho.com/folder/b{i:09d}",
            cfg.folder_field: f"b{i:09d}{rng.randrange(10**6):06d}",
        }
        for i in range(a_pending)
    ]
    b_values = [{cfg.name_field: name} for name in names]
    classes = ["ready"] * a_pending
    if mix or ticked:
        mixer = _BenchMixer(sim.config, a_values, b_values, random.Random(seed * 7919 + 1))
        a_values, classes = mixer.run(mix, ticked)
    rng.shuffle(b_values)
    a_ids = _bulk(sim.org("A"), a_values)
    _bulk(sim.org("B"), b_values)
    return BenchSummary(len(a_values), b_total, a_pending, dict(zip(a_ids, classes, strict=True)))


class _BenchMixer:
    """Turns some ready bench rows into other classes and adds ticked rows (in place)."""

    def __init__(
        self,
        cfg: SimConfig,
        a_rows: list[dict[str, Any]],
        b_rows: list[dict[str, Any]],
        rng: random.Random,
    ) -> None:
        self.cfg, self.a_rows, self.b_rows, self.rng = cfg, a_rows, b_rows, rng
        self.spare = list(range(len(a_rows), len(b_rows)))  # B records no A row matches

    def run(self, mix: float, ticked: int) -> tuple[list[dict[str, Any]], list[str]]:
        n = len(self.a_rows)
        classes = ["ready"] * n
        for k, i in enumerate(self.rng.sample(range(n), round(n * mix))):
            cls = BENCH_MIX[k % len(BENCH_MIX)]
            if cls != "duplicate" or self.spare:
                classes[i] = cls
                self._make(cls, i)
        done = [self._ticked(t) for t in range(ticked)]
        slots = set(self.rng.sample(range(n + ticked), ticked))
        rows, out_classes = [], []
        pending, extra = iter(zip(self.a_rows, classes, strict=True)), iter(done)
        for slot in range(n + ticked):
            row, cls = (next(extra), "ticked") if slot in slots else next(pending)
            rows.append(row)
            out_classes.append(cls)
        return rows, out_classes

    def _make(self, cls: str, i: int) -> None:
        cfg, a, b = self.cfg, self.a_rows[i], self.b_rows[i]
        url, folder, name = cfg.url_field, cfg.folder_field, cfg.name_field
        if cls == "in_sync":
            b.update({url: a[url], folder: a[folder]})
        elif cls == "overwrite":
            b.update({url: f"https://workdrive.zoho.com/folder/old{i:09d}", folder: f"old{i:09d}"})
        elif cls == "unmatched":
            a[name] = f"Bench Unmatched {i:07d}"
        elif cls == "invalid":
            a[url] = a[url].removeprefix("https://")  # no scheme
        elif cls == "duplicate":
            self.b_rows[self.spare.pop()][name] = a[name].upper()

    def _ticked(self, t: int) -> dict[str, Any]:
        cfg = self.cfg
        values = {
            cfg.url_field: f"https://workdrive.zoho.com/folder/t{t:09d}",
            cfg.folder_field: f"t{t:09d}",
        }
        name = f"Bench Done {t:07d}"
        if self.spare:
            b = self.b_rows[self.spare.pop()]
            name = b[cfg.name_field]
            b.update(values)
        return {cfg.name_field: name, **values, cfg.checkbox_field: True}


def _bulk(org: SimOrg, rows: list[dict[str, Any]]) -> list[str]:
    store = org.module()
    name_field = org.config.name_field
    contacts = store.is_contacts_like and name_field == "Full_Name"
    template = org.make_record(store, {}, "0")
    records = []
    for rid, values in zip(org.reserve_ids(len(rows)), rows, strict=True):
        record = dict(template)
        record.update(values)
        if contacts:
            record["Last_Name"] = values[name_field]
        record["id"] = rid
        records.append(record)
    with org.lock:
        store.bulk_append(records)
    return [r["id"] for r in records]
