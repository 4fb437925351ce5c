"""The fast paths added for 100,000 rows give the same answers as the plain ones."""

from __future__ import annotations

import gc

import pytest

from fieldsync_tui.core.bindex import BIndex
from fieldsync_tui.core.model import ARecord, BRecord, FieldMap, Outcome, RowClass
from fieldsync_tui.core.normalize import url_problem
from fieldsync_tui.core.selection import select
from fieldsync_tui.fields.classify import classify
from fieldsync_tui.fields.load import gc_paused

URLS = [
    "https://workdrive.zoho.com/folder/abc",
    "HtTpS://Example.COM/a?b=c",
    "http://x",
    "https://x.com?q",
    "https://x.com#frag",
    "https://x.com/\npath",
    "https://-/",
    "https://./",
    "http://127.0.0.1:8080/f",
    "https://user@x.com/",
    "https://x.com\t/",
    "https://ex\tample.com/",
    "https://bücher.de/",
    "https://[::1]/",
    "http://[::1",
    "https://",
    "https:///path",
    "http://:80/",
    "https://a b/",
    "https:// x.com",
    "www.x.com",
    "ftp://x",
    "javascript:alert(1)",
    "//x.com/a",
]


@pytest.mark.parametrize("url", URLS)
def test_classify_url_check_agrees_with_url_problem(url: str) -> None:
    plan = classify([ARecord("1", "Acme", url, "F1")], BIndex.build([]), FieldMap())
    row = plan.rows[0]
    problem = url_problem(url)
    assert (row.klass is RowClass.INVALID) == (problem is not None)
    if problem is not None:
        assert problem in row.reason


def test_select_in_place_marks_the_same_rows_as_a_copy() -> None:
    rows = [ARecord(str(i), f"Name {i}", "https://x.y/z", "F") for i in (5, 1, 3)]
    plan = classify(rows, BIndex.build([BRecord("9", "Name 1", None, None)]), FieldMap())
    copied = select(plan, record_ids=("3", "5"), limit=1)
    marked = select(plan, record_ids=("3", "5"), limit=1, in_place=True)
    assert [r is p for r, p in zip(marked.rows, plan.rows, strict=True)] == [True] * 3
    assert [(r.a.id, r.selected, r.outcome) for r in marked.rows] == [
        (r.a.id, r.selected, r.outcome) for r in copied.rows
    ]
    assert [r.a.id for r in marked.rows if r.selected] == ["3"]
    widened = select(plan, in_place=True)  # a row chosen again loses its not_selected
    assert all(r.selected and r.outcome is None for r in widened.rows)
    assert Outcome.NOT_SELECTED not in {r.outcome for r in plan.rows}


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_collector(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(RuntimeError), gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
