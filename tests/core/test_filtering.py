"""Filtering and sorting for the console's virtual table (DESIGN §7)."""

from __future__ import annotations

import pytest

from fieldsync_tui.core.filtering import UNDECIDED, RowFilter, filter_rows
from fieldsync_tui.core.model import ARecord, Outcome, PlannedRow, RowClass
from fieldsync_tui.core.normalize import normalise_name


def row(a_id: str, name: str, klass: RowClass, outcome: Outcome | None = None) -> PlannedRow:
    return PlannedRow(
        a=ARecord(a_id, name, None, None),
        norm_name=normalise_name(name),
        klass=klass,
        reason="r",
        outcome=outcome,
    )


ROWS = [
    row("10", "Acme Ltd", RowClass.READY, Outcome.APPLIED),
    row("9", "Straße GmbH", RowClass.OVERWRITE),
    row("100", "Café Noir", RowClass.INVALID, Outcome.SKIPPED),
    row("11", "ACME Holdings", RowClass.CONFLICT, Outcome.SKIPPED),
    row("2", "Beta", RowClass.READY, Outcome.FAILED),
]


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (RowFilter(), [0, 1, 2, 3, 4]),
        (RowFilter(klass=RowClass.READY), [0, 4]),
        (RowFilter(klass=RowClass.DUPLICATE), []),
        (RowFilter(outcome=Outcome.SKIPPED), [2, 3]),
        (RowFilter(outcome="failed"), [4]),
        (RowFilter(outcome=UNDECIDED), [1]),
        (RowFilter(text="acme"), [0, 3]),
        (RowFilter(text="  ACME   ltd "), [0]),  # the query is normalised too
        (RowFilter(text="STRASSE"), [1]),  # casefold
        (RowFilter(text="cafe\u0301"), [2]),  # NFD query, NFC name
        (RowFilter(text="\u200b"), [0, 1, 2, 3, 4]),  # normalises to nothing: no text filter
        (RowFilter(klass=RowClass.CONFLICT, outcome=Outcome.SKIPPED, text="hold"), [3]),
        (RowFilter(klass=RowClass.READY, text="hold"), []),
        (RowFilter(a_ids=frozenset({ROWS[1].a.id, ROWS[4].a.id})), [1, 4]),
        (RowFilter(klass=RowClass.READY, a_ids=frozenset({ROWS[4].a.id})), [4]),
        (RowFilter(a_ids=frozenset()), []),
    ],
)
def test_filter_rows(f: RowFilter, expected: list[int]) -> None:
    assert filter_rows(ROWS, f) == expected


def test_unknown_outcome_text_is_an_error() -> None:
    with pytest.raises(ValueError):
        filter_rows(ROWS, RowFilter(outcome="nonsense"))


def test_hundred_thousand_rows_filter() -> None:
    many = [
        row(str(i), f"Contact {i:06d}", RowClass.READY if i % 3 else RowClass.UNMATCHED)
        for i in range(100_000)
    ]
    hits = filter_rows(many, RowFilter(klass=RowClass.UNMATCHED, text="contact 00000"))
    assert hits == [0, 3, 6, 9]
