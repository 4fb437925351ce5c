"""Demo and benchmark data."""

from __future__ import annotations

import unicodedata

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.bench_dataset import populate_bench
from fieldsync_tui.simulator.dataset import populate_demo
from fieldsync_tui.simulator.names import HOSTILE_EXACT, HOSTILE_MATCHES, normalise

CLASSES = {"ready", "in_sync", "overwrite", "duplicate", "unmatched", "conflict", "invalid"}


def build(seed: int = 7, records: int = 400) -> Simulator:
    sim = Simulator(SimConfig(real_time=False))
    populate_demo(sim, records=records, seed=seed)
    return sim


def names(sim: Simulator, label: str) -> list[str | None]:
    return [r["Full_Name"] for r in sim.org(label).records().values()]


def test_every_class_and_b_larger_than_a() -> None:
    sim = Simulator(SimConfig(real_time=False))
    summary = populate_demo(sim, records=400)
    assert CLASSES | {"ticked", "no_name"} == set(summary.classes.values())
    assert summary.a_total == len(sim.org("A").records()) == 400
    assert summary.b_total == len(sim.org("B").records()) > summary.a_total
    assert 0.5 < summary.count("ready") / summary.a_total < 0.7
    ticked = [i for i, c in summary.classes.items() if c == "ticked"]
    assert all(sim.org("A").records()[i]["Transfer_Complete"] for i in ticked)


def test_deterministic_by_seed() -> None:
    assert names(build(1), "A") == names(build(1), "A")
    assert names(build(1), "B") == names(build(1), "B")
    assert names(build(1), "A") != names(build(2), "A")


def test_hostile_names_present() -> None:
    a_names = set(names(build(), "A"))
    b_names = set(names(build(), "B"))
    for exact in HOSTILE_EXACT:
        assert exact in a_names and exact in b_names
    for a_name, b_name in HOSTILE_MATCHES:
        assert a_name in a_names and b_name in b_names and a_name != b_name
        assert normalise(a_name) == normalise(b_name)
    nfd = [n for n in b_names if n and unicodedata.normalize("NFC", n) != n]
    assert nfd
    assert any(n and "\x1b[" in n for n in a_names) and "[bold red]Acme[/]" in a_names
    assert {None, "   ", "\u200b"} & a_names


def test_duplicates_have_distinct_modified_times() -> None:
    sim = Simulator(SimConfig(real_time=False))
    summary = populate_demo(sim, records=400)
    a = sim.org("A").records()
    b_by_name: dict[str, list[str]] = {}
    for record in sim.org("B").records().values():
        b_by_name.setdefault(normalise(record["Full_Name"]), []).append(record["Modified_Time"])
    for rid, cls in summary.classes.items():
        if cls == "duplicate":
            times = b_by_name[normalise(a[rid]["Full_Name"])]
            assert len(times) in (2, 3)
        if cls == "unmatched":
            assert normalise(a[rid]["Full_Name"]) not in b_by_name


def test_invalid_rows_are_invalid() -> None:
    sim = Simulator(SimConfig(real_time=False, folder_length_b=40))
    summary = populate_demo(sim, records=600)
    a = sim.org("A").records()
    for rid, cls in summary.classes.items():
        url, folder = a[rid]["WorkDrive_URL"], a[rid]["WorkDrive_Folder_ID"]
        bad = not (url or "").strip() or not (url or "").startswith("https://") or len(folder) > 40
        assert bad == (cls == "invalid"), (cls, url, folder)


def test_bench_bulk_load() -> None:
    sim = Simulator(SimConfig(real_time=False))
    summary = populate_bench(sim, 1000, 3000, seed=1)
    a, b = sim.org("A").records(), sim.org("B").records()
    assert (summary.a_pending, len(a), len(b)) == (1000, 1000, 3000)
    b_names = {r["Full_Name"] for r in b.values()}
    assert all(r["Full_Name"] in b_names and not r["Transfer_Complete"] for r in a.values())
    assert list(a) == sorted(a) and all(len(i) == 19 for i in a)
    new_id = sim.org("A").add_record({"Full_Name": "After"})
    assert new_id > max(a)
