"""What the files job is handed by its entry point (plain values, never the configuration
object): field names, the team folder, the state directory, parallelism, A's triggers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldsync_tui.config import Settings
from fieldsync_tui.files.model import FilesFieldMap

TEMP_DIR = "files-tmp"
"""Under ``FIELDSYNC_STATE_DIR``: downloads in progress (removed at start after a kill)."""


@dataclass(frozen=True, slots=True)
class FilesSettings:
    fields: FilesFieldMap
    team_folder_id: str
    state_dir: Path
    max_concurrency: int = 5
    a_triggers: tuple[str, ...] = ()
    region_a: str = "com"
    region_b: str = "com"

    @property
    def temp_dir(self) -> Path:
        return self.state_dir / TEMP_DIR


def files_settings(settings: Settings) -> FilesSettings:
    f = settings.fields
    return FilesSettings(
        fields=FilesFieldMap(
            module=f.module,
            name=f.name,
            url=f.url,
            folder_id=f.folder_id,
            files_checkbox=settings.files_checkbox,
            fields_checkbox=f.checkbox,
        ),
        team_folder_id=settings.team_folder_id or "",
        state_dir=settings.state_dir,
        max_concurrency=settings.max_concurrency,
        a_triggers=settings.org_a.triggers,
    )
