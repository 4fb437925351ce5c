"""Turning HTTP answers and transport failures into the typed errors of ``errors.py``.

Zoho's request-wide error is a flat envelope ``{"code", "details", "message", "status"}``;
some APIs wrap it in ``{"data": [ … ]}`` and an old 429 shape uses ``error``/``error_info``;
WorkDrive (JSON:API) answers ``{"errors": [{"id", "title"}]}``.
Codes and messages are Zoho's (untrusted text, escaped); no header or body is ever quoted.
"""

from __future__ import annotations

from typing import Any, Final

import httpx

from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import (
    DownloadNotAllowedError,
    ZohoAPIError,
    ZohoAuthenticationError,
    ZohoConnectionError,
    ZohoLicenceError,
    ZohoMediaTypeError,
    ZohoNameClashError,
    ZohoNoAccessError,
    ZohoNotFoundError,
    ZohoPermissionError,
    ZohoRateLimitError,
    ZohoScopeError,
    ZohoServerError,
    ZohoStorageFullError,
    ZohoTimeoutError,
    ZohoTooLargeError,
)

_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class NotJson:
    """Marker for a body that is not JSON."""


NOT_JSON: Final = NotJson()
SCOPE_CODES: Final = frozenset({"OAUTH_SCOPE_MISMATCH", "F7004", "INVALID_OAUTHSCOPE", "U0104"})
"""A missing scope: permanent, a token refresh never cures it."""
INVALID_TOKEN_CODES: Final = frozenset({"F7003"})
"""WorkDrive's "Invalid OAuth token" (answered 401 or 500): refreshed once, then fatal."""
_BY_CODE: Final[dict[str, type[ZohoAPIError]]] = {
    "R008": ZohoNoAccessError,
    "DOWNLOAD_NOT_ALLOWED": DownloadNotAllowedError,
    **{code: ZohoScopeError for code in SCOPE_CODES},
    **{code: ZohoAuthenticationError for code in INVALID_TOKEN_CODES},
}
_BY_STATUS: Final[dict[int, type[ZohoAPIError]]] = {
    401: ZohoAuthenticationError,
    402: ZohoLicenceError,
    403: ZohoPermissionError,
    404: ZohoNotFoundError,
    409: ZohoNameClashError,
    413: ZohoTooLargeError,
    415: ZohoMediaTypeError,
    429: ZohoRateLimitError,
    507: ZohoStorageFullError,
    509: ZohoStorageFullError,
}


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
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        if isinstance(first, dict):  # WorkDrive: {"errors": [{"id", "title"}]}
            body = {"code": first.get("id"), "message": first.get("title", "")}
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


def error_class(status: int, code: str | None = None) -> type[ZohoAPIError]:
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ZohoServerError if status >= 500 else ZohoAPIError


_ADVICE: Final = {
    "R008": " — no access to this WorkDrive item, or it does not exist (WorkDrive says the same "
    "for both): check ORG_B_TEAM_FOLDER_ID and that Org B's API user is a member of the team "
    "folder",
    "DOWNLOAD_NOT_ALLOWED": " — a link attachment has no file to download",
    402: " — Org B's WorkDrive licence has expired or is suspended",
    409: " — a file of that name is already in the folder",
    413: " — the file is larger than the upload limit (WorkDrive: 250 MB)",
    415: " — WorkDrive refused the media type (Accept: application/vnd.api+json)",
    507: " — the WorkDrive org's storage is full",
    509: " — the WorkDrive storage is full",
}


def _advice(status: int, code: str | None) -> str:
    if code in SCOPE_CODES:
        return (
            " — the token lacks a scope: regenerate the grant with the scopes in the README "
            "(a refresh does not help)"
        )
    if code is not None and code in _ADVICE:
        return _ADVICE[code]
    if status in _ADVICE:
        return _ADVICE[status]
    if status == 401 or code in INVALID_TOKEN_CODES:
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
    return error_class(status, code)(
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
