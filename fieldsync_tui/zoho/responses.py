"""Turning HTTP answers and transport failures into the typed errors of ``errors.py``.

Zoho's request-wide error is a flat envelope ``{"code", "details", "message", "status"}``;
some APIs wrap it in ``{"data": [ … ]}`` and an old 429 shape uses ``error``/``error_info``.
Codes and messages are Zoho's (untrusted text, escaped); no header or body is ever quoted.
"""

from __future__ import annotations

from typing import Any, Final

import httpx

from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import (
    ZohoAPIError,
    ZohoAuthenticationError,
    ZohoConnectionError,
    ZohoNotFoundError,
    ZohoPermissionError,
    ZohoRateLimitError,
    ZohoServerError,
    ZohoTimeoutError,
)

_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class NotJson:
    """Marker for a body that is not JSON."""


NOT_JSON: Final = NotJson()


def parse_json(response: httpx.Response) -> Any:
    """The JSON body, or :data:`NOT_JSON` (an HTML login page from a wrong host, say)."""
    try:
        return response.json()
    except ValueError:
        return NOT_JSON


def envelope(body: Any) -> tuple[str | None, str, dict[str, Any]]:
    """``(code, message, details)`` of a request-wide error body, however it is shaped."""
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        first = body["data"][0]
        if isinstance(first, dict) and "code" in first:
            body = first
    if not isinstance(body, dict):
        return None, "", {}
    code = body.get("code")
    if not isinstance(code, str):
        code = body.get("error") if isinstance(body.get("error"), str) else None
    message = body.get("message", body.get("error_info", ""))
    details = body.get("details")
    return (
        safe(code)[:100] if code else None,
        safe(message)[:300],
        details if isinstance(details, dict) else {},
    )


def error_class(status: int) -> type[ZohoAPIError]:
    if status == 401:
        return ZohoAuthenticationError
    if status == 403:
        return ZohoPermissionError
    if status == 404:
        return ZohoNotFoundError
    if status == 429:
        return ZohoRateLimitError
    if status >= 500:
        return ZohoServerError
    return ZohoAPIError


def _advice(status: int, code: str | None) -> str:
    if status == 401:
        if code == "OAUTH_SCOPE_MISMATCH":
            return " — the token lacks a scope: regenerate the grant with the scopes in the README"
        return " — the access token was refused even after a refresh"
    if status == 403:
        return " — the API user lacks permission for this module or field"
    return ""


def error_from_response(
    response: httpx.Response,
    *,
    org: str | None,
    retry_after: float | None = None,
    body: Any = None,
) -> ZohoAPIError:
    """The typed error for an answer we cannot use (status, Zoho code, details kept)."""
    status = response.status_code
    if body is None:
        body = parse_json(response)
    if body is NOT_JSON and status not in (204, 304):
        return not_json_error(response, org=org, retry_after=retry_after)
    code, message, details = envelope(body)
    text = f"{code or 'HTTP error'} (HTTP {status})"
    if message:
        text += f": {message}"
    text += _advice(status, code)
    return error_class(status)(
        text,
        status_code=status,
        code=code,
        details=details,
        org=org,
        retry_after=retry_after,
    )


def not_json_error(
    response: httpx.Response, *, org: str | None, retry_after: float | None = None
) -> ZohoAPIError:
    """A non-JSON answer: usually a wrong API host (``crm.zoho.*``) or region."""
    kind = safe(response.headers.get("content-type", "no content type"))[:60]
    label = org or "X"
    return error_class(response.status_code)(
        f"HTTP {response.status_code} answered with {kind}, not Zoho's JSON: the API URL or "
        f"region looks wrong — check ORG_{label}_API_URL and ZOHO_REGION / ORG_{label}_REGION "
        "(the API host is https://www.zohoapis.<domain>)",
        status_code=response.status_code,
        code=None,
        org=org,
        retry_after=retry_after,
    )


def transport_error(
    err: httpx.HTTPError, *, org: str | None, method: str, path: str, write: bool
) -> ZohoConnectionError:
    """A failed exchange as :class:`ZohoTimeoutError` / :class:`ZohoConnectionError`.

    ``write_may_have_landed`` is set for writes unless the connection never opened.
    """
    landed = write and not isinstance(err, _NOT_SENT)
    name = type(err).__name__
    cls = ZohoTimeoutError if isinstance(err, httpx.TimeoutException) else ZohoConnectionError
    what = "timed out" if cls is ZohoTimeoutError else "failed"
    suffix = " (the write may have been applied)" if landed else ""
    return cls(
        f"{method} {path} {what} ({name}){suffix}",
        org=org,
        write_may_have_landed=landed,
    )
