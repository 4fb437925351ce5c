"""COQL semantics on a store: types, operators, limits, case switch, keyset speed path."""

from __future__ import annotations

import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.coql import CoqlError, parse
from fieldsync_tui.simulator.coql_exec import CoqlOptions, CoqlResult, credits_for_limit, run


@pytest.fixture
def sim3() -> Simulator:
    sim = Simulator(SimConfig(real_time=False))
    org = sim.org("A")
    org.add_record({"Full_Name": "Acme Ltd", "WorkDrive_URL": "https://a.example.com"})
    org.add_record({"Full_Name": "O'Brien", "Transfer_Complete": True})
    org.add_record({"Full_Name": "acme ltd", "WorkDrive_Folder_ID": "f1"})
    return sim


def query(sim: Simulator, text: str, **opts: object) -> CoqlResult:
    return run(parse(text), sim.org("A").module(), CoqlOptions(**opts))  # type: ignore[arg-type]


def names(result: CoqlResult) -> list[str]:
    return [row["Full_Name"] for row in result.rows]


def test_equals_case_switch(sim3: Simulator) -> None:
    q = "select Full_Name from Contacts where Full_Name = 'ACME LTD'"
    assert names(query(sim3, q)) == ["Acme Ltd", "acme ltd"]
    assert names(query(sim3, q, case_insensitive=False)) == []


def test_doubled_quote_matches(sim3: Simulator) -> None:
    assert names(query(sim3, "select Full_Name from Contacts where Full_Name = 'o''brien'")) == [
        "O'Brien"
    ]


def test_boolean_and_null_checks(sim3: Simulator) -> None:
    q = (
        "select Full_Name from Contacts where "
        "((Transfer_Complete = false and Full_Name is not null) and WorkDrive_URL is null)"
    )
    assert names(query(sim3, q)) == ["acme ltd"]
    assert names(
        query(sim3, "select Full_Name from Contacts where Transfer_Complete = 'true'")
    ) == ["O'Brien"]


def test_like_forms(sim3: Simulator) -> None:
    base = "select Full_Name from Contacts where Full_Name "
    assert names(query(sim3, base + "like 'acme%'")) == ["Acme Ltd", "acme ltd"]
    assert names(query(sim3, base + "like '%brien'")) == ["O'Brien"]
    assert names(query(sim3, base + "like '%ME L%'")) == ["Acme Ltd", "acme ltd"]
    assert names(query(sim3, base + "not like '%acme%'")) == ["O'Brien"]


def test_id_is_numeric_and_in_lists(sim3: Simulator) -> None:
    ids = list(sim3.org("A").records())
    result = query(sim3, f"select Full_Name from Contacts where id > '{ids[0]}' order by id desc")
    assert [r["id"] for r in result.rows] == [ids[2], ids[1]]
    listed = query(sim3, f"select Full_Name from Contacts where id in ({ids[0]}, '{ids[2]}')")
    assert [r["id"] for r in listed.rows] == [ids[0], ids[2]]
    assert names(query(sim3, f"select Full_Name from Contacts where id not in ({ids[0]})")) == [
        "O'Brien",
        "acme ltd",
    ]


def test_datetime_between_and_order(sim3: Simulator) -> None:
    q = (
        "select Full_Name from Contacts where Created_Time between "
        "'2026-11-27T00:00:00+00:00' and '2026-11-28T00:00:00+00:00' order by Full_Name desc"
    )
    assert names(query(sim3, q)) == ["O'Brien", "Acme Ltd", "acme ltd"]  # ties: id order


def test_limit_offset_and_more_records(sim3: Simulator) -> None:
    result = query(sim3, "select Full_Name from Contacts where id is not null limit 1 offset 1")
    assert names(result) == ["O'Brien"] and result.more_records
    last = query(sim3, "select Full_Name from Contacts where id is not null limit 5 offset 2")
    assert names(last) == ["acme ltd"] and not last.more_records


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("select Nope from Contacts where id is not null", "INVALID_QUERY"),
        ("select Full_Name from Contacts where Nope = 'x'", "INVALID_QUERY"),
        ("select Full_Name from Contacts where id is not null order by Nope", "INVALID_QUERY"),
        ("select Full_Name from Contacts where Full_Name = 5", "INVALID_QUERY"),
        ("select Full_Name from Contacts where Full_Name > 'a'", "INVALID_QUERY"),
        ("select Full_Name from Contacts where Transfer_Complete = 'yes'", "INVALID_QUERY"),
        ("select Full_Name from Contacts where Transfer_Complete != true", "INVALID_QUERY"),
        ("select Full_Name from Contacts where id = 'abc'", "INVALID_QUERY"),
        ("select Full_Name from Contacts where Created_Time > 'yesterday'", "INVALID_QUERY"),
        ("select Full_Name from Contacts where WorkDrive_URL between 'a' and 'b'", "INVALID_QUERY"),
        ("select Full_Name from Contacts where id is not null limit 0", "INVALID_QUERY"),
        ("select Full_Name from Contacts where id is not null limit 2001", "LIMIT_EXCEEDED"),
        (
            "select Full_Name from Contacts where id is not null limit 2000 offset 98001",
            "LIMIT_EXCEEDED",
        ),
        ("select Full_Name, Full_Name from Contacts where id is not null", "DUPLICATE_DATA"),
    ],
)
def test_semantic_errors(sim3: Simulator, text: str, code: str) -> None:
    with pytest.raises(CoqlError) as err:
        query(sim3, text)
    assert err.value.code == code


def test_unknown_column_details(sim3: Simulator) -> None:
    with pytest.raises(CoqlError) as err:
        query(sim3, "select Emial from Contacts where id is not null")
    assert err.value.details == {
        "column_name": "Emial",
        "reason": "column given seems to be invalid",
    }


def test_reach_of_exactly_100000_is_allowed(sim3: Simulator) -> None:
    result = query(
        sim3, "select Full_Name from Contacts where id is not null limit 2000 offset 98000"
    )
    assert result.rows == []


def test_select_column_cap(sim3: Simulator) -> None:
    org = sim3.org("A")
    for i in range(500):
        org.set_field("Contacts", f"Extra_{i}")
    cols = ", ".join(f"Extra_{i}" for i in range(500))
    assert query(sim3, f"select {cols} from Contacts where id is not null").rows  # v7+: 500
    with pytest.raises(CoqlError) as err:
        query(sim3, f"select {cols}, Email from Contacts where id is not null")
    assert err.value.code == "LIMIT_EXCEEDED"
    few = ", ".join(f"Extra_{i}" for i in range(51))
    with pytest.raises(CoqlError):
        query(sim3, f"select {few} from Contacts where id is not null", max_columns=50)


def test_in_cap_switch(sim3: Simulator) -> None:
    values = ", ".join(f"'n{i}'" for i in range(101))
    text = f"select Full_Name from Contacts where Full_Name in ({values})"
    with pytest.raises(CoqlError) as err:
        query(sim3, text)  # v7+: 100 values
    assert err.value.code == "LIMIT_EXCEEDED"
    fifty_one = ", ".join(f"'n{i}'" for i in range(51))
    text = f"select Full_Name from Contacts where Full_Name in ({fifty_one})"
    assert query(sim3, text).rows == []
    with pytest.raises(CoqlError):
        query(sim3, text, in_cap=50)


def test_criteria_cap_25(sim3: Simulator) -> None:
    where = "Email = 'x'"
    for _ in range(25):
        where = f"({where} or Email = 'y')"
    with pytest.raises(CoqlError) as err:
        query(sim3, f"select Email from Contacts where {where}")
    assert err.value.code == "LIMIT_EXCEEDED"


@pytest.mark.parametrize(
    ("limit", "credits"), [(1, 1), (200, 1), (201, 2), (1000, 2), (1001, 3), (2000, 3)]
)
def test_credits_by_limit(limit: int, credits: int) -> None:
    assert credits_for_limit(limit) == credits
