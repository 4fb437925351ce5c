"""COQL semantics: check a parsed query against field metadata, then run it on a store."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fieldsync_tui.simulator.clock import parse_iso
from fieldsync_tui.simulator.coql import (
    Between,
    BoolOp,
    Compare,
    Condition,
    CoqlError,
    InList,
    IsNull,
    Like,
    Literal,
    Query,
    count_conditions,
)
from fieldsync_tui.simulator.store import ModuleStore, SimField

TEXT_TYPES = frozenset({"text", "textarea", "email", "phone", "website", "picklist"})
ORDERED_TYPES = frozenset({"datetime", "date", "integer", "double", "currency", "bigint"})
MAX_LIMIT = 2000
MAX_REACH = 100_000
DEFAULT_LIMIT = 200
Predicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class CoqlOptions:
    in_cap: int = 100
    case_insensitive: bool = True
    max_columns: int = 500
    bare_boolean_refused: bool = False
    quoted_boolean_refused: bool = False
    id_compare_refused: bool = False


@dataclass(frozen=True)
class CoqlResult:
    rows: list[dict[str, Any]]
    more_records: bool
    limit: int


def credits_for_limit(limit: int) -> int:
    """Zoho's COQL cost: 1 credit up to LIMIT 200, 2 up to 1000, 3 up to 2000."""
    return 1 if limit <= 200 else 2 if limit <= 1000 else 3


def _invalid_column(column: str) -> CoqlError:
    return CoqlError(
        "INVALID_QUERY",
        "column given seems to be invalid",
        {"column_name": column, "reason": "column given seems to be invalid"},
    )


def _invalid_value(column: str) -> CoqlError:
    return CoqlError(
        "INVALID_QUERY",
        "value given seems to be invalid for the column",
        {"column_name": column, "reason": "value given seems to be invalid for the column"},
    )


def _bad_operator(column: str, op: str) -> CoqlError:
    return CoqlError(
        "INVALID_QUERY",
        "invalid operator found",
        {"column_name": column, "operator": op, "reason": "operator not supported for column"},
    )


def _limit_exceeded(message: str, limit: int, by: str) -> CoqlError:
    return CoqlError("LIMIT_EXCEEDED", message, {"limit": limit, "by": by})


def _aggregate(column: str) -> str | None:
    """``x`` of a ``COUNT(x)`` column, else None."""
    return column[6:-1] if column.startswith("COUNT(") else None


def check_shape(query: Query, store: ModuleStore, opts: CoqlOptions | None = None) -> int:
    """Validate columns, limits and order; returns the effective LIMIT."""
    cap = (opts or CoqlOptions()).max_columns
    if len(query.columns) > cap:
        raise _limit_exceeded("select columns limit exceeded", cap, "select_columns")
    seen: set[str] = set()
    for column in query.columns:
        _field(store, _aggregate(column) or column)
        if column in seen:
            raise CoqlError("DUPLICATE_DATA", "duplicate column found", {"column_name": column})
        seen.add(column)
    if count_conditions(query.where) > 25:
        raise _limit_exceeded("criteria limit exceeded", 25, "where")
    if len(query.order) > 10:
        raise _limit_exceeded("order by limit exceeded", 10, "order_by")
    for column, _ in query.order:
        _field(store, column)
    limit = DEFAULT_LIMIT if query.limit is None else query.limit
    if limit < 1:
        raise CoqlError("INVALID_QUERY", "invalid query formed", {"clause": "limit"})
    if limit > MAX_LIMIT:
        raise _limit_exceeded("limit exceeded", MAX_LIMIT, "limit")
    if (query.offset or 0) + limit > MAX_REACH:
        raise _limit_exceeded("limit and offset exceeded", MAX_REACH, "offset")
    return limit


def _field(store: ModuleStore, column: str) -> SimField | None:
    """The column's field (None for ``id``); INVALID_QUERY when unknown."""
    if column == "id":
        return None
    field = store.fields.get(column)
    if field is None:
        raise _invalid_column(column)
    return field


def compile_where(cond: Condition, store: ModuleStore, opts: CoqlOptions) -> Predicate:
    """A record -> bool function for the WHERE clause (validating every predicate)."""
    if isinstance(cond, BoolOp):
        left = compile_where(cond.left, store, opts)
        right = compile_where(cond.right, store, opts)
        if cond.op == "and":
            return lambda r: left(r) and right(r)
        return lambda r: left(r) or right(r)
    field = _field(store, cond.column)
    kind = "id" if field is None else field.data_type
    column = cond.column
    if isinstance(cond, IsNull):
        if kind == "boolean":  # v7+: only boolean *formula* fields take null checks
            raise _bad_operator(column, "is not null" if cond.negated else "is null")
        return lambda r: (_raw(r, column) is None) != cond.negated
    get = _getter(column, kind, opts)
    if isinstance(cond, Compare):
        return _compare(cond, kind, get, opts)
    if isinstance(cond, InList):
        return _in_list(cond, kind, get, opts)
    if isinstance(cond, Like):
        return _like(cond, kind, get, opts)
    return _between(cond, kind, get)


def _raw(record: dict[str, Any], column: str) -> Any:
    value = record.get(column)
    return None if value == "" else value


def _getter(column: str, kind: str, opts: CoqlOptions) -> Callable[[dict[str, Any]], Any]:
    if kind == "id":
        return lambda r: int(r["id"])
    if kind in ("datetime", "date"):
        return lambda r: parse_iso(r[column]) if r.get(column) else None
    if kind in ("ownerlookup", "lookup"):
        return lambda r: (r.get(column) or {}).get("id")
    if kind in TEXT_TYPES and opts.case_insensitive:
        return lambda r: r[column].casefold() if r.get(column) else None
    return lambda r: _raw(r, column)


def _coerce(lit: Literal, column: str, kind: str, opts: CoqlOptions) -> Any:
    """The literal as a comparable value for a column of ``kind``; INVALID_QUERY if it cannot."""
    value = lit.value
    if kind == "id" and lit.kind in ("number", "string") and str(value).isdigit():
        return int(value)
    if kind == "boolean":
        if lit.kind == "bool" and not opts.bare_boolean_refused:
            return value
        quoted = lit.kind == "string" and str(value).lower() in ("true", "false")
        if quoted and not opts.quoted_boolean_refused:
            return str(value).lower() == "true"
    elif kind in TEXT_TYPES and lit.kind == "string":
        return value.casefold() if opts.case_insensitive else value
    elif kind in ("datetime", "date") and lit.kind == "string":
        try:
            return parse_iso(value if "T" in value else f"{value}T00:00:00+00:00")
        except ValueError:
            pass
    elif kind in ("integer", "double", "currency") and lit.kind == "number":
        return value
    elif kind in ("ownerlookup", "lookup", "bigint") and lit.kind in ("string", "number"):
        return str(value)
    raise _invalid_value(column)


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(
    cond: Compare, kind: str, get: Callable[[dict[str, Any]], Any], opts: CoqlOptions
) -> Predicate:
    allowed = {"=", "!="} if kind in TEXT_TYPES or kind in ("ownerlookup", "lookup") else None
    if kind == "boolean":
        allowed = {"="}
    if kind == "id" and opts.id_compare_refused and cond.op not in ("=", "!="):
        allowed = {"=", "!="}
    if allowed is not None and cond.op not in allowed:
        raise _bad_operator(cond.column, cond.op)
    target = _coerce(cond.value, cond.column, kind, opts)
    test = _CMP[cond.op]

    def predicate(record: dict[str, Any]) -> bool:
        value = get(record)
        return value is not None and test(value, target)

    return predicate


def _in_list(
    cond: InList, kind: str, get: Callable[[dict[str, Any]], Any], opts: CoqlOptions
) -> Predicate:
    if kind == "boolean":
        raise _bad_operator(cond.column, "not in" if cond.negated else "in")
    if len(cond.values) > opts.in_cap:
        raise _limit_exceeded(f"Only {opts.in_cap} values are allowed in IN", opts.in_cap, "in")
    targets = frozenset(_coerce(v, cond.column, kind, opts) for v in cond.values)

    def predicate(record: dict[str, Any]) -> bool:
        value = get(record)
        return value is not None and (value in targets) != cond.negated

    return predicate


def _like(
    cond: Like, kind: str, get: Callable[[dict[str, Any]], Any], opts: CoqlOptions
) -> Predicate:
    if kind not in TEXT_TYPES:
        raise _bad_operator(cond.column, "like")
    pattern = cond.pattern.casefold() if opts.case_insensitive else cond.pattern
    regex = re.compile(".*".join(re.escape(part) for part in pattern.split("%")), re.DOTALL)

    def predicate(record: dict[str, Any]) -> bool:
        value = get(record)
        return value is not None and (regex.fullmatch(value) is not None) != cond.negated

    return predicate


def _between(cond: Between, kind: str, get: Callable[[dict[str, Any]], Any]) -> Predicate:
    if kind not in ORDERED_TYPES and kind != "id":
        raise _bad_operator(cond.column, "between")
    opts = CoqlOptions()
    low = _coerce(cond.low, cond.column, kind, opts)
    high = _coerce(cond.high, cond.column, kind, opts)

    def predicate(record: dict[str, Any]) -> bool:
        value = get(record)
        return value is not None and (low <= value <= high) != cond.negated

    return predicate


def id_lower_bound(cond: Condition) -> tuple[str, bool] | None:
    """An ``id > X`` / ``id >= X`` conjunct of the WHERE clause: (X as 19 chars, inclusive)."""
    if isinstance(cond, BoolOp):
        if cond.op != "and":
            return None
        return id_lower_bound(cond.left) or id_lower_bound(cond.right)
    if isinstance(cond, Compare) and cond.column == "id" and cond.op in (">", ">="):
        text = str(cond.value.value)
        if text.isdigit() and len(text) <= 19:
            return text.rjust(19, "0"), cond.op == ">="
    return None


def run(query: Query, store: ModuleStore, opts: CoqlOptions) -> CoqlResult:
    """Execute a parsed query; keyset queries ordered by id use bisect and stop early."""
    limit = check_shape(query, store, opts)
    predicate = compile_where(query.where, store, opts)
    offset = query.offset or 0
    if any(_aggregate(c) for c in query.columns):
        if len(query.columns) > 1:
            raise CoqlError("INVALID_QUERY", "invalid query formed", {"clause": "select"})
        count = sum(1 for i in store.ids if predicate(store.records[i]))
        return CoqlResult([{query.columns[0]: count}], False, limit)
    wanted = offset + limit + 1
    if query.order in ((), (("id", False),)):
        start = 0
        bound = id_lower_bound(query.where)
        if bound is not None and all(len(i) == 19 for i in store.ids[:1]):
            start = store.ids_above(bound[0], inclusive=bound[1])
        matched = _first_matches(store, store.ids[start:], predicate, wanted)
    elif query.order == (("id", True),):
        matched = _first_matches(store, reversed(store.ids), predicate, wanted)
    else:
        matched = [i for i in store.ids if predicate(store.records[i])]
        _sort(matched, store, query.order)
    page = matched[offset : offset + limit]
    rows = [_row(store.records[i], query.columns) for i in page]
    return CoqlResult(rows, len(matched) > offset + limit, limit)


def _first_matches(
    store: ModuleStore, ids: Iterable[str], predicate: Predicate, wanted: int
) -> list[str]:
    found: list[str] = []
    for rid in ids:
        if predicate(store.records[rid]):
            found.append(rid)
            if len(found) >= wanted:
                break
    return found


def _sort(ids: list[str], store: ModuleStore, order: tuple[tuple[str, bool], ...]) -> None:
    """Stable multi-key sort (last key first); nulls sort first ascending."""
    ids.sort()
    for column, descending in reversed(order):
        if column == "id":
            ids.sort(reverse=descending)
            continue

        def key(rid: str, column: str = column) -> tuple[bool, Any]:
            value = store.records[rid].get(column)
            if isinstance(value, dict):
                value = value.get("name")
            if isinstance(value, str):
                value = value.casefold()
            return (value is not None, value if value is not None else 0)

        ids.sort(key=key, reverse=descending)


def _row(record: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    row = {column: _out(record.get(column)) for column in columns if column != "id"}
    row["id"] = record["id"]
    return row


def _out(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value
