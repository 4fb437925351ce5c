"""Accounts server and CRM authentication over HTTP."""

from __future__ import annotations

import httpx

from fieldsync_tui.simulator import Simulator

from .conftest import BASE, Api, assert_error, make_sim


async def test_refresh_with_form_body_and_with_query(api: Api) -> None:
    params = api.token_params("A")
    form = await api.client.post("/oauth/v2/token", data=params)
    query = await api.client.post("/oauth/v2/token", params=params)
    for resp in (form, query):
        body = resp.json()
        assert resp.status_code == 200
        assert body["api_domain"] == BASE
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
        assert body["access_token"].startswith("1000.")
    assert api.sim.stats.token_refreshes("A") == 2


async def test_token_errors_are_http_200_by_default(api: Api) -> None:
    bad_client = {**api.token_params("A"), "client_id": "1000.NOPE"}
    bad_secret = {**api.token_params("A"), "client_secret": "wrong"}
    bad_refresh = {**api.token_params("A"), "refresh_token": "1000.nope"}
    other_org = {**api.token_params("A"), "refresh_token": api.sim.org("B").refresh_token}
    cases = [(bad_client, "invalid_client"), (bad_secret, "invalid_client")]
    cases += [(bad_refresh, "invalid_code"), (other_org, "invalid_code")]
    for params, code in cases:
        resp = await api.client.post("/oauth/v2/token", data=params)
        assert resp.status_code == 200 and resp.json() == {"error": code}
    assert api.sim.stats.token_refreshes("A") == 0


async def test_token_error_status_switch() -> None:
    sim = make_sim(token_error_status=400)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        resp = await client.post("/oauth/v2/token", data={"grant_type": "refresh_token"})
    assert resp.status_code == 400 and resp.json() == {"error": "invalid_client"}


async def test_refresh_throttle_ten_per_rolling_ten_minutes(api: Api) -> None:
    params = api.token_params("A")
    for _ in range(10):
        assert "access_token" in (await api.client.post("/oauth/v2/token", data=params)).json()
    blocked = await api.client.post("/oauth/v2/token", data=params)
    assert blocked.status_code == 200
    assert blocked.json() == {
        "error_description": "You have made too many requests continuously. "
        "Please try again after some time.",
        "error": "Access Denied",
        "status": "failure",
    }
    other = await api.client.post("/oauth/v2/token", data=api.token_params("B"))
    assert "access_token" in other.json()
    api.sim.clock.advance(601)
    assert "access_token" in (await api.client.post("/oauth/v2/token", data=params)).json()


async def test_active_token_cap_invalidates_the_oldest() -> None:
    sim = make_sim(active_token_cap=2)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        api = Api(sim, client)
        tokens = []
        for _ in range(3):
            resp = await client.post("/oauth/v2/token", data=api.token_params("A"))
            tokens.append(resp.json()["access_token"])
        results = [
            (await client.get("/crm/v8/org", headers={"Authorization": f"Zoho-oauthtoken {t}"}))
            for t in tokens
        ]
    assert [r.status_code for r in results] == [401, 200, 200]


async def test_missing_and_bad_tokens(api: Api) -> None:
    body = assert_error(await api.client.get("/crm/v8/org"), 401, "AUTHENTICATION_FAILURE")
    assert body == {
        "code": "AUTHENTICATION_FAILURE",
        "details": {},
        "message": "Authentication failed",
        "status": "error",
    }
    bearer = {"Authorization": f"Bearer {await api.token('A')}"}
    assert_error(await api.client.get("/crm/v8/org", headers=bearer), 401, "AUTHENTICATION_FAILURE")
    garbage = {"Authorization": "Zoho-oauthtoken 1000.garbage"}
    body = assert_error(await api.client.get("/crm/v8/org", headers=garbage), 401, "INVALID_TOKEN")
    assert body["message"] == "invalid oauth token" and body["details"] == {}


async def test_tokens_expire_after_an_hour_of_sim_clock(api: Api) -> None:
    assert (await api.get("/crm/v8/org")).status_code == 200
    api.sim.clock.advance(3599)
    assert (await api.get("/crm/v8/org")).status_code == 200
    api.sim.clock.advance(1)
    assert_error(await api.get("/crm/v8/org"), 401, "INVALID_TOKEN")


async def test_revoke_endpoint_kills_refresh_and_access_tokens(api: Api) -> None:
    assert (await api.get("/crm/v8/org")).status_code == 200
    resp = await api.client.post(
        "/oauth/v2/token/revoke", data={"token": api.sim.org("A").refresh_token}
    )
    assert resp.json() == {"status": "success"}
    assert_error(await api.get("/crm/v8/org"), 401, "INVALID_TOKEN")
    again = await api.client.post("/oauth/v2/token", data=api.token_params("A"))
    assert again.json() == {"error": "invalid_code"}


async def test_fault_revoke_tokens_keeps_refresh_token(api: Api) -> None:
    await api.get("/crm/v8/org")
    api.sim.faults.revoke_tokens("A", at_call=2)
    assert (await api.get("/crm/v8/org")).status_code == 200
    assert_error(await api.get("/crm/v8/org"), 401, "INVALID_TOKEN")
    api.tokens.clear()
    assert (await api.get("/crm/v8/org")).status_code == 200


async def test_fault_expire_and_revoke_refresh(api: Api) -> None:
    await api.get("/crm/v8/org")
    api.sim.faults.expire_tokens("A")
    assert_error(await api.get("/crm/v8/org"), 401, "INVALID_TOKEN")
    api.sim.faults.revoke_refresh_token("A")
    resp = await api.client.post("/oauth/v2/token", data=api.token_params("A"))
    assert resp.json() == {"error": "invalid_code"}


async def test_org_endpoint_shape(sim: Simulator, api: Api) -> None:
    resp = await api.get("/crm/v8/org", "B")
    org = resp.json()["org"][0]
    assert org["id"] == sim.org("B").org_id and org["company_name"] == sim.org("B").name
    assert {"domain_name", "time_zone"} <= set(org)
    assert org["id"] != (await api.get("/crm/v8/org", "A")).json()["org"][0]["id"]


def test_env_is_complete(sim: Simulator) -> None:
    env = sim.env("http://127.0.0.1:9")
    for label in "AB":
        org = sim.org(label)
        assert env[f"ORG_{label}_CLIENT_ID"] == org.client_id
        assert env[f"ORG_{label}_CLIENT_SECRET"] == org.client_secret
        assert env[f"ORG_{label}_REFRESH_TOKEN"] == org.refresh_token
        assert (
            env[f"ORG_{label}_ACCOUNTS_URL"] == env[f"ORG_{label}_API_URL"] == "http://127.0.0.1:9"
        )
    assert env["CRM_MODULE_API_NAME"] == "Contacts"
    assert env["CRM_RECORD_NAME_FIELD_API_NAME"] == "Full_Name"
    assert env["CRM_WORKDRIVE_URL_FIELD_API_NAME"] == "WorkDrive_URL"
    assert env["CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME"] == "WorkDrive_Folder_ID"
    assert env["CRM_CHECKBOX_FIELD_API_NAME"] == "Transfer_Complete"
    assert env["CRM_RECORD_UPDATED_FROM_FIELD_API_NAME"] == "Record_Updated_From"
    assert env["ZOHO_REGION"] == "com"
