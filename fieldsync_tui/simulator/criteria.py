"""Search criteria: ``(Field:op:value)``, ``((A)and(B))``, ``or``, nesting, backslash escapes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fieldsync_tui.simulator.clock import parse_iso
from fieldsync_tui.simulator.errors import QueryError
from fieldsync_tui.simulator.store import ModuleStore

TEXT_OPS = frozenset({"equals", "not_equal", "starts_with", "in"})
OPS_BY_TYPE: dict[str, frozenset[str]] = {
    "text": TEXT_OPS,
    "email": TEXT_OPS,
    "phone": TEXT_OPS,
    "website": TEXT_OPS,
    "textarea": frozenset({"equals", "not_equal", "starts_with"}),
    "picklist": frozenset({"equals", "not_equal", "in"}),
    "boolean": frozenset({"equals", "not_equal"}),
}
ORDERED_OPS = frozenset(
    {"equals", "not_equal", "greater_than", "greater_equal", "less_than", "less_equal"}
    | {"between", "in"}
)
for _kind in ("datetime", "date", "integer", "double", "currency", "bigint", "id"):
    OPS_BY_TYPE[_kind] = ORDERED_OPS
IN_CAP = 100


class CriteriaError(QueryError):
    """Search criteria Zoho would refuse."""


@dataclass(frozen=True)
class Criterion:
    field: str
    op: str
    values: tuple[str, ...]  # unescaped; several for in/between


@dataclass(frozen=True)
class Group:
    op: str  # and | or
    parts: tuple[Node, ...]


Node = Criterion | Group


def _invalid(message: str, details: dict[str, Any] | None = None) -> CriteriaError:
    return CriteriaError("INVALID_QUERY", message, details or {"reason": message})


def parse_criteria(text: str) -> Node:
    """Parse a criteria string; raises CriteriaError (INVALID_QUERY) when malformed."""
    parser = _Parser(text)
    node = parser.sequence()
    if parser.pos != len(text):
        raise _invalid("invalid query formed", {"position": parser.pos})
    return node


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise _invalid("invalid query formed", {"position": self.pos, "expected": char})
        self.pos += 1

    def sequence(self) -> Node:
        parts = [self.group()]
        ops: list[str] = []
        while self._peek().isalpha():
            start = self.pos
            while self._peek().isalpha():
                self.pos += 1
            word = self.text[start : self.pos].lower()
            if word not in ("and", "or"):
                raise _invalid("invalid query formed", {"near": word})
            ops.append(word)
            parts.append(self.group())
        node = parts[0]
        for op, part in zip(ops, parts[1:], strict=True):
            node = Group(op, (node, part))
        return node

    def group(self) -> Node:
        self._expect("(")
        node = self.sequence() if self._peek() == "(" else self.criterion()
        self._expect(")")
        return node

    def _word(self) -> str:
        start = self.pos
        while self._peek() not in (":", "", "(", ")"):
            self.pos += 1
        word = self.text[start : self.pos]
        self._expect(":")
        return word

    def criterion(self) -> Criterion:
        field = self._word().strip()
        op = self._word().strip().lower()
        values = self._values()
        if not field:
            raise _invalid("invalid query formed", {"reason": "field missing"})
        return Criterion(field, op, values)

    def _values(self) -> tuple[str, ...]:
        values: list[str] = []
        current: list[str] = []
        while True:
            char = self._peek()
            if char in ("", "("):
                raise _invalid("invalid query formed", {"position": self.pos})
            if char == ")":
                break
            if char == "\\" and self.pos + 1 < len(self.text):
                current.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == ",":
                values.append("".join(current))
                current = []
            else:
                current.append(char)
            self.pos += 1
        values.append("".join(current))
        return tuple(values)


def count_criteria(node: Node) -> int:
    if isinstance(node, Group):
        return sum(count_criteria(p) for p in node.parts)
    return 1


@dataclass(frozen=True)
class SearchOptions:
    equals_contains: bool = True
    case_insensitive: bool = True
    criteria_cap: int = 10


Predicate = Callable[[dict[str, Any]], bool]


def compile_criteria(node: Node, store: ModuleStore, opts: SearchOptions) -> Predicate:
    """A record -> bool function; validates fields, operators and values (INVALID_QUERY)."""
    if isinstance(node, Group):
        parts = [compile_criteria(p, store, opts) for p in node.parts]
        if node.op == "and":
            return lambda r: all(p(r) for p in parts)
        return lambda r: any(p(r) for p in parts)
    return _compile_one(node, store, opts)


def _compile_one(crit: Criterion, store: ModuleStore, opts: SearchOptions) -> Predicate:
    field = store.fields.get(crit.field)
    if field is None and crit.field != "id":
        raise _invalid("invalid field", {"api_name": crit.field, "reason": "invalid field"})
    kind = "id" if field is None else field.data_type
    if crit.op not in OPS_BY_TYPE.get(kind, frozenset({"equals", "not_equal"})):
        raise _invalid("invalid operator", {"api_name": crit.field, "operator": crit.op})
    values = crit.values if crit.op in ("in", "between") else (",".join(crit.values),)
    if crit.op == "in" and len(values) > IN_CAP:
        raise _invalid('Only 100 values are allowed in "IN" criteria', {"api_name": crit.field})
    if crit.op == "between" and len(values) != 2:
        raise _invalid("invalid value", {"api_name": crit.field})
    targets = [_coerce(v, kind, crit.field, opts) for v in values]
    get = _getter(crit.field, kind, opts)
    return _operator(crit.op, kind, get, targets, opts)


def _getter(column: str, kind: str, opts: SearchOptions) -> Callable[[dict[str, Any]], Any]:
    if kind == "id":
        return lambda r: int(r["id"])
    if kind in ("datetime", "date"):
        return lambda r: parse_iso(r[column]) if r.get(column) else None
    if kind == "boolean":
        return lambda r: r.get(column)
    if opts.case_insensitive:
        return lambda r: str(r[column]).casefold() if r.get(column) else None
    return lambda r: str(r[column]) if r.get(column) else None


def _coerce(value: str, kind: str, column: str, opts: SearchOptions) -> Any:
    try:
        if kind == "id":
            return int(value)
        if kind in ("datetime", "date"):
            return parse_iso(value if "T" in value else f"{value}T00:00:00+00:00")
        if kind in ("integer", "double", "currency"):
            return float(value)
    except ValueError:
        raise _invalid("invalid value", {"api_name": column}) from None
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise _invalid("invalid value", {"api_name": column})
        return value.lower() == "true"
    return value.casefold() if opts.case_insensitive else value


def _operator(
    op: str,
    kind: str,
    get: Callable[[dict[str, Any]], Any],
    targets: list[Any],
    opts: SearchOptions,
) -> Predicate:
    text = kind not in OPS_BY_TYPE or OPS_BY_TYPE[kind] is not ORDERED_OPS
    first = targets[0]
    tests: dict[str, Callable[[Any], bool]] = {
        "equals": (lambda v: first in v)
        if text and opts.equals_contains and kind != "boolean"
        else (lambda v: v == first),
        "not_equal": lambda v: v != first,
        "starts_with": lambda v: v.startswith(first),
        "in": lambda v: v in targets,
        "greater_than": lambda v: v > first,
        "greater_equal": lambda v: v >= first,
        "less_than": lambda v: v < first,
        "less_equal": lambda v: v <= first,
        "between": lambda v: targets[0] <= v <= targets[1],
    }
    test = tests[op]
    if op == "not_equal":
        return lambda r: test(get(r))
    return lambda r: (value := get(r)) is not None and test(value)
