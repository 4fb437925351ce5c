"""The access-token cache (DESIGN §8) and the per-org forms file (DESIGN §4)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from fieldsync_tui.zoho.forms import FORMS_FILE, FormsStore, OrgForms
from fieldsync_tui.zoho.statefile import org_key
from fieldsync_tui.zoho.token_cache import TOKENS_FILE, TokenCache

from .conftest import ACCOUNTS, CLIENT_SECRET, REFRESH_TOKEN, FakeZoho, MakeClient, zoho_json


@pytest.fixture(autouse=True)
def org_route(fake: FakeZoho) -> None:
    fake.route("GET", "/crm/v8/org")(
        lambda r: zoho_json(200, {"org": [{"id": "1", "company_name": "Org"}]})
    )


def test_cache_file_is_0600_and_holds_only_the_access_token(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "s" / TOKENS_FILE, org_key("1000.ID", ACCOUNTS))
    cache.store("1000.access", 3600, "https://www.zohoapis.com", time.time())
    path = tmp_path / "s" / TOKENS_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = cache.load()
    assert loaded is not None and loaded.access_token == "1000.access"
    assert "1000.ID" not in path.read_text()  # keyed by a hash
    cache.drop()
    assert cache.load() is None and json.loads(path.read_text()) == {}


def test_keys_differ_by_client_and_accounts_host() -> None:
    keys = {
        org_key("1000.A", "https://accounts.zoho.com"),
        org_key("1000.B", "https://accounts.zoho.com"),
        org_key("1000.A", "https://accounts.zoho.eu"),
    }
    assert len(keys) == 3
    assert org_key("1000.A", "https://Accounts.zoho.com/") in keys


async def test_a_second_client_reuses_the_cached_token(
    fake: FakeZoho, make_client: MakeClient, tmp_path: Path
) -> None:
    first = make_client(state_dir=tmp_path, token_cache=True)
    await first.get_org()
    second = make_client(state_dir=tmp_path, token_cache=True)
    await second.get_org()
    assert fake.refreshes == 1
    text = (tmp_path / TOKENS_FILE).read_text()
    assert CLIENT_SECRET not in text and REFRESH_TOKEN not in text


async def test_a_token_close_to_expiry_is_not_reused(
    fake: FakeZoho, make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(state_dir=tmp_path, token_cache=True)
    await client.get_org()
    path = tmp_path / TOKENS_FILE
    data = json.loads(path.read_text())
    for entry in data.values():  # 4 minutes left of 60: inside the 5-minute margin
        entry["expires_at"] = time.time() + 240
    path.write_text(json.dumps(data))
    await make_client(state_dir=tmp_path, token_cache=True).get_org()
    assert fake.refreshes == 2


async def test_cache_off_or_unreadable_just_refreshes(
    fake: FakeZoho, make_client: MakeClient, tmp_path: Path
) -> None:
    await make_client(state_dir=tmp_path, token_cache=False).get_org()
    assert not (tmp_path / TOKENS_FILE).exists()
    (tmp_path / TOKENS_FILE).write_text("{not json")
    await make_client(state_dir=tmp_path, token_cache=True).get_org()
    assert fake.refreshes == 2
    assert json.loads((tmp_path / TOKENS_FILE).read_text())  # replaced by a good file


def test_forms_round_trip_and_bad_files(tmp_path: Path) -> None:
    store = FormsStore(tmp_path / FORMS_FILE, "k")
    store.forms.boolean = "bare"
    store.forms.refused.add("coql_keyset")
    store.forms.quoted.add("External")
    store.save()
    again = FormsStore(tmp_path / FORMS_FILE, "k").forms
    assert again == OrgForms("bare", {"coql_keyset"}, {"External"}, set())
    assert FormsStore(tmp_path / FORMS_FILE, "other").forms == OrgForms()
    assert OrgForms.from_json({"boolean": "maybe", "refused": "x"}) == OrgForms()
    assert FormsStore(None, "k").forms == OrgForms()
