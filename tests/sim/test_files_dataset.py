"""Files-job demo and bench data: every files class, hostile names, sizes, determinism."""

from __future__ import annotations

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.dataset import populate_demo
from fieldsync_tui.simulator.files_dataset import (
    KB,
    MB,
    FilesSummary,
    populate_files_bench,
    populate_files_demo,
)
from fieldsync_tui.simulator.names import normalise


def _demo(seed: int = 7) -> tuple[Simulator, FilesSummary]:
    sim = Simulator(SimConfig(real_time=False))
    populate_demo(sim, records=300, seed=seed)
    summary = populate_files_demo(sim.org("A"), sim.org("B").workdrive, sim.team_folder_id, seed)
    return sim, summary


def _fingerprint(sim: Simulator) -> list[tuple[str, ...]]:
    drive = sim.org("B").workdrive
    items = [(i.id, i.name, str(i.status), str(i.size)) for i in drive.items.values()]
    store = sim.org("A").attachments
    files = [
        (a.record_id, a.file_name, str(a.size))
        for rid in sim.org("A").records()
        for a in store.of(rid)
    ]
    return sorted(items) + sorted(files)


def test_demo_has_every_files_case() -> None:
    sim, summary = _demo()
    counts = {c: summary.count(c) for c in ("matched", "duplicate", "unmatched", "ticked")}
    assert all(counts.values()), counts
    org_a, drive = sim.org("A"), sim.org("B").workdrive
    cfg = sim.config
    root = drive.children(sim.team_folder_id)
    by_key: dict[str, list[str]] = {}
    for item in root:
        if item.status == 1:
            by_key.setdefault(normalise(item.name), []).append(item.name)
    for rid, cls in summary.classes.items():
        record = org_a.get(rid)
        assert record is not None
        key = normalise(record[cfg.name_field])
        expected = {"duplicate": 2, "unmatched": 0}.get(cls, 1)
        assert len(by_key.get(key, [])) == expected, (cls, key)
    assert any(i.status == 51 for i in root)  # trashed folders that must not match
    assert any(i.name != n for i in root for n in [i.name.strip()])  # a spaced variant


def test_demo_attachments_are_small_varied_and_hostile() -> None:
    sim, summary = _demo()
    store = sim.org("A").attachments
    per_record = [store.of(rid) for rid in sim.org("A").records()]
    assert {len(x) for x in per_record} >= {0, 6} and max(len(x) for x in per_record) <= 6
    files = [a for x in per_record for a in x if a.kind == "File"]
    assert all(KB <= a.size <= MB for a in files)
    assert any(a.kind == "Link URL" for x in per_record for a in x)
    assert any("[bold red]" in a.file_name for a in files)
    assert any(
        len(names := [a.file_name for a in x if a.kind == "File"]) != len(set(names))
        for x in per_record
    )
    assert summary.bytes == sum(a.size for a in files)


def test_demo_points_records_at_their_folders() -> None:
    sim, summary = _demo()
    cfg = sim.config
    drive = sim.org("B").workdrive
    pointed = [
        rid
        for rid, record in sim.org("A").records().items()
        if record[cfg.folder_field] in drive.items
    ]
    assert len(pointed) > len(summary.classes) // 3


def test_demo_is_deterministic_by_seed() -> None:
    assert _fingerprint(_demo(3)[0]) == _fingerprint(_demo(3)[0])
    assert _fingerprint(_demo(3)[0]) != _fingerprint(_demo(4)[0])


def test_bench_has_big_files_only_where_asked() -> None:
    sim = Simulator(SimConfig(real_time=False))
    summary = populate_files_bench(
        sim.org("A"), sim.org("B").workdrive, sim.team_folder_id, 40, big=2, folders=90
    )
    store = sim.org("A").attachments
    sizes = [[a.size for a in store.of(rid)] for rid in summary.classes]
    assert sum(any(50 * MB <= s <= 100 * MB for s in x) for x in sizes) == 2
    assert sum(s > MB for x in sizes for s in x) == 2
    assert summary.folders == 90 and len(sim.org("B").workdrive.children(sim.team_folder_id)) == 90
    folder_names = {i.name for i in sim.org("B").workdrive.children(sim.team_folder_id)}
    names = [r[sim.config.name_field] for r in sim.org("A").records().values()]
    assert len(set(names)) == 40 and set(names) <= folder_names
