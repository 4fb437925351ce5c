"""Demo data: every row class of DESIGN.md §5 and the hostile names (bulk benchmark data:
``bench_dataset``)."""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.simulator.clock import iso
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
