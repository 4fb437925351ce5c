"""COQL: a tokenizer and a recursive-descent parser for the subset Zoho documents.

Grammar (keywords case-insensitive)::

    query     := SELECT column (',' column)* FROM ident WHERE condition
    column    := ident | COUNT '(' ident ')'          -- an identifier may be "double-quoted"
                 [ORDER BY ident [ASC|DESC] (',' ident [ASC|DESC])*]
                 [LIMIT number [OFFSET number]]
    condition := operand [(AND|OR) operand]      -- a third operand needs parentheses
    operand   := '(' condition ')' | predicate
    predicate := ident cmp literal | ident [NOT] IN '(' literal (',' literal)* ')'
               | ident [NOT] LIKE string | ident IS [NOT] NULL
               | ident [NOT] BETWEEN literal AND literal
    literal   := 'text with '' doubled' | number | TRUE | FALSE
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fieldsync_tui.simulator.errors import QueryError

KEYWORDS = frozenset(
    {
        *("select", "from", "where", "and", "or", "not", "in", "like", "is", "null"),
        *("between", "order", "by", "asc", "desc", "limit", "offset", "true", "false"),
    }
)
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<string>'(?:[^']|'')*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<qident>"[A-Za-z_$][A-Za-z0-9_$.]*")
      | (?P<ident>[A-Za-z_$][A-Za-z0-9_$.]*)
      | (?P<op><=|>=|!=|<>|=|<|>)
      | (?P<punct>[(),*])""",
    re.VERBOSE,
)
CMP_OPS = frozenset({"=", "!=", "<", "<=", ">", ">="})


class CoqlError(QueryError):
    """A query Zoho would refuse: ``code`` is SYNTAX_ERROR, INVALID_QUERY or LIMIT_EXCEEDED."""


@dataclass(frozen=True)
class Token:
    kind: str  # string number ident keyword op punct eof
    text: str
    column: int  # 1-based
    value: Any = None


@dataclass(frozen=True)
class Literal:
    kind: str  # string | number | bool
    value: Any


@dataclass(frozen=True)
class Compare:
    column: str
    op: str
    value: Literal


@dataclass(frozen=True)
class InList:
    column: str
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class Like:
    column: str
    pattern: str
    negated: bool


@dataclass(frozen=True)
class IsNull:
    column: str
    negated: bool


@dataclass(frozen=True)
class Between:
    column: str
    low: Literal
    high: Literal
    negated: bool


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    left: Condition
    right: Condition


Condition = Compare | InList | Like | IsNull | Between | BoolOp


@dataclass(frozen=True)
class Query:
    columns: tuple[str, ...]
    module: str
    where: Condition
    order: tuple[tuple[str, bool], ...]  # (column, descending)
    limit: int | None
    offset: int | None


def tokenize(text: str, reserved: frozenset[str] = frozenset()) -> list[Token]:
    """Tokens of ``text``; ``reserved`` (lower-case) are keywords too unless double-quoted."""
    keywords = KEYWORDS | reserved
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise _syntax(pos + 1, text[pos : pos + 10])
        kind = match.lastgroup or ""
        raw = match.group()
        if kind == "string":
            tokens.append(Token("string", raw, pos + 1, raw[1:-1].replace("''", "'")))
        elif kind == "ident" and raw.lower() in keywords:
            tokens.append(Token("keyword", raw.lower(), pos + 1))
        elif kind == "qident":
            tokens.append(Token("ident", raw[1:-1], pos + 1))
        elif kind == "number":
            value: Any = float(raw) if "." in raw else int(raw)
            tokens.append(Token("number", raw, pos + 1, value))
        elif kind != "ws":
            tokens.append(Token(kind, "!=" if raw == "<>" else raw, pos + 1))
        pos = match.end()
    tokens.append(Token("eof", "", len(text) + 1))
    return tokens


def _syntax(column: int, near: str) -> CoqlError:
    return CoqlError(
        "SYNTAX_ERROR",
        f"error occurred while parsing the query near {near!r}",
        {"line": 1, "column": column, "near": near},
    )


def parse(text: str, limit_comma: bool = False, reserved: frozenset[str] = frozenset()) -> Query:
    """Parse a COQL select statement; raises CoqlError (SYNTAX_ERROR) when malformed.

    ``limit_comma``: also accept MySQL's ``LIMIT offset, count`` (UNCONFIRMED in Zoho).
    ``reserved``: more words (lower-case) that must be double-quoted to name a field.
    """
    return _Parser(tokenize(text, reserved), limit_comma).query()


class _Parser:
    def __init__(self, tokens: list[Token], limit_comma: bool = False) -> None:
        self._tokens = tokens
        self._pos = 0
        self._limit_comma = limit_comma

    # --- helpers ---
    def _peek(self) -> Token:
        return self._tokens[self._pos]

    def _next(self) -> Token:
        token = self._tokens[self._pos]
        self._pos += 1
        return token

    def _at(self, kind: str, text: str | None = None) -> bool:
        token = self._peek()
        return token.kind == kind and (text is None or token.text == text)

    def _accept(self, kind: str, text: str | None = None) -> Token | None:
        return self._next() if self._at(kind, text) else None

    def _expect(self, kind: str, text: str | None = None) -> Token:
        if not self._at(kind, text):
            token = self._peek()
            raise _syntax(token.column, token.text or "end of query")
        return self._next()

    def _clause(self, keyword: str) -> None:
        if not self._at("keyword", keyword):
            raise CoqlError(
                "SYNTAX_ERROR",
                f"the query has no proper {keyword} clause",
                {"clause": keyword, "column": self._peek().column, "line": 1},
            )
        self._next()

    # --- grammar ---
    def query(self) -> Query:
        self._clause("select")
        columns = [self._column()]
        while self._accept("punct", ","):
            columns.append(self._column())
        self._clause("from")
        module = self._expect("ident").text
        self._clause("where")
        where = self.condition()
        order = self._order_by()
        limit, offset = self._limit()
        self._expect("eof")
        return Query(tuple(columns), module, where, order, limit, offset)

    def _column(self) -> str:
        name = self._expect("ident").text
        if name == "COUNT" and self._accept("punct", "("):  # aggregate names are case-sensitive
            inner = self._expect("ident").text
            self._expect("punct", ")")
            return f"COUNT({inner})"
        return name

    def condition(self) -> Condition:
        left = self._operand()
        if not (self._at("keyword", "and") or self._at("keyword", "or")):
            return left
        op = self._next().text
        right = self._operand()
        if self._at("keyword", "and") or self._at("keyword", "or"):
            token = self._peek()
            raise CoqlError(
                "SYNTAX_ERROR",
                "more than two conditions must be grouped in parentheses",
                {"line": 1, "column": token.column, "near": token.text},
            )
        return BoolOp(op, left, right)

    def _operand(self) -> Condition:
        if self._accept("punct", "("):
            inner = self.condition()
            self._expect("punct", ")")
            return inner
        return self._predicate()

    def _predicate(self) -> Condition:
        column = self._expect("ident").text
        if self._peek().kind == "op":
            op = self._next().text
            return Compare(column, op, self._literal())
        if self._accept("keyword", "is"):
            negated = self._accept("keyword", "not") is not None
            self._expect("keyword", "null")
            return IsNull(column, negated)
        negated = self._accept("keyword", "not") is not None
        if self._accept("keyword", "in"):
            return InList(column, self._literal_list(), negated)
        if self._accept("keyword", "like"):
            return Like(column, self._expect("string").value, negated)
        if self._accept("keyword", "between"):
            low = self._literal()
            self._expect("keyword", "and")
            return Between(column, low, self._literal(), negated)
        token = self._peek()
        raise _syntax(token.column, token.text or "end of query")

    def _literal_list(self) -> tuple[Literal, ...]:
        self._expect("punct", "(")
        values = [self._literal()]
        while self._accept("punct", ","):
            values.append(self._literal())
        self._expect("punct", ")")
        return tuple(values)

    def _literal(self) -> Literal:
        token = self._peek()
        if token.kind in ("string", "number"):
            self._next()
            return Literal(token.kind, token.value)
        if token.kind == "keyword" and token.text in ("true", "false"):
            self._next()
            return Literal("bool", token.text == "true")
        raise _syntax(token.column, token.text or "end of query")

    def _order_by(self) -> tuple[tuple[str, bool], ...]:
        if not self._accept("keyword", "order"):
            return ()
        self._expect("keyword", "by")
        items = [self._order_item()]
        while self._accept("punct", ","):
            items.append(self._order_item())
        return tuple(items)

    def _order_item(self) -> tuple[str, bool]:
        column = self._expect("ident").text
        if self._accept("keyword", "desc"):
            return column, True
        self._accept("keyword", "asc")
        return column, False

    def _limit(self) -> tuple[int | None, int | None]:
        if not self._accept("keyword", "limit"):
            return None, None
        limit = self._expect("number")
        offset = None
        if self._limit_comma and self._accept("punct", ","):
            limit, offset = self._expect("number"), limit
        elif self._accept("keyword", "offset"):
            offset = self._expect("number")
        for token in (limit, offset):
            if token is not None and (not isinstance(token.value, int) or token.value < 0):
                raise _syntax(token.column, token.text)
        return limit.value, offset.value if offset else None


def count_conditions(cond: Condition) -> int:
    if isinstance(cond, BoolOp):
        return count_conditions(cond.left) + count_conditions(cond.right)
    return 1
