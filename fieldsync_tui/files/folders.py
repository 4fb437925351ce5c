"""The folder index: direct sub-folders of the team folder by normalised name (DESIGN §9.2).

Names are normalised exactly as record names are (§4), so a record matches its folder
case-, spacing- and NFC-insensitively; two or more folders equal after normalisation are a
``duplicate``. The index and the near-name suggestions are the core's, over folders.
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldsync_tui.core.bindex import NameIndex
from fieldsync_tui.core.suggest import NameSuggester
from fieldsync_tui.files.model import WorkDriveFolder

FolderIndex = NameIndex[WorkDriveFolder]
"""Folders by id and by normalised name, built once per load (``FolderIndex.build``).
A folder whose normalised name is empty is kept by id but never matches a name; candidates
of one name come in id order (WorkDrive ids are not numbers: as text)."""


def folder_suggester(index: FolderIndex) -> NameSuggester[WorkDriveFolder]:
    """Near-name suggestions for unmatched records: built once per load, no API call."""
    return NameSuggester.build(index.by_id.values())


def newest(folders: Sequence[WorkDriveFolder]) -> WorkDriveFolder:
    """``--on-duplicate newest`` (§9.3): the latest ``modified_time_in_millisecond``; an
    unknown time loses; ties go to the greater id compared as text."""
    if not folders:
        raise ValueError("newest() needs at least one folder")
    return max(folders, key=_newest_key)


def _newest_key(f: WorkDriveFolder) -> tuple[int, int, str]:
    if f.modified_time_ms is None:
        return (0, 0, f.id)
    return (1, f.modified_time_ms, f.id)
