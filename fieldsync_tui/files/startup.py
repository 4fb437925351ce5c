"""Start-up checks of the files job (DESIGN §2 step 2, §9.1), before anything else is read.

Per org a token and ``GET /crm/v8/org`` (A and B being one org is refused); Org A's field
metadata: the name (read), URL and folder id (written by this job: §2's types, writable),
the files checkbox (a writable boolean) and the field sync's checkbox (a boolean this job
unticks when it changes A's values: writable). Org B's WorkDrive: ``ORG_B_TEAM_FOLDER_ID``
exists and is a folder (its name is shown).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fieldsync_tui.core.fieldcheck import (
    CHECKBOX_TYPES,
    FOLDER_TYPES,
    NAME_TYPES,
    URL_TYPES,
    FieldRule,
    check_field,
)
from fieldsync_tui.files.model import FilesFieldMap
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import ZohoAPIError, ZohoError
from fieldsync_tui.zoho.types import FieldMeta, OrgInfo
from fieldsync_tui.zoho.workdrive import WorkDrive

TEAM_FOLDER_VAR = "ORG_B_TEAM_FOLDER_ID"


@dataclass
class FilesConnected:
    a_info: OrgInfo
    b_info: OrgInfo
    a_fields: dict[str, FieldMeta]
    team_folder_name: str


class FilesStartupError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def field_rules(fields: FilesFieldMap) -> list[FieldRule]:
    rules = [
        FieldRule("CRM_RECORD_NAME_FIELD_API_NAME", fields.name, NAME_TYPES, False, "name"),
        FieldRule("CRM_WORKDRIVE_URL_FIELD_API_NAME", fields.url, URL_TYPES, True, "URL"),
        FieldRule(
            "CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME",
            fields.folder_id,
            FOLDER_TYPES,
            True,
            "folder id",
        ),
        FieldRule(
            "CRM_FILES_CHECKBOX_FIELD_API_NAME",
            fields.files_checkbox,
            CHECKBOX_TYPES,
            True,
            "files checkbox",
        ),
    ]
    if not fields.shared_checkbox:
        rules.append(
            FieldRule(
                "CRM_CHECKBOX_FIELD_API_NAME",
                fields.fields_checkbox,
                CHECKBOX_TYPES,
                True,
                "field-sync checkbox (unticked when this job changes A's values)",
            )
        )
    return rules


def _hint(label: str, err: ZohoError) -> str:
    p = f"ORG_{label}"
    return (
        f"Org {label}: {err.title}: {err.message} (check {p}_CLIENT_ID, {p}_CLIENT_SECRET, "
        f"{p}_REFRESH_TOKEN and the region/URL variables)"
    )


async def team_folder_name(drive: WorkDrive, folder_id: str) -> str:
    """The folder's name; ValueError-free: raises ZohoError or a plain message (str)."""
    try:
        item = await drive.get(folder_id)
    except ZohoAPIError:
        team = await drive.team_folder(folder_id)
        return team.name
    if not item.is_folder:
        raise FilesStartupError(
            [
                f"{TEAM_FOLDER_VAR}: {safe(folder_id)[:40]} is a file"
                f" ({safe(item.name)!r}), not a folder"
            ]
        )
    if item.trashed:
        raise FilesStartupError([f"{TEAM_FOLDER_VAR}: folder {safe(item.name)!r} is in the trash"])
    return item.name


async def connect_files(
    fields: FilesFieldMap,
    team_folder_id: str,
    client_a: ZohoClient,
    client_b: ZohoClient,
    drive: WorkDrive,
) -> FilesConnected:
    """Check both orgs and the team folder; raise :class:`FilesStartupError` with every
    problem."""
    problems: list[str] = []

    async def org(label: str, client: ZohoClient) -> OrgInfo | None:
        try:
            return await client.get_org()
        except ZohoError as err:
            problems.append(_hint(label, err))
            return None

    a_info, b_info = await asyncio.gather(org("A", client_a), org("B", client_b))
    metas: dict[str, FieldMeta] = {}
    name = ""
    if a_info is not None:
        try:
            metas = {m.api_name: m for m in await client_a.get_fields(fields.module)}
        except ZohoError as err:
            problems.append(f"CRM_MODULE_API_NAME: Org A module {fields.module!r}: {err.message}")
        for rule in field_rules(fields) if metas else ():
            problems += check_field(rule, "A", metas, fields.module)
    if b_info is not None:
        try:
            name = await team_folder_name(drive, team_folder_id)
        except FilesStartupError as err:
            problems += err.problems
        except ZohoError as err:
            problems.append(
                f"{TEAM_FOLDER_VAR}: Org B WorkDrive cannot open folder "
                f"{safe(team_folder_id)[:40]} ({err.title}: {err.message})"
            )
    if a_info is not None and b_info is not None and a_info.id == b_info.id:
        problems.append(
            f"ORG_A_* and ORG_B_* reach the same org ({a_info.name!r}, id {a_info.id});"
            " the files job reads Org A's attachments into Org B's WorkDrive"
        )
    if problems or a_info is None or b_info is None:
        raise FilesStartupError(problems)
    return FilesConnected(a_info, b_info, metas, name)
