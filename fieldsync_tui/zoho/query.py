"""Building COQL and search criteria from untrusted text (ZOHO_API.md §4.3, §5.3).

Never interpolate raw text into a query: literals go through :func:`coql_literal`, field
names through :func:`coql_ident`, search values through :func:`criteria_value`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from typing import Final

COQL_IN_CHUNK: Final = 50
"""Most values to put in one COQL ``in (…)`` list (v7+ allow 100, v2–v6 50: 50 is safe)."""

COQL_MAX_LIMIT: Final = 2000
COQL_MAX_COLUMNS: Final = 50
"""Columns per select we send (v7+ allow 500, v2–v6 50: 50 is safe)."""
COQL_MAX_REACH: Final = 100_000
"""LIMIT + OFFSET reach of COQL (v7/v8)."""

_API_NAME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)
_ID_RE: Final = re.compile(r"[0-9]{1,30}", re.ASCII)


def validate_api_name(name: str) -> str:
    """``name`` if it is a Zoho API name (``[A-Za-z][A-Za-z0-9_]*``), else ValueError."""
    if not isinstance(name, str) or not _API_NAME_RE.fullmatch(name):
        raise ValueError(f"not a Zoho API name: {name!r}")
    return name


def coql_ident(name: str, quoted: Collection[str] = ()) -> str:
    """A field or module API name for COQL, double-quoted only when it is in ``quoted``:
    Zoho publishes no reserved-word list, so a name is quoted only after Zoho answered a
    syntax error for it (``reader.py`` learns and remembers those)."""
    validate_api_name(name)
    return f'"{name}"' if name in quoted else name


def _reject_control(value: str) -> None:
    bad = [ch for ch in value if unicodedata.category(ch) == "Cc"]
    if bad:
        raise ValueError(f"control character {bad[0]!r} is not allowed in a query value")


def coql_literal(value: str) -> str:
    """A single-quoted COQL string: ``'`` doubled, control characters refused (ValueError)."""
    if not isinstance(value, str):
        raise TypeError("coql_literal takes a str")
    _reject_control(value)
    return "'" + value.replace("'", "''") + "'"


def coql_id(value: object) -> str:
    """A record id for COQL (digits only; ids are opaque numeric strings)."""
    text = str(value)
    if not _ID_RE.fullmatch(text):
        raise ValueError(f"not a Zoho record id: {text[:40]!r}")
    return text


def coql_in_list(values: Iterable[str]) -> str:
    """``('a', 'b')`` for ``in``; callers chunk to :data:`COQL_IN_CHUNK` values."""
    items = [coql_literal(v) for v in values]
    if not items:
        raise ValueError("an 'in' list needs at least one value")
    if len(items) > COQL_IN_CHUNK:
        raise ValueError(f"at most {COQL_IN_CHUNK} values per 'in' list; chunk them")
    return "(" + ", ".join(items) + ")"


def criteria_value(value: str) -> str:
    """A search criteria value: ``\\`` doubled, then ``(``, ``)``, ``,`` backslash-escaped.

    URL-encoding is left to httpx (pass the criteria as a query parameter).
    """
    if not isinstance(value, str):
        raise TypeError("criteria_value takes a str")
    _reject_control(value)
    out = value.replace("\\", "\\\\")
    for ch in "(),":
        out = out.replace(ch, "\\" + ch)
    return out


def criteria_equals(field: str, value: str) -> str:
    """``(Field:equals:value)`` — note Zoho's search ``equals`` behaves like "contains"."""
    return f"({validate_api_name(field)}:equals:{criteria_value(value)})"


def _has_top_level_boolean(where: str) -> bool:
    depth, quote, word = 0, "", ""
    for ch in where + " ":
        if quote:
            quote = "" if ch == quote else quote
            continue
        if ch in "'\"":
            quote, word = ch, ""
        elif ch == "(":
            depth, word = depth + 1, ""
        elif ch == ")":
            depth, word = depth - 1, ""
        elif ch.isspace():
            if depth == 0 and word.lower() in ("and", "or"):
                return True
            word = ""
        else:
            word += ch
    return False


def keyset_where(where: str, last_id: str) -> str:
    """``(<where> and id > last_id)``, parenthesising a compound ``where`` (Zoho pairs rule)."""
    cond = f"id > {coql_id(last_id)}"
    where = where.strip()
    if not where:
        return cond
    if _has_top_level_boolean(where):
        where = f"({where})"
    return f"({where} and {cond})"


def _columns(fields: Iterable[str], quoted: Collection[str]) -> str:
    columns = list(dict.fromkeys([*fields, "id"]))
    if len(columns) > COQL_MAX_COLUMNS:
        raise ValueError(f"COQL selects at most {COQL_MAX_COLUMNS} columns")
    return ", ".join(coql_ident(c, quoted) for c in columns)


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= COQL_MAX_LIMIT:
        raise ValueError(f"COQL limit must be 1..{COQL_MAX_LIMIT}")


def coql_select(
    module: str,
    fields: Iterable[str],
    where: str,
    last_id: str,
    limit: int,
    quoted: Collection[str] = (),
) -> str:
    """The keyset-paged query: ``select … from M where (<where> and id > N) order by id asc
    limit L``; ``id`` is always selected."""
    _check_limit(limit)
    return (
        f"select {_columns(fields, quoted)} from {coql_ident(module)} where "
        f"{keyset_where(where, last_id)} order by id asc limit {limit}"
    )


def coql_offset_select(
    module: str,
    fields: Iterable[str],
    where: str,
    offset: int,
    limit: int,
    quoted: Collection[str] = (),
) -> str:
    """The documented paging: ``select … where <where> order by id asc limit L offset N``
    (reach: LIMIT + OFFSET ≤ 100,000)."""
    _check_limit(limit)
    if offset < 0 or offset + limit > COQL_MAX_REACH:
        raise ValueError(f"COQL reaches at most {COQL_MAX_REACH} records with offset")
    return (
        f"select {_columns(fields, quoted)} from {coql_ident(module)} where "
        f"{where.strip() or 'id is not null'} order by id asc limit {limit} offset {offset}"
    )


def coql_count(module: str, where: str) -> str:
    """``select COUNT(id) from M where <where>`` (an aggregate: 1 credit)."""
    return f"select COUNT(id) from {coql_ident(module)} where {where.strip() or 'id is not null'}"


def coql_and(terms: Sequence[str]) -> str:
    """Terms joined by ``and`` pairwise in parentheses (Zoho: ``((a and b) and c)``)."""
    if not terms:
        return ""
    out = terms[0]
    for term in terms[1:]:
        out = f"({out} and {term})"
    return out
