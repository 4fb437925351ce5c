"""Zoho data centres, validation of URL overrides, and the ``api_domain`` rule (DESIGN §2).

Pure functions: each returns a normalised value or raises :class:`ConfigurationError` with a
message that names the variable to fix.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit

from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Region:
    """One Zoho data centre (ZOHO_API.md §1.2, §17; ZOHO_WORKDRIVE.md §4.3)."""

    code: str
    tld: str  # the zohoapis.<tld> suffix
    accounts_url: str
    api_url: str
    workdrive_confirmed: bool = True
    """False where no Zoho page lists WorkDrive for this centre (UK): ``check`` says so."""

    @property
    def workdrive_api_url(self) -> str:
        """WorkDrive's API base: ``https://www.zohoapis.<tld>/workdrive/api/v1``."""
        return f"{self.api_url}/workdrive/api/v1"


def _region(code: str, tld: str, accounts_host: str, *, workdrive: bool = True) -> Region:
    return Region(code, tld, f"https://{accounts_host}", f"https://www.zohoapis.{tld}", workdrive)


def workdrive_api_base(api_base: str) -> str:
    """WorkDrive's API base on the same host as a CRM API base (region default, the
    token's ``api_domain`` or an ``ORG_X_API_URL`` override): ``<base>/workdrive/api/v1``."""
    return api_base.rstrip("/") + "/workdrive/api/v1"


REGIONS: Final = MappingProxyType(
    {
        "com": _region("com", "com", "accounts.zoho.com"),
        "eu": _region("eu", "eu", "accounts.zoho.eu"),
        "in": _region("in", "in", "accounts.zoho.in"),
        "au": _region("au", "com.au", "accounts.zoho.com.au"),
        "jp": _region("jp", "jp", "accounts.zoho.jp"),
        "cn": _region("cn", "com.cn", "accounts.zoho.com.cn"),
        "ca": _region("ca", "ca", "accounts.zohocloud.ca"),
        "sa": _region("sa", "sa", "accounts.zoho.sa"),
        # UK: accounts.zoho.uk per Zoho's accounts multi-DC page; WorkDrive lists no UK centre
        # (UNCONFIRMED): www.zohoapis.uk is used and `fieldsync check` says so.
        "uk": _region("uk", "uk", "accounts.zoho.uk", workdrive=False),
        "ae": _region("ae", "ae", "accounts.zoho.ae"),
    }
)
"""Data centres by the code used in ``ZOHO_REGION`` / ``ORG_X_REGION``."""

_REGION_BY_TLD: Final = {r.tld: r for r in REGIONS.values()}
_API_DOMAIN_RE: Final = re.compile(
    r"https://(?:www|sandbox|developer)\.zohoapis\.(?P<tld>[a-z.]+)/?", re.ASCII
)
_HOST_RE: Final = re.compile(r"[a-z0-9.\-]+|\[[0-9a-f:.]+\]", re.ASCII)
_LOG: Final = logging.getLogger("fieldsync.zoho")


def get_region(code: str, variable: str = "ZOHO_REGION") -> Region:
    """The data centre named ``code`` (case-insensitive, surrounding blanks ignored)."""
    region = REGIONS.get(code.strip().lower())
    if region is None:
        known = " ".join(REGIONS)
        raise ConfigurationError(
            f"{variable}: unknown data centre {safe(code)!r}; use one of {known}"
        )
    return region


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``127.0.0.0/8`` or ``::1`` (brackets allowed)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(value: str, variable: str) -> str:
    """An override such as ``ORG_A_API_URL``: scheme + host (+ port) only, normalised.

    A trailing ``/`` is accepted and dropped; any path, query, fragment or user info is
    refused; ``http://`` is allowed only for loopback hosts, otherwise ``https://``.
    """
    raw = value.strip()
    if not raw:
        raise ConfigurationError(f"{variable}: empty; give scheme and host, e.g. https://host")
    if any(ch.isspace() or not ch.isprintable() for ch in raw):
        raise ConfigurationError(f"{variable}: contains blanks or control characters")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as err:
        raise ConfigurationError(f"{variable}: not a valid URL ({safe(err)})") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"{variable}: must start with https:// (or http:// for loopback)")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"{variable}: user info in the URL is not allowed")
    if parts.path not in ("", "/") or parts.query or parts.fragment or raw.endswith(("?", "#")):
        raise ConfigurationError(
            f"{variable}: scheme and host only (like https://www.zohoapis.com); "
            "no path — the client appends /oauth/v2/token and /crm/v8/…"
        )
    if not host or not _HOST_RE.fullmatch(host if ":" not in host else f"[{host}]"):
        raise ConfigurationError(f"{variable}: no valid host name")
    if scheme == "http" and not is_loopback_host(host):
        raise ConfigurationError(
            f"{variable}: http:// is only allowed for loopback hosts "
            "(localhost, 127.0.0.0/8, ::1); use https://"
        )
    shown_host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown_host}" + (f":{port}" if port is not None else "")


def known_api_domain(api_domain: str) -> Region | None:
    """The data centre of a token response's ``api_domain`` if it is a Zoho API host."""
    match = _API_DOMAIN_RE.fullmatch(api_domain.strip().lower())
    return _REGION_BY_TLD.get(match.group("tld")) if match else None


def resolve_api_base(
    *,
    api_domain: str | None,
    region: str,
    api_url: str,
    api_url_overridden: bool,
    logger: logging.Logger | None = None,
    label: str | None = None,
) -> str:
    """The API base to send tokens to, given a token response's ``api_domain``.

    * The operator's override (``api_url_overridden``) always wins.
    * Otherwise ``api_domain`` is used only if it is ``https://{www,sandbox,developer}.
      zohoapis.<tld>`` of a known data centre (another centre than ``region`` is logged as a
      warning); anything else falls back to ``api_url`` (the region's default).
    """
    log = logger or _LOG
    if api_url_overridden or not api_domain:
        return api_url.rstrip("/")
    found = known_api_domain(api_domain)
    who = f"Org {label}: " if label else ""
    if found is None:
        log.warning(
            "%stoken response named an unknown API host %r; using %s",
            who,
            safe(api_domain)[:200],
            api_url,
        )
        return api_url.rstrip("/")
    if found.code != region.strip().lower():
        log.warning(
            "%stoken response points to data centre %r, configured is %r; using %s",
            who,
            found.code,
            region,
            api_domain.strip().lower().rstrip("/"),
        )
    return api_domain.strip().lower().rstrip("/")
