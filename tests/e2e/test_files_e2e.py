"""End to end, the files job (DESIGN §9): ``fieldsync files --auto`` as a subprocess against
the simulator on a loopback socket, over a world built for each class (§9.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .filesite import KB, FilesSite

MB = 1024 * KB
STAMP = r"_\d{8}_\d{6}"


@dataclass
class World:
    site: FilesSite
    ids: dict[str, str]
    folders: dict[str, str]
    atts: dict[str, str]


def build(site: FilesSite) -> World:
    ids: dict[str, str] = {}
    folders: dict[str, str] = {}
    atts: dict[str, str] = {}
    # ready: two files and a link, A's fields empty
    ids["ready"] = site.record("Alice Ready")
    folders["ready"] = site.folder("Alice Ready")
    atts["r1"] = site.attach(ids["ready"], "Contract.pdf", 3 * KB)
    atts["r2"] = site.attach(ids["ready"], "Site photo.jpg", 5 * KB)
    atts["rl"] = site.link(ids["ready"], "Drive link", "https://example.com/share")
    # ready with clashes: the folder holds someone else's Contract.pdf; two Photo.jpg
    ids["clash"] = site.record("Bob Clash")
    folders["clash"] = site.folder("bob  clash")
    site.put_file(folders["clash"], "Contract.pdf", 999)
    atts["c1"] = site.attach(ids["clash"], "Contract.pdf", 4 * KB)
    atts["c2"] = site.attach(ids["clash"], "Photo.jpg", 2 * KB)
    atts["c3"] = site.attach(ids["clash"], "Photo.jpg", 6 * KB)
    # in_sync: A points at the folder, the file is there by name and size
    folders["sync"] = site.folder("Carol Sync")
    ids["sync"] = site.record(
        "Carol Sync",
        folder_id=folders["sync"],
        url=f"https://workdrive.zoho.com/folder/{folders['sync']}",
    )
    atts["s1"] = site.attach(ids["sync"], "notes.txt", 3 * KB)
    site.put_file(folders["sync"], "NOTES.txt", 3 * KB)
    # overwrite: A's folder id holds another value
    folders["over"] = site.folder("Dan Over")
    ids["over"] = site.record("Dan Over", folder_id="somethingelse1")
    atts["o1"] = site.attach(ids["over"], "o.pdf", 2 * KB)
    # duplicate: two folders equal after normalisation
    ids["dup"] = site.record("Eve Dup")
    site.folder("Eve Dup", modified_ms=1_700_000_000_000)
    folders["dup"] = site.folder("EVE DUP", modified_ms=1_800_000_000_000)  # the newest
    atts["d1"] = site.attach(ids["dup"], "d.pdf", 2 * KB)
    # unmatched: no folder
    ids["unmatched"] = site.record("Frank Nowhere")
    site.attach(ids["unmatched"], "f.pdf", 2 * KB)
    # no_files: a link only
    ids["empty"] = site.record("Gina Empty")
    folders["empty"] = site.folder("Gina Empty")
    site.link(ids["empty"])
    # a big file next to a small one (--max-file-mb 1)
    ids["big"] = site.record("Hank Big")
    folders["big"] = site.folder("Hank Big")
    atts["b1"] = site.attach(ids["big"], "survey.mp4", MB + 300 * KB)
    atts["b2"] = site.attach(ids["big"], "small.txt", KB)
    return World(site, ids, folders, atts)


def rows_by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["a_id"]: r for r in report["rows"]}


def test_auto_does_the_class_column_byte_exact_and_a_second_run_moves_nothing(
    files_site: Any,
) -> None:
    w = build(files_site())
    site = w.site
    result = site.run("--report", "report.json")
    assert result.returncode == 0, result.stderr + result.stdout
    report = site.report()
    rows = rows_by_id(report)
    want = {
        "ready": ("ready", "applied"),
        "clash": ("ready", "applied"),
        "sync": ("in_sync", "ticked"),
        "over": ("overwrite", "skipped"),
        "dup": ("duplicate", "skipped"),
        "unmatched": ("unmatched", "skipped"),
        "empty": ("no_files", "folder_set"),
        "big": ("ready", "applied"),
    }
    for key, (klass, outcome) in want.items():
        row = rows[w.ids[key]]
        assert (row["class"], row["outcome"]) == (klass, outcome), (key, row)
    # ticks exactly as §9.3's column says (no_files is not ticked without --tick-empty)
    ticked = {k for k in want if site.ticked(w.ids[k])}
    assert ticked == {"ready", "clash", "sync", "big"}
    # byte-exact in the right folder; the link never copied; A's URL is the permalink
    ready = site.files_in(w.folders["ready"])
    assert ready == {
        "Contract.pdf": (3 * KB, site.md5_of(w.atts["r1"])),
        "Site photo.jpg": (5 * KB, site.md5_of(w.atts["r2"])),
    }
    a = site.a(w.ids["ready"])
    assert a[site.cfg.url_field] == site.permalink(w.folders["ready"])
    assert a[site.cfg.folder_field] == w.folders["ready"]
    assert rows[w.ids["ready"]]["links"] == [
        {"attachment_id": w.atts["rl"], "title": "Drive link", "url": "https://example.com/share"}
    ]
    # clashes renamed by the seed's pattern; two attachments named alike both land
    clash = site.files_in(w.folders["clash"])
    assert clash.pop("Contract.pdf") == (999, "")
    names = sorted(clash)
    assert len(names) == 3
    assert any(re.fullmatch(r"Contract" + STAMP + r"\.pdf", n) for n in names)
    assert "Photo.jpg" in names
    assert any(re.fullmatch(r"Photo" + STAMP + r"\.jpg", n) for n in names)
    md5s = {v[1] for v in clash.values()}
    assert md5s == {site.md5_of(w.atts[k]) for k in ("c1", "c2", "c3")}
    # the in_sync folder got nothing new
    assert site.files_in(w.folders["sync"]) == {"NOTES.txt": (3 * KB, "")}
    # report: totals add up, counts add up to the rows loaded
    totals = report["totals"]
    assert totals["files_copied"] == 2 + 3 + 2 == totals["files_planned"]
    assert totals["files_failed"] == 0
    assert sum(report["counts"]["outcomes"].values()) == len(report["rows"]) == 8
    assert sum(report["counts"]["classes"].values()) == 8
    uploads = site.upload_calls()
    assert uploads == 7
    # a second run after a clean one transfers nothing
    again = site.run("--report", "again.json")
    assert again.returncode == 0, again.stderr
    assert site.upload_calls() == uploads
    assert site.report("again.json")["totals"]["files_copied"] == 0
    secrets = [site.env[k] for k in site.env if k.endswith(("_SECRET", "_TOKEN"))]
    outputs = [result.stdout, result.stderr, again.stdout, again.stderr]
    outputs += [
        p.read_bytes().decode("utf-8", "replace")
        for p in site.dir.rglob("*")
        if p.is_file() and p.name != ".env"
    ]
    assert secrets and not [s for s in secrets for text in outputs if s in text]


def test_auto_with_every_option_and_the_dry_run(files_site: Any) -> None:
    w = build(files_site())
    site = w.site
    dry = site.run("--dry-run", "--allow-overwrite", "--report", "dry.json")
    assert dry.returncode == 0, dry.stderr
    assert site.upload_calls() == 0
    assert not [c for c in site.sim.stats.calls if "/Attachments/" in c.path]  # no download
    assert not [c for c in site.sim.stats.calls if c.method in ("PUT", "PATCH")]
    assert not any(site.ticked(i) for i in w.ids.values())
    assert re.search(r"projected: records=\d+ files=8 bytes=\d+ calls=\d+ credits=\d+", dry.stdout)
    assert all(r["outcome"] in ("dry_run", "skipped") for r in site.report("dry.json")["rows"])
    args = ("--allow-overwrite", "--on-duplicate", "newest", "--tick-empty", "--max-file-mb", "1")
    result = site.run(*args, "--report", "report.csv")
    assert result.returncode == 0, result.stderr + result.stdout
    over = site.a(w.ids["over"])
    assert site.ticked(w.ids["over"]) and over[site.cfg.folder_field] == w.folders["over"]
    assert site.ticked(w.ids["dup"]) and set(site.files_in(w.folders["dup"])) == {"d.pdf"}
    assert site.ticked(w.ids["empty"])  # --tick-empty
    assert site.ticked(w.ids["big"])  # the skipped too_large file does not block the tick
    assert set(site.files_in(w.folders["big"])) == {"small.txt"}
    assert not site.ticked(w.ids["unmatched"])
    csv_text = (site.dir / "report.csv").read_text()
    header = csv_text.splitlines()[0].split(",")
    assert header[-4:] == ["files_total", "files_copied", "files_failed", "bytes_copied"]
    assert len(csv_text.strip().splitlines()) == 1 + 8


def test_files_demo_auto_runs_on_the_built_in_orgs(files_site: Any) -> None:
    site = files_site()
    result = site.command("files", "--demo", "--auto", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "(dry run)" in result.stdout and "projected: records=" in result.stdout
