"""COQL tokenizer and parser: grammar, pairwise parentheses, escapes, errors."""

from __future__ import annotations

import pytest

from fieldsync_tui.simulator.coql import (
    Between,
    BoolOp,
    Compare,
    CoqlError,
    InList,
    IsNull,
    Like,
    Literal,
    parse,
    tokenize,
)


def test_full_query_shape() -> None:
    q = parse(
        "SELECT Full_Name, Email FROM Contacts WHERE (Email = 'a@b.c' and id > 5) "
        "ORDER BY Modified_Time DESC, id LIMIT 50 OFFSET 100"
    )
    assert q.columns == ("Full_Name", "Email")
    assert q.module == "Contacts"
    assert q.where == BoolOp(
        "and",
        Compare("Email", "=", Literal("string", "a@b.c")),
        Compare("id", ">", Literal("number", 5)),
    )
    assert q.order == (("Modified_Time", True), ("id", False))
    assert (q.limit, q.offset) == (50, 100)


def test_keywords_are_case_insensitive() -> None:
    q = parse("sElEcT Name fRoM Mod wHeRe Name Is NoT nUlL")
    assert q.where == IsNull("Name", negated=True)
    assert q.limit is None and q.order == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'it''s'", "it's"),
        ("''''", "'"),
        ("'back\\slash'", "back\\slash"),
        ("'(a, b)'", "(a, b)"),
        ("'select from where'", "select from where"),
    ],
)
def test_string_literals_double_single_quotes(text: str, expected: str) -> None:
    q = parse(f"select Name from M where Name = {text}")
    assert isinstance(q.where, Compare)
    assert q.where.value == Literal("string", expected)


def test_predicates() -> None:
    q = parse(
        "select a from M where ((a in ('x', 'y') and b not in (1, 2)) and "
        "((c like '%z%' or d not like 'q%') and (e between 1 and 9 or f not between 'a' and 'b')))"
    )
    text = repr(q.where)
    assert "InList(column='a'" in text and "negated=False" in text
    assert isinstance(q.where, BoolOp)
    left = q.where.left
    assert isinstance(left, BoolOp) and left.right == InList(
        "b", (Literal("number", 1), Literal("number", 2)), True
    )
    right = q.where.right
    assert isinstance(right, BoolOp) and isinstance(right.left, BoolOp)
    assert right.left.left == Like("c", "%z%", False)
    assert right.left.right == Like("d", "q%", True)
    assert isinstance(right.right, BoolOp)
    assert right.right.left == Between("e", Literal("number", 1), Literal("number", 9), False)


def test_booleans_quoted_or_not() -> None:
    assert parse("select a from M where b = true").where == Compare("b", "=", Literal("bool", True))
    assert parse("select a from M where b = 'false'").where == Compare(
        "b", "=", Literal("string", "false")
    )


def test_not_equal_spellings() -> None:
    assert (
        parse("select a from M where b <> 'x'").where
        == parse("select a from M where b != 'x'").where
    )


@pytest.mark.parametrize(
    "where",
    [
        "a = 1 and b = 2 and c = 3",
        "(a = 1 and b = 2) and c = 3 or d = 4",
        "a = 1 or b = 2 and c = 3",
    ],
)
def test_three_conditions_need_pairwise_parentheses(where: str) -> None:
    with pytest.raises(CoqlError) as err:
        parse(f"select a from M where {where}")
    assert err.value.code == "SYNTAX_ERROR"


@pytest.mark.parametrize(
    "where", ["((a = 1 and b = 2) and c = 3)", "(a = 1 and (b = 2 or c = 3))", "(((a = 1)))"]
)
def test_pairwise_parentheses_accepted(where: str) -> None:
    parse(f"select a from M where {where}")


@pytest.mark.parametrize(
    "query",
    [
        "select a from M",  # no WHERE
        "select a from M limit 5",
        "update M set a = 1 where id = 1",
        "select from M where a = 1",
        "select a, from M where a = 1",
        "select a from where a = 1",
        "select a from M where (a = 1",
        "select a from M where a = 1)",
        "select a from M where a = 'unterminated",
        "select a from M where a = 1 limit",
        "select a from M where a = 1 limit 5, 10",
        "select a from M where a = 1 limit 1.5",
        "select a from M where a = 1 offset 5",
        "select a from M where a ~ 1",
        "select a from M where a is 'x'",
        "select a from M where a in ()",
        "select * from M where a = 1",
        "select a from M where a = 1 order a",
        "",
    ],
)
def test_syntax_errors(query: str) -> None:
    with pytest.raises(CoqlError) as err:
        parse(query)
    assert err.value.code == "SYNTAX_ERROR"


def test_syntax_error_details_name_the_place() -> None:
    with pytest.raises(CoqlError) as err:
        parse("select a from M where a = 1 and b = 2 and c = 3")
    assert err.value.details["near"] == "and"
    assert err.value.details["column"] == 39
    with pytest.raises(CoqlError) as missing:
        parse("select a from M")
    assert missing.value.details["clause"] == "where"


def test_tokenizer_positions_and_kinds() -> None:
    tokens = tokenize("select Name from M where id >= 10")
    assert [t.kind for t in tokens] == [
        "keyword",
        "ident",
        "keyword",
        "ident",
        "keyword",
        "ident",
        "op",
        "number",
        "eof",
    ]
    assert tokens[6].column == 29 and tokens[7].value == 10
