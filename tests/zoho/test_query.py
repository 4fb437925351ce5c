"""COQL literals/identifiers and search criteria escaping for hostile text."""

from __future__ import annotations

import httpx
import pytest

from fieldsync_tui.zoho.query import (
    COQL_IN_CHUNK,
    coql_and,
    coql_count,
    coql_id,
    coql_ident,
    coql_in_list,
    coql_literal,
    coql_offset_select,
    coql_select,
    criteria_equals,
    criteria_value,
    keyset_where,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "'plain'"),
        ("O'Brien", "'O''Brien'"),
        ("''", "''''''"),
        ('say "hi"', "'say \"hi\"'"),
        ("a\\b", "'a\\b'"),
        ("(x), y", "'(x), y'"),
        ("k:v & a+b 100%", "'k:v & a+b 100%'"),
        ("Zoë Ångström-Łukasz", "'Zoë Ångström-Łukasz'"),
        ("' or id > 0 or Name = '", "''' or id > 0 or Name = '''"),
        ("", "''"),
    ],
)
def test_coql_literal(value: str, expected: str) -> None:
    assert coql_literal(value) == expected


def _unquote_coql(literal: str) -> str:
    assert literal.startswith("'") and literal.endswith("'")
    inner = literal[1:-1]
    assert "'" not in inner.replace("''", "")  # every quote inside is doubled
    return inner.replace("''", "'")


@pytest.mark.parametrize("value", ["( ) , ' \" \\ : & + %", "a'b''c'''", "\\'", "end\\"])
def test_coql_literal_round_trips(value: str) -> None:
    assert _unquote_coql(coql_literal(value)) == value


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "tab\there", "\x1b[31m", "nul\x00", "\x7f"])
def test_coql_literal_rejects_control_characters(value: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        coql_literal(value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Last_Name", "Last_Name"),
        ("External", "External"),  # no guessed reserved-word list
        ("order", "order"),
        ("id", "id"),
        ("A1_b", "A1_b"),
    ],
)
def test_coql_ident(name: str, expected: str) -> None:
    assert coql_ident(name) == expected


def test_coql_ident_quotes_only_names_zoho_refused() -> None:
    assert coql_ident("External", {"External"}) == '"External"'
    assert coql_ident("Name", {"External"}) == "Name"


@pytest.mark.parametrize("name", ["", "1abc", "_x", "a-b", "a b", "Name;drop", "x'", "É"])
def test_coql_ident_rejects_non_api_names(name: str) -> None:
    with pytest.raises(ValueError):
        coql_ident(name)


def test_coql_id() -> None:
    assert coql_id("3652397000009851001") == "3652397000009851001"
    for bad in ("", "12a", "1 or 1", "-1", "1.5"):
        with pytest.raises(ValueError):
            coql_id(bad)


def test_in_list_and_chunk_constant() -> None:
    assert COQL_IN_CHUNK <= 50
    assert coql_in_list(["a", "b'c"]) == "('a', 'b''c')"
    with pytest.raises(ValueError):
        coql_in_list([])
    with pytest.raises(ValueError):
        coql_in_list([str(i) for i in range(COQL_IN_CHUNK + 1)])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Burns,B", "Burns\\,B"),
        ("Patricia(Boyle)", "Patricia\\(Boyle\\)"),
        ("K\\", "K\\\\"),
        ("a\\(b", "a\\\\\\(b"),
        ("x:y & z+1 50% 'q' \"d\"", "x:y & z+1 50% 'q' \"d\""),
        ("Zoë", "Zoë"),
    ],
)
def test_criteria_value(value: str, expected: str) -> None:
    assert criteria_value(value) == expected


def test_criteria_value_url_encoding_by_httpx() -> None:
    criteria = criteria_equals("Last_Name", "Burns,B (x) & y+z 100%")
    url = httpx.URL("https://h/crm/v8/Contacts/search", params={"criteria": criteria})
    raw = url.raw_path.decode()
    assert "%5C%2CB" in raw  # \, encoded
    assert "%26" in raw and "%2B" in raw and "%25" in raw  # & + % encoded
    assert url.params["criteria"] == "(Last_Name:equals:Burns\\,B \\(x\\) & y+z 100%)"


def test_criteria_rejects_control_and_bad_field() -> None:
    with pytest.raises(ValueError):
        criteria_value("a\nb")
    with pytest.raises(ValueError):
        criteria_equals("Name:equals:x)or(Name", "v")


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Name is not null", "(Name is not null and id > 7)"),
        ("Done = false and Name is not null", "((Done = false and Name is not null) and id > 7)"),
        ("(A = 'x' and B = 'y')", "((A = 'x' and B = 'y') and id > 7)"),
        ("Name = 'a and b'", "(Name = 'a and b' and id > 7)"),
        ("A = 1 OR B = 2", "((A = 1 OR B = 2) and id > 7)"),
        ("", "id > 7"),
    ],
)
def test_keyset_where(where: str, expected: str) -> None:
    assert keyset_where(where, "7") == expected


def test_coql_select_always_selects_id_once() -> None:
    query = coql_select(
        "Contacts", ["Name", "id", "External"], "Name is not null", "0", 2000, {"External"}
    )
    assert query == (
        'select Name, id, "External" from Contacts where (Name is not null and id > 0) '
        "order by id asc limit 2000"
    )
    assert coql_select("Contacts", ["Name"], "", "5", 200).startswith("select Name, id from")
    with pytest.raises(ValueError):
        coql_select("Contacts", ["Name"], "", "0", 2001)
    with pytest.raises(ValueError):
        coql_select("Contacts", [f"F{i}" for i in range(50)], "", "0", 10)


def test_offset_select_count_and_pairwise_and() -> None:
    assert coql_and(["a", "b", "c"]) == "((a and b) and c)"
    assert coql_and(["a"]) == "a" and coql_and([]) == ""
    assert coql_offset_select("Contacts", ["Name"], "", 98000, 2000) == (
        "select Name, id from Contacts where id is not null order by id asc limit 2000 offset 98000"
    )
    with pytest.raises(ValueError):
        coql_offset_select("Contacts", ["Name"], "", 98001, 2000)
    assert coql_count("Contacts", "Name is not null") == (
        "select COUNT(id) from Contacts where Name is not null"
    )
