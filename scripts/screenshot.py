"""Generate ``docs/console.svg`` (the README screenshot) from the built-in demo.

    .venv/bin/python scripts/screenshot.py            # docs/console.svg (160x45),
                                                      # docs/console-100x30.svg and
                                                      # docs/files-console.svg (160x45)
    .venv/bin/python scripts/screenshot.py --out x.svg --size 120x40 [--job files]

Runs the console headless on ``demo_connector`` (the simulated orgs of ``fieldsync --demo``,
zero latency), waits for the load, approves the first two ready rows, and puts the cursor on
an ``overwrite`` row so the detail pane shows a coloured diff. The demo data is seeded, so a
rerun gives the same picture except for the log pane's clock times. The files job's picture
(``fieldsync files --demo``) approves the ready records and shows the record whose two
files go to a folder it shares (a rename and a link in its detail).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from textual.pilot import Pilot

from fieldsync_tui.app import ConsoleOptions, FieldsyncApp, demo_connector, make_app
from fieldsync_tui.core.model import RowClass
from fieldsync_tui.widgets.record_table import RecordTable

ROOT = Path(__file__).resolve().parent.parent


async def settle(pilot: Pilot[object]) -> None:
    """Until no worker runs and the message queues are empty (no sleeping)."""
    app = pilot.app
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            return
    raise RuntimeError("the console did not settle")


async def stage(app: FieldsyncApp, pilot: Pilot[object]) -> None:
    await settle(pilot)
    table = app.review.query_one(RecordTable)
    ready = [p for p, i in enumerate(table.index) if table.rows[i].klass is RowClass.READY]
    for position in ready[:2]:
        table.cursor = position
        await pilot.press("y")
        await settle(pilot)
    overwrite = next(
        p for p, i in enumerate(table.index) if table.rows[i].klass is RowClass.OVERWRITE
    )
    table.cursor = overwrite
    await settle(pilot)


async def stage_files(app: FieldsyncApp, pilot: Pilot[object]) -> None:
    await settle(pilot)
    await pilot.press("1", "A", "0")
    await settle(pilot)
    table = app.review.query_one(RecordTable)
    harbor = next(p for p, i in enumerate(table.index) if table.rows[i].a.name == HARBOR)
    table.cursor = harbor
    await settle(pilot)


HARBOR = "Harbor Logistics GmbH"  # files_console.demo_extras: a rename, a link, a shared folder


async def shoot(out: Path, size: tuple[int, int], job: str = "fields") -> None:
    with tempfile.TemporaryDirectory(prefix="fieldsync-shot-") as tmp:
        if job == "files":
            from fieldsync_tui.files.session import FilesOptions
            from fieldsync_tui.files_console import files_demo_connector

            options = FilesOptions(tick_empty=True, mode="console", command="fieldsync files")
            _, connect = files_demo_connector(options, Path(tmp), latency_ms=0.0)
        else:
            _, connect = demo_connector(ConsoleOptions(), Path(tmp), latency_ms=0.0)
        app = make_app(connect)
        async with app.run_test(size=size) as pilot:
            await (stage_files if job == "files" else stage)(app, pilot)
            out.parent.mkdir(parents=True, exist_ok=True)
            app.save_screenshot(filename=out.name, path=str(out.parent))


SHOTS = (
    (ROOT / "docs" / "console.svg", "160x45", "fields"),
    (ROOT / "docs" / "console-100x30.svg", "100x30", "fields"),
    (ROOT / "docs" / "files-console.svg", "160x45", "files"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="one picture here (default: the README's two)")
    parser.add_argument("--size", default="160x45", help="columns x rows (with --out)")
    parser.add_argument("--job", choices=("fields", "files"), default="fields", help="with --out")
    args = parser.parse_args()
    shots = [(args.out, args.size, args.job)] if args.out else list(SHOTS)
    for out, size, job in shots:
        width, height = (int(n) for n in size.lower().split("x"))
        asyncio.run(shoot(out, (width, height), job))
        sys.stdout.write(f"wrote {out} ({size})\n")


if __name__ == "__main__":
    main()
