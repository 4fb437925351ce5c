"""After a flow: what the simulator holds for each record, against what it should hold.

A record's folder is the team folder's sub-folder of the record's name. Every file attachment
(links excepted) should be in it exactly once, byte for byte: a copy is known by size and MD5
(the simulator keeps the MD5 of every upload; an attachment's comes from its seeded content).
Counted per flow, over the records it was given:

* ``files_missing`` — attachments with no copy (``missing_failing``: the one that cannot be
  downloaded; the rest are losses of the flow itself);
* ``files_duplicated`` — copies beyond the first, among the folder's active files;
* ``uploaded_twice`` — uploads of an attachment's content beyond the first into its folder,
  trashed ones included (what "never twice" forbids);
* ``foreign_files`` — active files in the folder that are no attachment's copy;
* ``ticked_too_early`` — files checkbox ticked while a file is missing;
* ``complete_not_ticked`` — every file there (at least one) and not ticked;
* ``a_fields_wrong`` — A's URL / folder id not the folder's permalink and id (or left empty).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from files_data import Facts

from fieldsync_tui.simulator import Simulator
from fieldsync_tui.simulator.attachments import FILE
from fieldsync_tui.simulator.wd_render import permalink
from fieldsync_tui.simulator.workdrive import ACTIVE

EXAMPLES = 8


def verify(sim: Simulator, facts: Facts, record_ids: Iterable[str]) -> dict[str, Any]:
    cfg = sim.config
    drive = sim.org("B").workdrive
    folders = {f.name: f for f in drive.children(sim.team_folder_id) if f.is_folder}
    store = sim.org("A").attachments
    records = sim.org("A").records()
    counts: Counter[str] = Counter()
    examples: list[str] = []

    def note(kind: str, text: str, n: int = 1) -> None:
        counts[kind] += n
        if n and len(examples) < EXAMPLES:
            examples.append(text)

    for rid in record_ids:
        counts["records"] += 1
        a = records[rid]
        folder = folders.get(str(a[cfg.name_field]))
        expected = Counter(
            (att.size, att.content.md5())
            for att in store.of(rid)
            if att.kind == FILE and att.content is not None
        )
        counts["files_expected"] += sum(expected.values())
        uploads = drive.children(folder.id) if folder is not None else []
        active = Counter((f.size, f.md5) for f in uploads if f.status == ACTIVE)
        ever = Counter((f.size, f.md5) for f in uploads)
        lacking = expected - active
        missing = sum(lacking.values())
        counts["files_present"] += sum((expected & active).values())
        if missing:
            of = sum(expected.values())
            note("files_missing", f"A {rid}: {missing} of {of} files missing", missing)
            failing = store.get(facts.failing_attachment) if rid == facts.failing_record else None
            if failing is not None and failing.content is not None:
                counts["missing_failing"] += lacking[(failing.size, failing.content.md5())] > 0
        dup = sum(max(0, active[k] - 1) for k in expected if active[k])
        if dup:
            note("files_duplicated", f"A {rid}: {dup} duplicate copies", dup)
        twice = sum(max(0, ever[k] - 1) for k in expected if ever[k])
        if twice:
            note("uploaded_twice", f"A {rid}: {twice} files uploaded more than once", twice)
        foreign = sum((active - expected).values())
        if foreign:
            note("foreign_files", f"A {rid}: {foreign} files that are no attachment's", foreign)
        ticked = bool(a.get(cfg.files.files_checkbox_field))
        counts["ticked"] += ticked
        if ticked and missing:
            note("ticked_too_early", f"A {rid}: ticked with {missing} file(s) missing")
        if not ticked and not missing and expected:
            counts["complete_not_ticked"] += 1
        if folder is not None and (
            a.get(cfg.url_field) != permalink(folder) or a.get(cfg.folder_field) != folder.id
        ):
            note("a_fields_wrong", f"A {rid}: URL/folder id not the folder's")
    counts["files_missing_by_flow"] = counts["files_missing"] - counts["missing_failing"]
    return {"counts": dict(counts), "examples": examples}
