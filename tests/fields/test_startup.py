"""Start-up checks (DESIGN §2 step 2) against fake clients."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fieldsync_tui.config import OrgSettings, Settings
from fieldsync_tui.core.model import FieldMap
from fieldsync_tui.fields.startup import StartupError, connect
from fieldsync_tui.secret import Secret
from fieldsync_tui.zoho.errors import AuthError
from fieldsync_tui.zoho.types import FieldMeta

from .fakes import FakeClient


def settings(**fields: object) -> Settings:
    def org(label: str) -> OrgSettings:
        return OrgSettings(
            label,
            f"id-{label}",
            Secret("s3cr3t"),
            Secret("r3fr3sh"),
            triggers=("workflow",) if label == "B" else (),
        )

    return Settings(org("A"), org("B"), replace(FieldMap(), **fields))  # type: ignore[arg-type]


async def problems(s: Settings, a: FakeClient, b: FakeClient) -> list[str]:
    with pytest.raises(StartupError) as info:
        await connect(s, a, b)
    return info.value.problems


async def test_connect_ok_returns_both_contexts() -> None:
    a, b = FakeClient("A"), FakeClient("B")
    connected = await connect(settings(), a, b)
    assert connected.a.info.id == "org-A" and connected.b.triggers == ("workflow",)
    assert "WorkDrive_URL" in connected.b.fields
    assert [c[0] for c in a.calls] == ["get_org", "get_fields"]


async def test_same_org_is_refused() -> None:
    found = await problems(settings(), FakeClient("A", org_id="1"), FakeClient("B", org_id="1"))
    assert len(found) == 1 and "same org" in found[0]


async def test_missing_field_suggests_closest_and_full_name() -> None:
    b = FakeClient("B")
    b.fields = [f for f in b.fields if f.api_name != "Name"]
    b.fields.append(FieldMeta("Full_Name", "text", "Full Name", 255, read_only=True))
    found = await problems(settings(url="WorkDrive_Url"), FakeClient("A"), b)
    url = [p for p in found if p.startswith("CRM_WORKDRIVE_URL_FIELD_API_NAME")]
    assert len(url) == 2 and all("WorkDrive_URL" in p for p in url)  # both orgs
    [name] = [p for p in found if p.startswith("CRM_RECORD_NAME_FIELD_API_NAME")]
    assert "Org B" in name and "Full_Name" in name and "standard Contacts" in name


async def test_wrong_type_and_read_only_written_field() -> None:
    a, b = FakeClient("A"), FakeClient("B")
    a.fields = [
        FieldMeta("Transfer_Complete", "text") if f.api_name == "Transfer_Complete" else f
        for f in a.fields
    ]
    b.fields = [
        replace(f, field_read_only=True) if f.api_name == "WorkDrive_Folder_ID" else f
        for f in b.fields
    ]
    found = await problems(settings(), a, b)
    assert any(
        p.startswith("CRM_CHECKBOX_FIELD_API_NAME") and "'text'" in p and "boolean" in p
        for p in found
    )
    assert any(
        p.startswith("CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME") and "read-only" in p for p in found
    )
    assert len(found) == 2


async def test_read_only_field_that_is_only_read_is_fine() -> None:
    a = FakeClient("A")
    a.fields = [
        replace(f, read_only=True) if f.api_name != "Transfer_Complete" else f for f in a.fields
    ]
    await connect(settings(), a, FakeClient("B"))


async def test_picklist_updated_from_needs_a_valid_value() -> None:
    b = FakeClient("B")
    b.fields = [
        FieldMeta("Record_Updated_From", "picklist", pick_list_values=("Org A", "Manual"))
        if f.api_name == "Record_Updated_From"
        else f
        for f in b.fields
    ]
    [p] = await problems(settings(), FakeClient("A"), b)
    assert p.startswith("CRM_RECORD_UPDATED_FROM_VALUE") and "'Org A'" in p
    [p] = await problems(settings(updated_from_value="Nope"), FakeClient("A"), b)
    assert "not an option" in p
    await connect(settings(updated_from_value="Org A"), FakeClient("A"), b)


async def test_disabled_updated_from_is_not_checked() -> None:
    b = FakeClient("B")
    b.fields = [f for f in b.fields if f.api_name != "Record_Updated_From"]
    await connect(settings(updated_from=None), FakeClient("A"), b)


async def test_auth_failure_names_variables_and_no_secret() -> None:
    a = FakeClient("A")
    a.fail_next["get_org"] = [AuthError("invalid_client", code="invalid_client", org="A")]
    b = FakeClient("B")
    found = await problems(settings(), a, b)
    assert len(found) == 1 and "ORG_A_CLIENT_ID" in found[0]
    assert "s3cr3t" not in found[0] and "r3fr3sh" not in found[0]
    assert a.count("get_fields") == 0
