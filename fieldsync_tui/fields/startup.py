"""Start-up checks, per org, before anything else is read (DESIGN §2 step 2).

A token (implicitly, through ``get_org``), ``GET /crm/v8/org`` and the module's field
metadata. Every problem is collected; each names the variable or field to fix and, for a
field that is missing, suggests the closest API names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from fieldsync_tui.config import OrgSettings, Settings
from fieldsync_tui.core.fieldcheck import (
    CHECKBOX_TYPES,
    FOLDER_TYPES,
    NAME_TYPES,
    URL_TYPES,
    FieldRule,
    check_field,
)
from fieldsync_tui.core.ports import CrmClient
from fieldsync_tui.zoho.errors import (
    AccountsUnreachableError,
    AuthError,
    RefreshBudgetError,
    ZohoAPIError,
    ZohoError,
)
from fieldsync_tui.zoho.types import FieldMeta, OrgInfo

UPDATED_FROM_TYPES = ("text", "textarea", "picklist")


@dataclass
class OrgContext:
    label: str
    client: CrmClient
    info: OrgInfo
    fields: dict[str, FieldMeta]
    region: str
    triggers: tuple[str, ...]


@dataclass
class Connected:
    a: OrgContext
    b: OrgContext


class StartupError(Exception):
    """Every start-up problem at once (one line each)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def rules_for(settings: Settings, label: str) -> list[FieldRule]:
    f = settings.fields
    rules = [
        FieldRule("CRM_RECORD_NAME_FIELD_API_NAME", f.name, NAME_TYPES, False, "name"),
        FieldRule("CRM_WORKDRIVE_URL_FIELD_API_NAME", f.url, URL_TYPES, label == "B", "URL"),
        FieldRule(
            "CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME",
            f.folder_id,
            FOLDER_TYPES,
            label == "B",
            "folder id",
        ),
    ]
    if label == "A":
        rules.append(
            FieldRule("CRM_CHECKBOX_FIELD_API_NAME", f.checkbox, CHECKBOX_TYPES, True, "checkbox")
        )
    elif f.updated_from:
        rules.append(
            FieldRule(
                "CRM_RECORD_UPDATED_FROM_FIELD_API_NAME",
                f.updated_from,
                UPDATED_FROM_TYPES,
                True,
                "updated-from",
            )
        )
    return rules


def check_picklist(settings: Settings, fields: dict[str, FieldMeta]) -> list[str]:
    f = settings.fields
    meta = fields.get(f.updated_from) if f.updated_from else None
    if meta is None or meta.data_type != "picklist":
        return []
    options = meta.pick_list_values
    if f.updated_from_value is None:
        return [
            f"CRM_RECORD_UPDATED_FROM_VALUE: Org B field {f.updated_from!r} is a picklist;"
            f" set CRM_RECORD_UPDATED_FROM_VALUE to one of its options: {_options(options)}"
        ]
    if options and f.updated_from_value not in options:
        return [
            f"CRM_RECORD_UPDATED_FROM_VALUE: {f.updated_from_value!r} is not an option of the"
            f" Org B picklist {f.updated_from!r}; options: {_options(options)}"
        ]
    return []


def _options(options: Sequence[str]) -> str:
    shown = ", ".join(repr(o) for o in options[:20])
    return shown + (" …" if len(options) > 20 else "") if shown else "(none)"


def _credential_hint(label: str, err: ZohoError) -> str:
    prefix = f"ORG_{label}"
    if isinstance(err, ZohoAPIError) and err.code == "INVALID_MODULE":
        return "CRM_MODULE_API_NAME: " + str(err)
    if isinstance(err, AccountsUnreachableError | RefreshBudgetError) or (
        isinstance(err, AuthError) and str(err.code).lower().replace(" ", "_") == "access_denied"
    ):
        return f"Org {label}: {err.title}: {err.message}"  # says itself what to do
    return (
        f"Org {label}: {err.title}: {err.message} (check {prefix}_CLIENT_ID,"
        f" {prefix}_CLIENT_SECRET, {prefix}_REFRESH_TOKEN and the region/URL variables)"
    )


async def _probe(
    org: OrgSettings, client: CrmClient, module: str
) -> tuple[OrgContext | None, list[str]]:
    try:
        info = await client.get_org()
    except ZohoError as err:
        return None, [_credential_hint(org.label, err)]
    try:
        metas = await client.get_fields(module)
    except ZohoError as err:
        if isinstance(err, ZohoAPIError) and err.code in ("INVALID_MODULE", "INVALID_DATA"):
            msg = f"CRM_MODULE_API_NAME: Org {org.label} has no module {module!r} ({err.message})"
            return None, [msg]
        return None, [_credential_hint(org.label, err)]
    fields = {m.api_name: m for m in metas}
    ctx = OrgContext(org.label, client, info, fields, org.region, org.triggers)
    return ctx, []


async def connect(settings: Settings, client_a: CrmClient, client_b: CrmClient) -> Connected:
    """Check both orgs; raise :class:`StartupError` listing every problem."""
    module = settings.fields.module
    (a, problems_a), (b, problems_b) = await asyncio.gather(
        _probe(settings.org_a, client_a, module), _probe(settings.org_b, client_b, module)
    )
    problems = problems_a + problems_b
    if a is not None and b is not None and a.info.id == b.info.id:
        problems.append(
            f"ORG_A_* and ORG_B_* reach the same org ({a.info.name!r}, id {a.info.id});"
            " fieldsync copies between two different orgs"
        )
    for ctx in (a, b):
        if ctx is not None:
            for rule in rules_for(settings, ctx.label):
                problems += check_field(rule, ctx.label, ctx.fields, module)
    if b is not None:
        problems += check_picklist(settings, b.fields)
    if problems or a is None or b is None:
        raise StartupError(problems)
    return Connected(a, b)
