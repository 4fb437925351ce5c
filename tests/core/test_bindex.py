"""The Org B index by normalised name (DESIGN §4)."""

from __future__ import annotations

from fieldsync_tui.core.bindex import BIndex
from fieldsync_tui.core.model import BRecord


def rec(b_id: str, name: str | None) -> BRecord:
    return BRecord(b_id, name, None, None)


def test_candidates_by_normalised_name_in_numeric_id_order() -> None:
    index = BIndex.build([rec("100", "Acme  LTD"), rec("9", "acme ltd"), rec("50", "Beta")])
    assert [b.id for b in index.candidates("acme ltd")] == ["9", "100"]
    assert [b.id for b in index.candidates("beta")] == ["50"]
    assert index.candidates("acme") == []
    assert len(index) == 3


def test_get_and_records_without_a_name() -> None:
    index = BIndex.build([rec("1", None), rec("2", " \u200b "), rec("3", "X")])
    assert index.get("1") == rec("1", None)
    assert index.get("4") is None
    assert index.candidates("") == []
    assert len(index) == 3
    assert index.names() == {"x": [rec("3", "X")]}


def test_a_record_loaded_twice_counts_once() -> None:
    index = BIndex.build([rec("1", "A"), rec("1", "A")])
    assert len(index) == 1
    assert len(index.candidates("a")) == 1


def test_candidates_returns_a_copy() -> None:
    index = BIndex.build([rec("1", "A")])
    index.candidates("a").clear()
    assert len(index.candidates("a")) == 1


def test_any_named_record_can_be_indexed() -> None:
    """The index knows no job: the files job indexes WorkDrive folders the same way."""
    from dataclasses import dataclass

    from fieldsync_tui.core.bindex import NameIndex

    @dataclass(frozen=True)
    class Folder:
        id: str
        name: str | None

    index = NameIndex.build([Folder("10", "ACME  "), Folder("2", "acme"), Folder("3", None)])
    assert [f.id for f in index.candidates("acme")] == ["2", "10"]
    assert index.get("3") == Folder("3", None) and len(index) == 3
