"""Search criteria parser: grammar, nesting, escapes; and its semantics switches."""

from __future__ import annotations

import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.criteria import (
    CriteriaError,
    Criterion,
    Group,
    SearchOptions,
    compile_criteria,
    count_criteria,
    parse_criteria,
)


def test_single_and_nested() -> None:
    assert parse_criteria("(Name:equals:Acme)") == Criterion("Name", "equals", ("Acme",))
    node = parse_criteria("((A:equals:1)and((B:starts_with:x)or(C:in:p,q)))")
    assert node == Group(
        "and",
        (
            Criterion("A", "equals", ("1",)),
            Group("or", (Criterion("B", "starts_with", ("x",)), Criterion("C", "in", ("p", "q")))),
        ),
    )
    assert count_criteria(node) == 3


def test_top_level_chain_without_outer_parentheses() -> None:
    node = parse_criteria("(A:equals:1)AND(B:equals:2)or(C:equals:3)")
    assert isinstance(node, Group) and node.op == "or"
    assert count_criteria(node) == 3


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (r"(Name:equals:Burns\,B)", "Burns,B"),
        (r"(Name:equals:Patricia\(Boyle\))", "Patricia(Boyle)"),
        ("(Name:equals:K\\\\)", "K\\"),
        ("(Name:equals:a:b)", "a:b"),
        ('(Name:equals:O\'Brien & "Sons" +%)', 'O\'Brien & "Sons" +%'),
    ],
)
def test_escapes(raw: str, value: str) -> None:
    assert parse_criteria(raw) == Criterion("Name", "equals", (value,))


def test_escaped_comma_stays_inside_an_in_value() -> None:
    assert parse_criteria(r"(Name:in:a\,b,c)") == Criterion("Name", "in", ("a,b", "c"))


@pytest.mark.parametrize(
    "raw",
    [
        "Name:equals:x",
        "(Name:equals:x",
        "(Name:equals:Acme (UK))",
        "(Name:equals:Acme)(B:equals:c)",
        "((A:equals:1)xor(B:equals:2))",
        "(:equals:x)",
        "(Name equals x)",
        "",
    ],
)
def test_malformed(raw: str) -> None:
    with pytest.raises(CriteriaError) as err:
        parse_criteria(raw)
    assert err.value.code == "INVALID_QUERY"


@pytest.fixture
def contacts() -> Simulator:
    sim = Simulator(SimConfig(real_time=False))
    for name in ("ABC Inc", "abc", "Zed (ABC)", "Other"):
        sim.org("A").add_record({"Full_Name": name})
    return sim


def matching(sim: Simulator, raw: str, opts: SearchOptions) -> list[str]:
    store = sim.org("A").module()
    predicate = compile_criteria(parse_criteria(raw), store, opts)
    return [r["Full_Name"] for r in store.records.values() if predicate(r)]


def test_equals_behaves_like_contains_by_default(contacts: Simulator) -> None:
    got = matching(contacts, "(Full_Name:equals:abc)", SearchOptions())
    assert got == ["ABC Inc", "abc", "Zed (ABC)"]
    exact = matching(contacts, "(Full_Name:equals:abc)", SearchOptions(equals_contains=False))
    assert exact == ["abc"]
    strict = SearchOptions(equals_contains=False, case_insensitive=False)
    assert matching(contacts, "(Full_Name:equals:ABC Inc)", strict) == ["ABC Inc"]
    assert matching(contacts, "(Full_Name:equals:abc inc)", strict) == []


def test_other_operators(contacts: Simulator) -> None:
    opts = SearchOptions()
    assert matching(contacts, "(Full_Name:starts_with:zed)", opts) == ["Zed (ABC)"]
    assert matching(contacts, r"(Full_Name:in:other,Zed \(ABC\))", opts) == ["Zed (ABC)", "Other"]
    assert matching(contacts, "(Full_Name:not_equal:abc)", opts) == [
        "ABC Inc",
        "Zed (ABC)",
        "Other",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "(Nope:equals:x)",
        "(Full_Name:greater_than:x)",
        "(Full_Name:like:x)",
        "(Transfer_Complete:equals:maybe)",
        "(Transfer_Complete:starts_with:t)",
        "(Created_Time:greater_than:yesterday)",
    ],
)
def test_invalid_queries(contacts: Simulator, raw: str) -> None:
    with pytest.raises(CriteriaError) as err:
        matching(contacts, raw, SearchOptions())
    assert err.value.code == "INVALID_QUERY"


def test_in_allows_100_values(contacts: Simulator) -> None:
    values = ",".join(f"v{i}" for i in range(100))
    assert matching(contacts, f"(Full_Name:in:{values})", SearchOptions()) == []
    with pytest.raises(CriteriaError):
        matching(contacts, f"(Full_Name:in:{values},v100)", SearchOptions())
