"""The folder index, --on-duplicate newest and near-name suggestions (DESIGN §9.2, §9.3)."""

from __future__ import annotations

import pytest

from fieldsync_tui.core.normalize import normalise_name
from fieldsync_tui.files.folders import FolderIndex, folder_suggester, newest
from fieldsync_tui.files.model import WorkDriveFolder
from fieldsync_tui.simulator.names import HOSTILE_EXACT, HOSTILE_MATCHES


def folder(fid: str, name: str, ms: int | None = None) -> WorkDriveFolder:
    return WorkDriveFolder(fid, name, f"https://workdrive.zoho.com/folder/{fid}", ms)


def test_index_by_normalised_name() -> None:
    index = FolderIndex.build(
        [folder("b", "Acme  LTD"), folder("a", "acme ltd"), folder("c", "Beta"), folder("d", "")]
    )
    assert [f.id for f in index.candidates("acme ltd")] == ["a", "b"]
    assert [f.id for f in index.candidates("beta")] == ["c"]
    assert index.candidates("") == []
    assert len(index) == 4
    assert index.get("d") == folder("d", "")
    assert index.get("zz") is None


@pytest.mark.parametrize(("a_name", "folder_name"), HOSTILE_MATCHES)
def test_hostile_names_match_their_folder(a_name: str, folder_name: str) -> None:
    index = FolderIndex.build([folder("f", folder_name)])
    assert [f.id for f in index.candidates(normalise_name(a_name))] == ["f"]


@pytest.mark.parametrize("name", HOSTILE_EXACT)
def test_hostile_exact_names_are_kept_raw(name: str) -> None:
    index = FolderIndex.build([folder("f", name)])
    assert index.candidates(normalise_name(name))[0].name == name


def test_a_folder_listed_twice_counts_once() -> None:
    index = FolderIndex.build([folder("a", "X"), folder("a", "X")])
    assert len(index) == 1 and len(index.candidates("x")) == 1


@pytest.mark.parametrize(
    ("folders", "winner"),
    [
        ([folder("a", "X", 5), folder("b", "X", 9)], "b"),
        ([folder("a", "X", 9), folder("b", "X", 5)], "a"),
        ([folder("a", "X", None), folder("b", "X", 0)], "b"),  # unknown time loses
        ([folder("ab9", "X", 5), folder("ab10", "X", 5)], "ab9"),  # tie: greater id as text
        ([folder("b", "X", None), folder("a", "X", None)], "b"),
    ],
)
def test_newest(folders: list[WorkDriveFolder], winner: str) -> None:
    assert newest(folders).id == winner


def test_newest_needs_a_folder() -> None:
    with pytest.raises(ValueError, match="at least one"):
        newest([])


def test_suggestions_for_an_unmatched_name() -> None:
    index = FolderIndex.build(
        [folder("1", "Northwind Logistics GmbH"), folder("2", "Granite Dental"), folder("3", "")]
    )
    suggester = folder_suggester(index)
    found = suggester.suggest("Northwind Logistik GmbH")
    assert [f.id for f, _ in found] == ["1"]
    assert isinstance(found[0][0], WorkDriveFolder) and 0 < found[0][1] < 1
    assert suggester.suggest("Zzyzx Qwerty") == []
