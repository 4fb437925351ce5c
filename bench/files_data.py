"""The files benchmark's data: one simulator per flow, built from one seed, and its facts.

``populate_files_bench`` gives ``records`` pending Org A records (files checkbox false,
WorkDrive fields empty), each with 0–6 attachments (links among them; sizes log-uniform from
``smallest_kb`` to 1 MB, one record at random with a ``big_mb`` file as well), and
``folders`` sub-folders of the team folder with clients' names, one per record and the rest
for names no pending record has. One file attachment fails for good: every download of it is
refused (HTTP 403, as Zoho answers "Permission denied to download attachment"); it is the
last file of a record with at least two, so a flow that ticks after the first upload ticks
that record with a file missing.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.attachments import FILE
from fieldsync_tui.simulator.files_dataset import KB, MB, populate_files_bench

ZOHO_CONCURRENCY_CAP = 10
"""Zoho's limit on concurrent (heavy) CRM calls per org, enforced by the simulator."""
DENIED_STATUS = 403
FOREVER = 10**9


@dataclass(frozen=True)
class FilesArgs:
    records: int
    folders: int
    latency_ms: float
    bandwidth_mbps: float
    smallest_kb: int
    big_mb: int
    seed: int
    max_concurrency: int | None
    serial_records: int
    trace: bool


@dataclass
class Facts:
    """What the data holds (the same in both children; the bound is computed from it)."""

    records: int = 0
    records_with_files: int = 0
    folders: int = 0
    files: int = 0
    links: int = 0
    file_bytes: int = 0
    biggest: int = 0
    biggest_record: str = ""
    failing_attachment: str = ""
    failing_record: str = ""
    failing_size: int = 0
    files_per_record: dict[str, int] = field(default_factory=dict)
    bytes_per_record: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        del out["files_per_record"], out["bytes_per_record"]
        return out


def build_sim(args: FilesArgs) -> tuple[Simulator, Facts]:
    config = SimConfig(
        seed=args.seed,
        latency_ms=args.latency_ms,
        concurrency_cap=ZOHO_CONCURRENCY_CAP,
        sub_concurrency_cap=ZOHO_CONCURRENCY_CAP,
    )
    sim = Simulator(config)
    sim.transfers.cap_bandwidth(args.bandwidth_mbps * MB)
    summary = populate_files_bench(
        sim.org("A"),
        sim.org("B").workdrive,
        sim.team_folder_id,
        args.records,
        big=1 if args.big_mb > 0 else 0,
        big_size=args.big_mb * MB,
        seed=args.seed,
        folders=max(args.folders, args.records),
        smallest=args.smallest_kb * KB,
    )
    facts = _facts(sim, list(summary.classes), args.seed)
    sim.faults.fail_next(
        FOREVER,
        status=DENIED_STATUS,
        org="A",
        path_contains=f"/Attachments/{facts.failing_attachment}",
        method="GET",
    )
    return sim, facts


def _facts(sim: Simulator, record_ids: list[str], seed: int) -> Facts:
    store = sim.org("A").attachments
    facts = Facts(records=len(record_ids))
    facts.folders = len(sim.org("B").workdrive.children(sim.team_folder_id))
    candidates = []
    for rid in record_ids:
        files = [a for a in store.of(rid) if a.kind == FILE]
        facts.links += len(store.of(rid)) - len(files)
        facts.files += len(files)
        facts.records_with_files += bool(files)
        facts.files_per_record[rid] = len(files)
        facts.bytes_per_record[rid] = sum(a.size for a in files)
        facts.file_bytes += facts.bytes_per_record[rid]
        for a in files:
            if a.size > facts.biggest:
                facts.biggest, facts.biggest_record = a.size, rid
        if len(files) >= 2:
            candidates.append((rid, files[-1]))
    candidates = [c for c in candidates if c[0] != facts.biggest_record]
    if not candidates:
        raise SystemExit("files_bench: no record with two files to fail one of: use more records")
    rid, failing = random.Random(seed * 101 + 13).choice(candidates)
    facts.failing_record, facts.failing_attachment = rid, failing.id
    facts.failing_size = failing.size
    return facts


def fingerprint(sim: Simulator, facts: Facts) -> str:
    """A hash of Org A's records and attachments (content seeds and sizes), Org B's WorkDrive
    and the failing file, taken before a flow runs: equal hashes = identical data."""
    cfg = sim.config
    keys = (
        cfg.name_field,
        cfg.url_field,
        cfg.folder_field,
        cfg.checkbox_field,
        cfg.files.files_checkbox_field,
    )
    digest = hashlib.sha256()
    store = sim.org("A").attachments
    for rid, rec in sim.org("A").records().items():
        digest.update(repr((rid, *(rec.get(k) for k in keys))).encode())
        for a in store.of(rid):
            seed = a.content.seed if a.content is not None else None
            digest.update(repr((a.id, a.file_name, a.kind, a.size, seed, a.link_url)).encode())
    for item in sim.org("B").workdrive.items.values():
        row = (item.id, item.name, item.parent_id, item.is_folder, item.status, item.size)
        digest.update(repr(row).encode())
    digest.update(facts.failing_attachment.encode())
    return digest.hexdigest()[:16]
