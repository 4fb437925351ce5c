"""Benchmark data: bulk-loaded ready rows by the hundred thousand, optionally mixed with the
other row classes of DESIGN.md §5 and rows already done (demo data: ``dataset``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.org import SimOrg
from fieldsync_tui.simulator.simulator import Simulator

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
