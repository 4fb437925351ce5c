"""After a run: does the simulator hold what the run should have left there?

Expected end state per intended class (``populate_bench``): ``ready`` — A ticked, the B
record of that name holds A's URL and folder id and the updated-from value (the A id);
``in_sync`` — A ticked, B unchanged (already held the values); every review class
(``overwrite``, ``unmatched``, ``invalid``, ``duplicate``) — A not ticked, nothing written;
``ticked`` — untouched. Every B record is written at most once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from fieldsync_tui.core.model import PlannedRow
from fieldsync_tui.simulator import Simulator
from fieldsync_tui.simulator.bench_dataset import BenchSummary

APPLIED_CLASSES = frozenset({"ready", "in_sync"})
EXAMPLES = 10


def _b_by_name(sim: Simulator) -> dict[str, list[dict[str, Any]]]:
    name = sim.config.name_field
    index: dict[str, list[dict[str, Any]]] = {}
    for rec in sim.org("B").records().values():
        index.setdefault(str(rec.get(name) or "").strip().casefold(), []).append(rec)
    return index


def _b_problem(
    sim: Simulator, a_id: str, a: dict[str, Any], cls: str, index: dict[str, list[dict[str, Any]]]
) -> str | None:
    cfg = sim.config
    hits = index.get(str(a.get(cfg.name_field) or "").strip().casefold(), [])
    if len(hits) != 1:
        return f"A {a_id} ({cls}): {len(hits)} B records of that name"
    b = hits[0]
    for key in (cfg.url_field, cfg.folder_field):
        if b.get(key) != a.get(key):
            return f"A {a_id} ({cls}): B {b['id']} {key} is {b.get(key)!r}, A has {a.get(key)!r}"
    if cls == "ready" and b.get(cfg.updated_from_field) != a_id:
        got = b.get(cfg.updated_from_field)
        return f"A {a_id} (ready): B {b['id']} {cfg.updated_from_field} is {got!r}"
    return None


def verify_fieldsync(
    sim: Simulator, data: BenchSummary, rows: Sequence[PlannedRow]
) -> dict[str, Any]:
    cfg = sim.config
    a_now = sim.org("A").records()
    index = _b_by_name(sim)
    examples: list[str] = []
    counts: Counter[str] = Counter()

    def problem(kind: str, text: str) -> None:
        counts[kind] += 1
        if len(examples) < EXAMPLES:
            examples.append(text)

    for row in rows:
        want = data.classes.get(row.a.id)
        if str(row.klass) != want:
            problem("class", f"A {row.a.id}: fieldsync says {row.klass}, data says {want}")
    for a_id, cls in data.classes.items():
        a = a_now[a_id]
        want_tick = cls in APPLIED_CLASSES or cls == "ticked"
        if bool(a.get(cfg.checkbox_field)) != want_tick:
            problem("a_checkbox", f"A {a_id} ({cls}): checkbox {a.get(cfg.checkbox_field)}")
        if cls in APPLIED_CLASSES and (text := _b_problem(sim, a_id, a, cls, index)):
            problem("b_values", text)
    _check_writes(sim, data, index, problem)
    return {
        "mismatches": sum(counts.values()),
        "by_kind": dict(counts),
        "examples": examples,
    }


def _check_writes(
    sim: Simulator,
    data: BenchSummary,
    index: dict[str, list[dict[str, Any]]],
    problem: Any,
) -> None:
    cfg = sim.config
    a_now = sim.org("A").records()
    ready_b: set[str] = set()
    for a_id, cls in data.classes.items():
        if cls == "ready":
            hits = index.get(str(a_now[a_id].get(cfg.name_field)).strip().casefold(), [])
            ready_b.update(str(h["id"]) for h in hits)
    for (org, rid), times in sim.stats.writes_per_record.items():
        if times > 1:
            problem("written_twice", f"Org {org} record {rid} written {times} times")
        if org == "B" and rid not in ready_b:
            problem("b_unexpected", f"B {rid} written, but no ready row targets it")
        if org == "A" and data.classes.get(rid) not in APPLIED_CLASSES:
            problem("a_unexpected", f"A {rid} ({data.classes.get(rid)}) written")


def verify_per_record(
    sim: Simulator, data: BenchSummary, sample_ids: Sequence[str]
) -> dict[str, Any]:
    """What the old flow left for its sample, per intended class (it has no review)."""
    cfg = sim.config
    a_now = sim.org("A").records()
    index = _b_by_name(sim)
    by_class: dict[str, Counter[str]] = {}
    for a_id in sample_ids:
        cls = data.classes.get(a_id, "?")
        tally = by_class.setdefault(cls, Counter())
        a = a_now[a_id]
        tally["rows"] += 1
        tally["ticked"] += bool(a.get(cfg.checkbox_field))
        hits = index.get(str(a.get(cfg.name_field) or "").strip().casefold(), [])
        holds = any(
            h.get(cfg.url_field) == a.get(cfg.url_field)
            and h.get(cfg.folder_field) == a.get(cfg.folder_field)
            for h in hits
        )
        tally["b_holds_a_values"] += holds
    blind = sum(
        c["ticked"] for cls, c in by_class.items() if cls not in APPLIED_CLASSES | {"ticked"}
    )
    return {
        "by_class": {k: dict(v) for k, v in sorted(by_class.items())},
        "ready_or_in_sync_not_done": sum(
            c["rows"] - min(c["ticked"], c["b_holds_a_values"])
            for cls, c in by_class.items()
            if cls in APPLIED_CLASSES
        ),
        "review_rows_written_blindly": blind,
    }
