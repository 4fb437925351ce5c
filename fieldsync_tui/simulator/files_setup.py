"""The files side of a new simulator: Org A's files checkbox and Org B's team folder."""

from __future__ import annotations

from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.org import SimOrg


def install_files(orgs: dict[str, SimOrg], config: SimConfig) -> str:
    """Add the files checkbox (a boolean) to Org A's module and a team folder to Org B's
    WorkDrive; returns the team folder's id (``ORG_B_TEAM_FOLDER_ID``)."""
    files = config.files
    orgs["A"].set_field(config.module, files.files_checkbox_field, data_type="boolean", length=5)
    orgs["A"].module(config.module).touch()
    return orgs["B"].workdrive.add_team_folder(files.team_folder_name)
