"""One Zoho client per org, built from settings — the same way for --auto, the console,
the subcommands and the benchmarks."""

from __future__ import annotations

import logging

import httpx

from fieldsync_tui.config import OrgSettings, Settings
from fieldsync_tui.logs import register_secret
from fieldsync_tui.zoho.client import ZohoClient


def build_client(
    org: OrgSettings, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> ZohoClient:
    """The client of one org; every access token it gets joins the log redaction at once."""
    return ZohoClient(
        label=org.label,
        client_id=org.client_id,
        client_secret=org.client_secret,
        refresh_token=org.refresh_token,
        accounts_url=org.accounts_url,
        api_url=org.api_url,
        api_url_overridden=org.api_url_overridden,
        region=org.region,
        max_concurrency=settings.max_concurrency,
        retry_seconds=settings.retry_seconds,
        transport=transport,
        logger=logging.getLogger("fieldsync.zoho"),
        on_token=register_secret,
    )


def build_clients(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[ZohoClient, ZohoClient]:
    """Org A's and Org B's clients."""
    return build_client(settings.org_a, settings, transport), build_client(
        settings.org_b, settings, transport
    )
