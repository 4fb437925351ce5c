"""``fieldsync files --demo`` in the console (issue 12): the built-in simulated orgs with every
class, a shared folder, renames, links and a file whose first download fails — a near-name
pick applies, the failing file leaves its record ``partial``, ``R`` copies it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fieldsync_tui.app import make_app
from fieldsync_tui.files.model import FileClass, FileOutcome
from fieldsync_tui.files.session import FilesOptions
from fieldsync_tui.files_console import files_demo_connector
from fieldsync_tui.screens.files_detail import FilesDetailScreen
from fieldsync_tui.widgets.run_progress import RunProgress

from .conftest import settle, widget_text

OPTIONS = FilesOptions(tick_empty=True, mode="console", command="fieldsync files --demo")


def demo_app(tmp_path: Path) -> Any:
    _, connect = files_demo_connector(OPTIONS, tmp_path, latency_ms=0.0)
    return make_app(connect)


def counts(app: Any) -> dict[str, int]:
    flat = " ".join(widget_text(app.review.query_one("#class-counts")).split())
    return {k: int(n) for k, n in re.findall(r"\d ([a-z_]+) (\d+)", flat)}


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_demo_covers_every_class_then_r_copies_the_failing_file(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        found = counts(app)
        assert list(found) == [k.value for k in FileClass] and all(found.values())
        assert sum(found.values()) == len(app.review.rows)
        shared = [r for r in app.review.rows if r.shares_folder_with]
        assert len(shared) == 2
        assert any(f.renamed for r in app.review.rows for f in r.files)
        assert any(r.links for r in app.review.rows)
        await pilot.press("5", "enter")  # the unmatched record: a near-name folder
        await settle(pilot)
        assert isinstance(app.screen, FilesDetailScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("0", "1", "A", "x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        by_name = {r.a.name: r for r in app.review.rows}
        assert by_name["Northwind Traders Ltd"].outcome is FileOutcome.APPLIED  # the pick
        harbor = by_name["Harbor Logistics GmbH"]
        assert harbor.outcome is FileOutcome.PARTIAL
        label = app.review.query_one(RunProgress).label_text
        assert label.startswith("done in") and "partial 1" in label
        await pilot.press("R")
        await settle(pilot)
        again = {r.a.name: r for r in app.review.rows}["Harbor Logistics GmbH"]
        assert again.outcome is FileOutcome.APPLIED
        assert "done in" in app.review.query_one(RunProgress).label_text
