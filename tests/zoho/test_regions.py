"""Data centres, override validation and the api_domain rule (DESIGN §2)."""

from __future__ import annotations

import logging

import pytest

from fieldsync_tui.zoho.errors import ConfigurationError
from fieldsync_tui.zoho.regions import (
    REGIONS,
    get_region,
    is_loopback_host,
    known_api_domain,
    resolve_api_base,
    validate_base_url,
)


def test_every_documented_data_centre() -> None:
    assert set(REGIONS) == {"com", "eu", "in", "au", "jp", "cn", "ca", "sa", "uk", "ae"}
    assert REGIONS["uk"].accounts_url == "https://accounts.zoho.uk"
    assert REGIONS["uk"].api_url == "https://www.zohoapis.uk"
    assert REGIONS["ae"].accounts_url == "https://accounts.zoho.ae"
    assert REGIONS["ae"].workdrive_api_url == "https://www.zohoapis.ae/workdrive/api/v1"
    assert not REGIONS["uk"].workdrive_confirmed and REGIONS["ae"].workdrive_confirmed
    assert known_api_domain("https://www.zohoapis.uk") is REGIONS["uk"]
    assert REGIONS["ca"].accounts_url == "https://accounts.zohocloud.ca"
    assert REGIONS["ca"].api_url == "https://www.zohoapis.ca"
    assert REGIONS["au"].accounts_url == "https://accounts.zoho.com.au"
    assert REGIONS["au"].api_url == "https://www.zohoapis.com.au"
    assert REGIONS["cn"].api_url == "https://www.zohoapis.com.cn"
    assert REGIONS["com"].accounts_url == "https://accounts.zoho.com"


def test_region_lookup_and_error_names_variable() -> None:
    assert get_region(" EU ").code == "eu"
    with pytest.raises(ConfigurationError, match="ORG_B_REGION") as info:
        get_region("us", "ORG_B_REGION")
    assert "com eu in au jp cn ca sa" in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("http://127.9.8.7", "http://127.9.8.7"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("HTTP://LocalHost:9000/", "http://localhost:9000"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://www.zohoapis.eu", "https://www.zohoapis.eu"),
        ("https://proxy.example.com:8443/", "https://proxy.example.com:8443"),
        ("  https://sandbox.zohoapis.com  ", "https://sandbox.zohoapis.com"),
    ],
)
def test_valid_overrides_are_normalised(value: str, expected: str) -> None:
    assert validate_base_url(value, "ORG_A_API_URL") == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("http://www.zohoapis.com", "loopback"),
        ("http://127.0.0.1.evil.com", "loopback"),
        ("http://localhost.evil.com", "loopback"),
        ("http://10.0.0.1:8765", "loopback"),
        ("https://www.zohoapis.com/crm/v8", "no path"),
        ("http://127.0.0.1:8765/oauth/v2/token", "no path"),
        ("https://www.zohoapis.com/?x=1", "no path"),
        ("https://www.zohoapis.com#frag", "no path"),
        ("https://user:pw@www.zohoapis.com", "user info"),
        ("ftp://www.zohoapis.com", "https://"),
        ("www.zohoapis.com", "https://"),
        ("", "empty"),
        ("https://", "https://"),
        ("https://www.zoho apis.com", "blanks"),
        ("https://host:99999", "valid URL"),
    ],
)
def test_invalid_overrides_name_the_variable(value: str, reason: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        validate_base_url(value, "ORG_B_ACCOUNTS_URL")
    message = str(info.value)
    assert message.startswith("ORG_B_ACCOUNTS_URL")
    assert reason in message
    if "pw" in value:
        assert "pw" not in message


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.255.0.3", True),
        ("::1", True),
        ("[::1]", True),
        ("128.0.0.1", False),
        ("example.com", False),
        ("0.0.0.0", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def _resolve(
    api_domain: str | None,
    *,
    region: str = "com",
    overridden: bool = False,
    api_url: str = "https://www.zohoapis.com",
) -> str:
    return resolve_api_base(
        api_domain=api_domain, region=region, api_url=api_url, api_url_overridden=overridden
    )


@pytest.mark.parametrize(
    ("api_domain", "expected"),
    [
        ("https://www.zohoapis.com", "https://www.zohoapis.com"),
        ("https://sandbox.zohoapis.com", "https://sandbox.zohoapis.com"),
        ("https://developer.zohoapis.com/", "https://developer.zohoapis.com"),
        ("https://www.zohoapis.com.evil.net", "https://www.zohoapis.com"),
        ("https://evil.example/", "https://www.zohoapis.com"),
        ("http://www.zohoapis.com", "https://www.zohoapis.com"),
        ("https://www.zohoapis.com:8443", "https://www.zohoapis.com"),
        ("https://www.zohoapis.com/crm", "https://www.zohoapis.com"),
        ("https://crm.zoho.com", "https://www.zohoapis.com"),
        ("https://www.zohoapis.xx", "https://www.zohoapis.com"),
        ("http://127.0.0.1:8765", "https://www.zohoapis.com"),
        (None, "https://www.zohoapis.com"),
        ("", "https://www.zohoapis.com"),
    ],
)
def test_api_domain_used_only_when_a_known_zoho_host(api_domain: str | None, expected: str) -> None:
    assert _resolve(api_domain) == expected


def test_other_data_centre_is_used_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fieldsync.zoho"):
        assert _resolve("https://www.zohoapis.eu") == "https://www.zohoapis.eu"
    assert "'eu'" in caplog.text and "'com'" in caplog.text


def test_same_data_centre_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="fieldsync.zoho"):
        assert _resolve("https://www.zohoapis.com.au", region="au") == "https://www.zohoapis.com.au"
    assert caplog.text == ""


def test_override_always_wins() -> None:
    override = "http://127.0.0.1:8765"
    for domain in ("https://www.zohoapis.com", "https://www.zohoapis.eu", "https://evil.example"):
        assert _resolve(domain, overridden=True, api_url=override) == override
