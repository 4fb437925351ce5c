"""Accounts server: ``POST /oauth/v2/token`` (refresh grant) and ``/oauth/v2/token/revoke``."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from fieldsync_tui.simulator.auth import TokenGrantError

if TYPE_CHECKING:
    from fieldsync_tui.simulator.host import SimHost

SCOPE = (
    "ZohoCRM.modules.ALL ZohoCRM.settings.fields.READ ZohoCRM.coql.READ ZohoCRM.org.READ "
    "ZohoCRM.bulk.READ"
)


def token_params(query: str, body: bytes) -> dict[str, str]:
    """Parameters from the query string and a form body (the body wins)."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    with contextlib.suppress(UnicodeDecodeError):
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params


def grant(
    sim: SimHost, params: dict[str, str], base_url: str
) -> tuple[str | None, int, dict[str, Any]]:
    """(org label or None, HTTP status, body) of a token request."""
    label = sim.authority.org_of_client(params.get("client_id", ""))
    try:
        label, token = sim.authority.grant(params)
    except TokenGrantError as err:
        return label, sim.config.token_error_status, err.body
    sim.stats.grants[label] += 1
    body = {
        "access_token": token,
        "scope": SCOPE,
        "api_domain": base_url,
        "token_type": "Bearer",
        "expires_in": sim.config.token_lifetime,
    }
    return label, 200, body


def revoke(sim: SimHost, params: dict[str, str]) -> tuple[str | None, int, dict[str, Any]]:
    token = params.get("token", "")
    state = sim.authority.refresh.get(token)
    info = sim.authority.access.get(token)
    label = state.org if state else info.org if info else None
    if not sim.authority.revoke(token):
        return None, sim.config.token_error_status, {"error": "invalid_token"}
    return label, 200, {"status": "success"}
