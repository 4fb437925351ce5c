"""ZohoOAuth: form-body refresh, single-flight, proactive timing, 401 handling, budget,
token errors and secrecy."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest

from fieldsync_tui.zoho.auth import refresh_margin, token_error, token_lifetime
from fieldsync_tui.zoho.errors import (
    AccountsUnreachableError,
    AuthError,
    RefreshBudgetError,
    ZohoAuthenticationError,
    ZohoConnectionError,
    ZohoError,
)

from .conftest import (
    CLIENT_SECRET,
    REFRESH_TOKEN,
    FakeClock,
    FakeZoho,
    MakeClient,
    zoho_error,
    zoho_json,
)

ORG = {"org": [{"id": "77", "company_name": "Acme A"}]}


@pytest.fixture(autouse=True)
def org_route(fake: FakeZoho) -> None:
    fake.route("GET", "/crm/v8/org")(lambda request: zoho_json(200, ORG))


async def test_refresh_is_a_form_post_never_a_query(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    client = make_client()
    await client.get_org()
    [request] = fake.token_requests
    assert request.method == "POST"
    assert str(request.url) == "https://accounts.zoho.com/oauth/v2/token"
    assert request.url.query == b""
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = dict(httpx.QueryParams(request.content.decode()))
    assert form == {
        "grant_type": "refresh_token",
        "client_id": "1000.CLIENTID",
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }
    assert fake.auth_headers == ["Zoho-oauthtoken 1000.access1"]


async def test_each_new_access_token_is_announced(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock
) -> None:
    seen: list[str] = []
    client = make_client(on_token=seen.append)
    await client.get_org()
    await client.get_org()
    assert seen == ["1000.access1"]  # announced once, when issued (not per request)


async def test_token_is_reused(fake: FakeZoho, make_client: MakeClient) -> None:
    client = make_client()
    for _ in range(5):
        await client.get_org()
    assert fake.refreshes == 1
    assert client.stats.refreshes == 1


async def test_twenty_concurrent_requests_after_expiry_refresh_once(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock
) -> None:
    client = make_client(max_concurrency=5)
    await client.get_org()
    clock.now += 3600
    await asyncio.gather(*(client.get_org() for _ in range(20)))
    assert fake.refreshes == 2
    assert len(fake.requests) == 21


async def test_twenty_concurrent_first_requests_refresh_once(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    client = make_client()
    await asyncio.gather(*(client.get_org() for _ in range(20)))
    assert fake.refreshes == 1


@pytest.mark.parametrize(
    ("expires_in", "margin"), [(3600, 300.0), (1000, 100.0), (60, 6.0), (10_000, 300.0)]
)
async def test_proactive_refresh_timing(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock, expires_in: int, margin: float
) -> None:
    fake.expires_in = expires_in
    client = make_client()
    await client.get_org()
    clock.now += expires_in - margin - 0.5
    await client.get_org()
    assert fake.refreshes == 1
    clock.now += 0.5
    await client.get_org()
    assert fake.refreshes == 2
    assert refresh_margin(expires_in) == margin


@pytest.mark.parametrize(
    ("body", "seconds"),
    [
        ({"expires_in": 3600}, 3600.0),
        ({"expires_in": 3600000, "expires_in_sec": 3600}, 3600.0),
        ({"expires_in": "1800"}, 1800.0),
        ({}, 3600.0),
        ({"expires_in": 0}, 3600.0),
        ({"expires_in": True}, 3600.0),
        ({"expires_in": "soon"}, 3600.0),
    ],
)
def test_token_lifetime(body: dict[str, Any], seconds: float) -> None:
    assert token_lifetime(body) == seconds


async def test_legacy_expires_in_sec_drives_timing(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock
) -> None:
    fake.token_body = lambda n: (
        200,
        {"access_token": f"t{n}", "expires_in": 600_000, "expires_in_sec": 600},
    )
    fake.valid_tokens.update({"t1", "t2"})
    client = make_client()
    await client.get_org()
    clock.now += 600 - 60 + 1  # margin = min(300, 60)
    await client.get_org()
    assert fake.refreshes == 2


async def test_invalid_token_refreshes_once_and_retries(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    client = make_client()
    await client.get_org()
    fake.revoke_tokens()  # the access token dies early (e.g. revoked)
    info = await client.get_org()
    assert info.name == "Acme A"
    assert fake.refreshes == 2
    assert [h[-7:] for h in fake.auth_headers] == [
        "access1",
        "access1",
        "access2",
    ]


async def test_concurrent_invalid_token_refreshes_once(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    client = make_client(max_concurrency=10)
    await client.get_org()
    fake.revoke_tokens()
    await asyncio.gather(*(client.get_org() for _ in range(10)))
    assert fake.refreshes == 2


async def test_second_401_raises_authentication_error(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    fake.route("GET", "/crm/v8/org")(lambda request: zoho_error(401, "INVALID_TOKEN"))
    client = make_client()
    with pytest.raises(ZohoAuthenticationError) as info:
        await client.get_org()
    assert info.value.status_code == 401 and info.value.code == "INVALID_TOKEN"
    assert fake.refreshes == 2
    assert len(fake.requests) == 2


async def test_scope_mismatch_never_refreshes(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.route("GET", "/crm/v8/org")(lambda request: zoho_error(401, "OAUTH_SCOPE_MISMATCH"))
    client = make_client()
    with pytest.raises(ZohoAuthenticationError, match="scope") as info:
        await client.get_org()
    assert info.value.code == "OAUTH_SCOPE_MISMATCH"
    assert fake.refreshes == 1 and len(fake.requests) == 1


@pytest.mark.parametrize("status", [200, 400])
@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("invalid_client", "ORG_A_CLIENT_ID and ORG_A_CLIENT_SECRET"),
        ("invalid_client_secret", "wrong data centre looks like bad credentials"),
        ("invalid_code", "revoked or has expired"),
        ("Access Denied", "throttle"),
        ("access_denied", "throttle"),
        ("something_new", "ORG_A_REFRESH_TOKEN"),
    ],
)
async def test_token_errors_whatever_the_status(
    fake: FakeZoho, make_client: MakeClient, status: int, error: str, advice: str
) -> None:
    fake.token_body = lambda n: (status, {"error": error, "status": "failure"})
    client = make_client()
    with pytest.raises(AuthError) as info:
        await client.get_org()
    assert advice in str(info.value)
    assert info.value.code == error
    assert str(info.value).startswith("Org A:")
    assert fake.requests == []  # nothing sent to the API without a token


async def test_invalid_client_mentions_region(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.token_body = lambda n: (200, {"error": "invalid_client"})
    with pytest.raises(AuthError, match="ZOHO_REGION / ORG_A_REGION"):
        await make_client().get_org()


async def test_non_json_token_answer(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.token_body = lambda n: (200, None)
    with pytest.raises(AuthError, match="ORG_A_ACCOUNTS_URL"):
        await make_client().get_org()


def test_token_error_for_html() -> None:
    err = token_error(502, "<html>", "B")
    assert "ORG_B_ACCOUNTS_URL" in str(err) and err.code is None


async def test_eleventh_refresh_in_ten_minutes_is_refused(
    fake: FakeZoho, make_client: MakeClient, clock: FakeClock
) -> None:
    fake.expires_in = 10  # every call after 9 s needs a new token
    client = make_client()
    for _ in range(10):
        await client.get_org()
        clock.now += 10
    assert fake.refreshes == 10
    with pytest.raises(RefreshBudgetError, match="10 access-token refreshes per 10 minutes"):
        await client.get_org()
    assert fake.refreshes == 10
    clock.now += 600  # the rolling window frees up
    await client.get_org()
    assert fake.refreshes == 11


async def test_refresh_connection_failure_is_typed(make_client: MakeClient) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = make_client(transport=httpx.MockTransport(refuse), retry_seconds=60)
    with pytest.raises(AccountsUnreachableError, match=r"cannot reach accounts\.zoho\.com") as info:
        await client.get_org()  # not retried: an unreachable host fails at once
    assert "check the network, the region and the URL variables" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert client.stats.refreshes == 0  # never counts against the refresh budget


async def test_token_never_sent_to_a_host_not_chosen(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    fake.api_domain = "https://evil.example"
    client = make_client()
    await client.get_org()
    assert {r.url.host for r in fake.requests} == {"www.zohoapis.com"}
    assert await client.api_base() == "https://www.zohoapis.com"


async def test_api_domain_of_another_dc_is_followed(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    fake.api_domain = "https://www.zohoapis.eu"
    client = make_client()
    await client.get_org()
    assert fake.requests[0].url.host == "www.zohoapis.eu"


async def test_override_wins_over_api_domain(fake: FakeZoho, make_client: MakeClient) -> None:
    fake.api_domain = "https://www.zohoapis.com"
    client = make_client(api_url="http://127.0.0.1:8765", api_url_overridden=True)
    await client.get_org()
    assert str(fake.requests[0].url) == "http://127.0.0.1:8765/crm/v8/org"


def _all_text(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), str(exc.args), repr(vars(exc))]
    if exc.__context__ is not None and not exc.__suppress_context__:
        parts.append(_all_text(exc.__context__))
    if exc.__cause__ is not None:
        parts.append(_all_text(exc.__cause__))
    return " ".join(parts)


async def _provoke(scenario: str, fake: FakeZoho, client: Any, clock: FakeClock) -> None:
    if scenario == "401":
        fake.route("GET", "/crm/v8/org")(lambda request: zoho_error(401, "INVALID_TOKEN"))
    elif scenario == "budget":
        fake.expires_in = 1
        for _ in range(10):
            clock.now += 2
            await client.get_org()
        clock.now += 2
    elif scenario == "dropped":

        def drop(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadError("connection reset", request=request)

        fake.route("GET", "/crm/v8/org")(drop)
    else:
        fake.token_body = lambda n: (200, {"error": scenario, "error_description": "x"})
    await client.get_org()


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("401", ZohoAuthenticationError),
        ("invalid_client", AuthError),
        ("invalid_code", AuthError),
        ("Access Denied", AuthError),
        ("budget", RefreshBudgetError),
        ("dropped", ZohoConnectionError),
    ],
)
async def test_secrets_never_in_errors_reprs_or_logs(
    fake: FakeZoho,
    make_client: MakeClient,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    scenario: str,
    expected: type[ZohoError],
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(retry_seconds=1)
    with pytest.raises(expected) as info:
        await _provoke(scenario, fake, client, clock)
    texts = [_all_text(info.value), repr(client), repr(client._auth), caplog.text]
    for text in texts:
        for secret in (CLIENT_SECRET, REFRESH_TOKEN, "1000.access"):
            assert secret not in text


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_accounts_outage_is_transient_and_retried(
    fake: FakeZoho, make_client: MakeClient, status: int
) -> None:
    def token_body(n: int) -> tuple[int, Any]:
        if n == 1:
            return status, {"code": "INTERNAL_ERROR", "details": {}, "message": "m"}
        fake.valid_tokens.add("t2")
        return 200, {"access_token": "t2", "expires_in": 3600}

    fake.token_body = token_body
    assert (await make_client().get_org()).name == "Acme A"
    assert fake.refreshes == 2


async def test_accounts_outage_with_html_is_not_an_auth_error(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    fake.token_body = lambda n: (502, None)
    with pytest.raises(ZohoError) as info:
        await make_client(retry_seconds=2).get_org()
    assert not isinstance(info.value, AuthError)
