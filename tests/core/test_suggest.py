"""Near-name suggestions for unmatched rows (DESIGN §5, §7). Speed lives in bench/."""

from __future__ import annotations

import random

import pytest

from fieldsync_tui.core.bindex import BIndex
from fieldsync_tui.core.model import BRecord
from fieldsync_tui.core.suggest import NameSuggester, levenshtein, name_words, similarity

NAMES = [
    "Acme Widgets",
    "Acme Holdings Ltd",
    "O'Brien Plumbing, Ltd.",
    "Müller & Söhne GmbH",
    "Smith-Jones Partners",
    "Beta Analytics",
    "Gamma Logistics Inc.",
    "Widget World",
    "Acne Studios",
]
RECORDS = [BRecord(str(100 + i), n, None, None) for i, n in enumerate(NAMES)]
SUGGESTER = NameSuggester.build(RECORDS)


def best(query: str) -> str | None:
    hits = SUGGESTER.suggest(query, limit=1)
    return hits[0][0].name if hits else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Acme Widgetz", "Acme Widgets"),  # replace
        ("Acme Widgts", "Acme Widgets"),  # delete
        ("Acme Wiidgets", "Acme Widgets"),  # insert
        ("Acme Wigdets", "Acme Widgets"),  # transpose
        ("Beta Analytix", "Beta Analytics"),
        ("Gama Logistics Inc", "Gamma Logistics Inc."),
        ("AcmeWidgets", "Acme Widgets"),  # a dropped space is one edit too
    ],
)
def test_one_letter_typo(query: str, expected: str) -> None:
    assert best(query) == expected
    assert 0.8 <= SUGGESTER.suggest(query)[0][1] < 1.0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("OBrien Plumbing Ltd", "O'Brien Plumbing, Ltd."),
        ("o brien plumbing ltd", "O'Brien Plumbing, Ltd."),
        ("Müller Söhne GmbH", "Müller & Söhne GmbH"),
        ("Smith Jones Partners", "Smith-Jones Partners"),
        ("SmithJones Partners", "Smith-Jones Partners"),
        ("Gamma Logistics Inc", "Gamma Logistics Inc."),
    ],
)
def test_dropped_punctuation(query: str, expected: str) -> None:
    assert best(query) == expected
    assert SUGGESTER.suggest(query)[0][1] >= 0.9


def test_accents_are_letters_not_punctuation() -> None:
    hits = SUGGESTER.suggest("Muller Sohne GmbH")
    assert hits[0][0].name == "Müller & Söhne GmbH"
    assert hits[0][1] < 0.9


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Widgets Acme", "Acme Widgets"),
        ("Plumbing O'Brien Ltd", "O'Brien Plumbing, Ltd."),
        ("Partners Smith-Jones", "Smith-Jones Partners"),
        ("Widgetz Acme", "Acme Widgets"),  # order and a typo together
    ],
)
def test_word_order(query: str, expected: str) -> None:
    assert best(query) == expected


def test_results_are_best_first_and_limited() -> None:
    hits = SUGGESTER.suggest("Acme", limit=3)
    assert len(hits) <= 3
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 for s in scores)
    assert {r.name for r, _ in hits} >= {"Acme Widgets"}


@pytest.mark.parametrize("query", ["", "   ", "...", "\u200b", "zzzzqqqq xxxyyy"])
def test_nothing_to_suggest(query: str) -> None:
    assert SUGGESTER.suggest(query) == []


def test_limit_zero_and_empty_suggester() -> None:
    assert SUGGESTER.suggest("Acme Widgets", limit=0) == []
    assert NameSuggester.build([]).suggest("Acme") == []
    nameless = NameSuggester.build([BRecord("1", None, None, None), BRecord("2", "!!", None, None)])
    assert nameless.suggest("!!") == []


def test_records_sharing_a_name_are_all_suggested_in_id_order() -> None:
    recs = [BRecord("20", "Acme Widgets", None, None), BRecord("3", "ACME widgets", None, None)]
    hits = NameSuggester.build([*recs, *RECORDS]).suggest("Acme Widgetz", limit=3)
    assert [r.id for r, _ in hits[:3]] == ["3", "20", "100"]
    assert hits[0][1] == hits[1][1] == hits[2][1]


def test_from_index_matches_build() -> None:
    from_index = NameSuggester.from_index(BIndex.build(RECORDS))
    for query in ["Acme Widgetz", "Widgets Acme", "OBrien Plumbing"]:
        assert from_index.suggest(query) == SUGGESTER.suggest(query)
    assert len(from_index) == len(SUGGESTER) == len(NAMES)


def test_names_are_not_interpreted() -> None:
    hostile = ["[bold]x[/bold]", "%s%n{0}", ".*", "\x1b[31mred", "a\nb"]
    suggester = NameSuggester.build([BRecord(str(i), n, None, None) for i, n in enumerate(hostile)])
    for name in hostile:
        suggester.suggest(name)  # must not raise
    assert suggester.suggest("[bold]x[/bold]")[0] == (BRecord("0", hostile[0], None, None), 1.0)
    assert suggester.suggest("\x1b[31mred")[0][0].id == "3"


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "", 3), ("kitten", "sitting", 3), ("flaw", "lawn", 2), ("ab", "ba", 2)],
)
def test_levenshtein(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == distance == levenshtein(b, a)


def test_similarity_and_words() -> None:
    assert similarity("acme", "acme") == 1.0
    assert similarity("acme", "acne") == 0.75
    assert name_words("o'brien plumbing, ltd.") == ("obrien", "plumbing", "ltd")
    assert name_words("müller & söhne") == ("müller", "söhne")


def test_two_hundred_thousand_names() -> None:
    rng = random.Random(11)
    syllables = ["ac", "me", "bo", "ra", "ti", "lu", "gen", "tor", "san", "vel", "qua", "dri"]
    suffixes = ["Ltd", "Limited", "Inc.", "GmbH", "LLC", "& Co.", "Group", ""]

    def word() -> str:
        return "".join(rng.choices(syllables, k=rng.randint(2, 4))).capitalize()

    names = [f"{word()} {word()} {rng.choice(suffixes)}".strip() for _ in range(200_000)]
    names[123_456] = "Zephyr Quokka Ventures, Ltd."
    records = [BRecord(str(5_000_000_000_000_000 + i), n, None, None) for i, n in enumerate(names)]
    suggester = NameSuggester.build(records)
    assert len(suggester) == 200_000
    for query in ["Zephyr Quokka Ventures Ltd", "Ventures Zephyr Quokka", "Zephyr Quoka Ventures"]:
        hits = suggester.suggest(query)
        assert hits and hits[0][0].id == records[123_456].id, query
    target = names[777]
    hits = suggester.suggest(target[:-1] if len(target) > 8 else target + "x")
    assert records[777] in [r for r, _ in hits]
