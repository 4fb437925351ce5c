"""Name normalisation, value cleaning, URL checks and id order (DESIGN §4, §5)."""

from __future__ import annotations

import random

import pytest

from fieldsync_tui.core.normalize import (
    WHITESPACE,
    clean_value,
    id_key,
    normalise_many,
    normalise_name,
    url_problem,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("\u200b\ufeff", ""),
        ("Acme Ltd", "acme ltd"),
        ("  ACME   ltd  ", "acme ltd"),
        ("Acme\tLtd\nGroup\r\n", "acme ltd group"),
        ("Acme\u00a0Ltd", "acme ltd"),  # no-break space is whitespace to str.split()
        ("Acme\u3000Ltd", "acme ltd"),
        ("Ac\u200bme\u200c Lt\u200dd\ufeff", "acme ltd"),
        ("Café", "café"),
        ("Cafe\u0301", "café"),  # NFD → NFC
        ("CAFE\u0301", "café"),
        ("Straße", "strasse"),  # casefold ß → ss
        ("STRASSE", "strasse"),
        ("Stra\u1e9ee", "strasse"),  # capital sharp s
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),  # casefold: final sigma folds too
        ("Cafe\u200b\u0301", "café"),  # zero-width between letter and accent
        ("ﬁrm", "firm"),  # casefold expands the ligature
    ],
)
def test_normalise_name(raw: str | None, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_nfc_and_nfd_spellings_are_one_name() -> None:
    nfc, nfd = "Zoë Müller-Ångström", "Zoe\u0308 Mu\u0308ller-A\u030angstro\u0308m"
    assert nfc != nfd
    assert normalise_name(nfc) == normalise_name(nfd)


def test_whitespace_constant_is_every_non_space_whitespace_character() -> None:
    every = "".join(ch for ch in map(chr, range(0x110000)) if ch.isspace() and ch != " ")
    assert every == WHITESPACE


def test_normalise_many_equals_normalise_name_on_random_tricky_names() -> None:
    pool = ["a", "B", " ", "  ", "\t", "\n", "\u200b", "\ufeff", "é", "e\u0301", "\u0301"]
    pool += ["ß", "ẞ", "\u00a0", "\u3000", "İ", "ﬁ", "Σ", "ς", "\u1100", "\u1161", "\x00", "x"]
    rng = random.Random(7)
    for _ in range(2000):
        names: list[str | None] = [
            None if rng.random() < 0.05 else "".join(rng.choices(pool, k=rng.randint(0, 8)))
            for _ in range(rng.randint(0, 6))
        ]
        assert normalise_many(names) == [normalise_name(n) for n in names], names


@pytest.mark.parametrize("names", [[], [None], [""], ["A", None, " b "], ["x\x00y", "Z"]])
def test_normalise_many_edge_lists(names: list[str | None]) -> None:
    assert normalise_many(names) == [normalise_name(n) for n in names]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("\t\n", None),
        (" x ", "x"),
        ("a b", "a b"),
        (12345, "12345"),
        ("https://x.y/ ", "https://x.y/"),
    ],
)
def test_clean_value(raw: object, expected: str | None) -> None:
    assert clean_value(raw) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://workdrive.zoho.com/folder/abc", None),
        ("http://x", None),
        ("HTTP://x", None),
        ("HtTpS://Example.COM/a?b=c", None),
        ("  https://x.y/z  ", None),
        ("http://127.0.0.1:8080/f", None),
        (None, "URL is empty"),
        ("", "URL is empty"),
        ("   ", "URL is empty"),
        ("www.x.com", "URL has no http/https scheme"),
        ("ftp://x", "URL has no http/https scheme"),
        ("javascript:alert(1)", "URL has no http/https scheme"),
        ("mailto:a@b.c", "URL has no http/https scheme"),
        ("//x.com/a", "URL has no http/https scheme"),
        ("https://", "URL has no host"),
        ("http:x", "URL has no host"),
        ("https:///path", "URL has no host"),
        ("http://:80/", "URL has no host"),
        ("https://a b/", "URL has no host"),
        ("http://[::1", "URL cannot be parsed"),
    ],
)
def test_url_problem(url: str | None, problem: str | None) -> None:
    assert url_problem(url) == problem


def test_id_key_orders_digit_ids_numerically() -> None:
    ids = ["100", "9", "5000000000000000001", "10", "abc", "0099"]
    assert sorted(ids, key=id_key) == ["9", "10", "0099", "100", "5000000000000000001", "abc"]
