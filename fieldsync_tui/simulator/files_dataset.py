"""Demo and benchmark data for the files job (DESIGN §9): Org A attachments, Org B WorkDrive.

Demo (on top of ``populate_demo``'s records): most named Org A records get a sub-folder of the
team folder with their name (some as a variant equal after normalisation), carrying the id
their WorkDrive fields already hold when those look like a folder link; some names get two
such folders (``duplicate``), some none but a near name, a trashed one or one deeper down
(``unmatched``); some folders already hold a record's files (the old script's work), and some
records are ticked. Each record has 0–6 attachments of 1 KB–1 MB (links, hostile names, two
of one name among them). Content is a seed and a size: nothing is held in memory.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.names import (
    COMPANY_HEADS,
    COMPANY_SUFFIXES,
    COMPANY_TRADES,
    FIRST_NAMES,
    HOSTILE_EXACT,
    LAST_NAMES,
    normalise,
)
from fieldsync_tui.simulator.org import SimOrg
from fieldsync_tui.simulator.workdrive import Drive

KB = 1024
MB = 1024 * KB
DOC_NAMES = (
    "Contract.pdf",
    "Invoice 2026-11.pdf",
    "Site photo.jpg",
    "Angebot_Müller.docx",
    "notes.txt",
    "Scan 0001.png",
    "Q3 report (final).xlsx",
    "履歴書.pdf",
    "Plan v2.dwg",
    "Contract.pdf",  # twice: two attachments with one name
)
HOSTILE_FILES = (
    *(f"{name}.pdf" for name in HOSTILE_EXACT),
    "noext",
    "two..dots..pdf",
    "trailing dot.",
    "a" * 240 + ".pdf",
)
_FOLDER_ID = re.compile(r"[a-z0-9]{32,37}")


@dataclass
class FilesSummary:
    """What was built: Org A id → intended files class, and counts."""

    classes: dict[str, str] = field(default_factory=dict)
    folders: int = 0
    attachments: int = 0
    links: int = 0
    bytes: int = 0

    def count(self, cls: str) -> int:
        return sum(1 for c in self.classes.values() if c == cls)


class _Filler:
    def __init__(self, org_a: SimOrg, drive: Drive, root: str, rng: random.Random) -> None:
        self.org_a, self.drive, self.root, self.rng = org_a, drive, root, rng
        self.summary = FilesSummary()

    def attach(
        self, rid: str, count: int, big: int = 0, smallest: int = KB
    ) -> list[tuple[str, int]]:
        """``count`` attachments of ``smallest``–1 MB (plus ``big`` bytes as one more, if
        given); returns the files' (name, size)."""
        files: list[tuple[str, int]] = []
        store = self.org_a.attachments
        for _ in range(count):
            if self.rng.random() < 0.12:
                store.add_link(rid, "Shared drive", "https://example.com/share?id=1&x=<y>")
                self.summary.links += 1
                continue
            pool = HOSTILE_FILES if self.rng.random() < 0.1 else DOC_NAMES
            name = self.rng.choice(pool)
            size = int(math.exp(self.rng.uniform(math.log(smallest), math.log(MB))))
            store.add_file(rid, name, size, seed=self.rng.getrandbits(48))
            files.append((name, size))
        if big:
            store.add_file(rid, "site survey.mp4", big, seed=self.rng.getrandbits(48))
            files.append(("site survey.mp4", big))
        self.summary.attachments += len(files)
        self.summary.bytes += sum(size for _, size in files)
        return files

    def folder(self, name: str, item_id: str | None = None, parent: str | None = None) -> str:
        self.summary.folders += 1
        ms = self.drive.now_ms() - self.rng.randint(3_600, 400 * 86_400) * 1000
        return self.drive.add_folder(parent or self.root, name, modified_ms=ms, item_id=item_id)


def _variant(name: str, rng: random.Random) -> str:
    """A name equal to ``name`` after DESIGN §4 normalisation, different byte for byte."""
    options = [name.upper(), f"  {name} ", name.replace(" ", "  "), name.lower()]
    found = [v for v in options if v != name and normalise(v) == normalise(name)]
    return rng.choice(found) if found else name


def _pointed_id(record: dict[str, Any], cfg: SimConfig) -> str | None:
    folder, url = record.get(cfg.folder_field), record.get(cfg.url_field)
    pointed = isinstance(folder, str) and _FOLDER_ID.fullmatch(folder) is not None
    if pointed and isinstance(url, str) and url.endswith(f"/{folder}"):
        return str(folder)
    return None


def populate_files_demo(
    org_a: SimOrg, drive: Drive, team_folder_id: str, seed: int = 7
) -> FilesSummary:
    """Folders for Org A's records and attachments on them (see module doc)."""
    rng = random.Random(seed * 31 + 5)
    cfg = org_a.config
    fill = _Filler(org_a, drive, team_folder_id, rng)
    used: set[str] = set()
    for rid, record in org_a.records().items():
        name = record.get(cfg.name_field)
        if not isinstance(name, str) or not normalise(name):
            continue
        key = normalise(name)
        if key in used:
            continue  # several A records with one name share its folder
        used.add(key)
        files = fill.attach(rid, rng.randint(0, 6))
        roll = rng.random()
        if roll < 0.05:
            fill.folder(name)
            fill.folder(_variant(name, rng))
            fill.summary.classes[rid] = "duplicate"
        elif roll < 0.10:
            fill.folder(f"The {name}")
            if rng.random() < 0.5:
                drive.trash(fill.folder(name))
            else:
                fill.folder(name, parent=fill.folder(f"Archive {rid[-4:]}"))
            fill.summary.classes[rid] = "unmatched"
        else:
            shown = _variant(name, rng) if rng.random() < 0.2 else name
            pointed = _pointed_id(record, cfg)
            if pointed is not None and pointed in drive.items:
                pointed = None
            folder = fill.folder(shown, item_id=pointed if rng.random() < 0.9 else None)
            done = rng.random() < 0.12
            for file_name, size in files if done else files[:1] if rng.random() < 0.1 else []:
                drive.add_file(folder, file_name, size, md5="")
            if done and rng.random() < 0.5:
                org_a.edit_as_other_user(rid, {cfg.files.files_checkbox_field: True})
                fill.summary.classes[rid] = "ticked"
            else:
                fill.summary.classes[rid] = "matched"
    return fill.summary


def _client_names(rng: random.Random) -> Iterator[str]:
    """People and firm names (shuffled), then the same with " 2", " 3"… — distinct, and as
    alike as real clients' (shared first names, trades and suffixes: WorkDrive's fuzzy search
    finds many of them for one query)."""
    people = [f"{f} {last}" for f, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
    firms = [
        f"{h} {t} {s}"
        for h, t, s in itertools.product(COMPANY_HEADS, COMPANY_TRADES, COMPANY_SUFFIXES)
    ]
    pool = people + firms
    rng.shuffle(pool)
    for round_no in itertools.count(1):
        for name in pool:
            yield name if round_no == 1 else f"{name} {round_no}"


def populate_files_bench(
    org_a: SimOrg,
    drive: Drive,
    team_folder_id: str,
    records: int,
    *,
    big: int = 3,
    seed: int = 7,
    folders: int = 0,
    smallest: int = KB,
    big_size: int | None = None,
) -> FilesSummary:
    """``records`` new pending Org A records (files checkbox false, WorkDrive fields empty),
    each with its folder (a client's name) and 0–6 attachments of ``smallest``–1 MB; ``big``
    records at random carry one more file of ``big_size`` bytes (default 50–100 MB each).
    The team folder gets ``folders`` sub-folders in all (at least one per record), in random
    order (bench only)."""
    rng = random.Random(seed * 17 + 3)
    cfg = org_a.config
    fill = _Filler(org_a, drive, team_folder_id, rng)
    names = list(itertools.islice(_client_names(rng), max(folders, records)))
    for name in rng.sample(names, len(names)):
        fill.folder(name)
    heavy = set(rng.sample(range(records), min(big, records)))
    for i, name in enumerate(rng.sample(names, records)):
        rid = org_a.add_record({cfg.name_field: name})
        size = (big_size or rng.randint(50 * MB, 100 * MB)) if i in heavy else 0
        fill.attach(rid, rng.randint(0, 6), big=size, smallest=smallest)
        fill.summary.classes[rid] = "matched"
    return fill.summary
