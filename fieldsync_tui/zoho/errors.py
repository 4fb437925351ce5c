"""Typed errors of the Zoho layer (anthropic-SDK style).

    ZohoError
    ├── ConfigurationError          a region/URL/credential setting is unusable (before any call)
    ├── AuthError                   the accounts server refused a token (code, what to check)
    │   ├── RefreshBudgetError      10 refreshes per 10 minutes spent: the run stops
    │   └── AccountsUnreachableError  no connection to the accounts server (not retried)
    ├── CreditsExhaustedError       429 with X-API-CREDITS-REMAINING = 0, or 429s without the
    │                               header on every call in flight: the run stops
    ├── ZohoAPIError                an HTTP answer we cannot use (status, code, details, message)
    │   ├── ZohoAuthenticationError 401 that a refresh did not cure (WorkDrive F7003 too)
    │   │   └── ZohoScopeError      the token lacks a scope (never cured by a refresh)
    │   ├── ZohoPermissionError     403
    │   ├── ZohoNotFoundError       404
    │   ├── ZohoRateLimitError      429 still after the retry budget
    │   ├── ZohoServerError         5xx still after the retry budget
    │   ├── ZohoNoAccessError       WorkDrive R008: no access, or the item does not exist
    │   ├── ZohoNameClashError      WorkDrive 409: that name is taken in the folder
    │   ├── ZohoTooLargeError       413: the file is over the upload limit
    │   ├── ZohoLicenceError        WorkDrive 402: licence expired (the run stops)
    │   ├── ZohoStorageFullError    WorkDrive 507 / 509: storage full (the run stops)
    │   ├── ZohoMediaTypeError      WorkDrive 415: Accept / Content-Type refused
    │   └── DownloadNotAllowedError CRM: a link attachment has no file to download
    ├── ZohoConnectionError         the connection failed or dropped (after retries)
    │   ├── ZohoTimeoutError
    │   ├── IncompleteDownloadError fewer bytes than Size / Content-Length: never a file
    │   └── UploadMayHaveLandedError the upload was sent, its answer lost: never resent
    └── BatchMappingError           a batch answer could not be mapped to the records sent

Messages never contain secrets: they are built from Zoho's code/message and our own words.
"""

from __future__ import annotations

from typing import Any


class ZohoError(Exception):
    """Base of every error raised by :mod:`fieldsync_tui.zoho`."""

    title: str = "Zoho error"
    stops_run: bool = False
    """True when no later call can succeed either (licence, storage): the run stops."""
    write_may_have_landed: bool = False
    """True when a write failed in a way that may still have applied it (re-read to decide)."""

    def __init__(self, message: str, *, org: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.org = org

    def __str__(self) -> str:
        return f"Org {self.org}: {self.message}" if self.org else self.message


class ConfigurationError(ZohoError):
    title = "Configuration"


class AuthError(ZohoError):
    """The accounts server gave no access token."""

    title = "Authentication"

    def __init__(self, message: str, *, code: str | None = None, org: str | None = None) -> None:
        super().__init__(message, org=org)
        self.code = code


class RefreshBudgetError(AuthError):
    title = "Token refresh budget spent"


class AccountsUnreachableError(AuthError):
    """The accounts server could not be reached (DNS, refused, connect timeout): fails at
    once, and never counts against the refresh budget."""

    title = "Cannot reach the accounts server"


class CreditsExhaustedError(ZohoError):
    title = "Zoho API credits spent"


class ZohoAPIError(ZohoError):
    title = "Zoho API error"

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        org: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, org=org)
        self.status_code = status_code
        self.code = code
        self.details = details or {}
        self.retry_after = retry_after  # seconds from a Retry-After header, if any


class ZohoAuthenticationError(ZohoAPIError):
    title = "Zoho rejected the access token"


class ZohoPermissionError(ZohoAPIError):
    title = "Permission denied"


class ZohoNotFoundError(ZohoAPIError):
    title = "Not found"


class ZohoRateLimitError(ZohoAPIError):
    title = "Rate limited"


class ZohoServerError(ZohoAPIError):
    title = "Zoho server error"


class ZohoScopeError(ZohoAuthenticationError):
    title = "Missing OAuth scope"
    stops_run = True


class ZohoNoAccessError(ZohoAPIError):
    title = "No access, or not found"


class ZohoNameClashError(ZohoAPIError):
    title = "Name already taken"


class ZohoTooLargeError(ZohoAPIError):
    title = "File too large"


class ZohoLicenceError(ZohoAPIError):
    title = "Licence expired"
    stops_run = True


class ZohoStorageFullError(ZohoAPIError):
    title = "Storage full"
    stops_run = True


class ZohoMediaTypeError(ZohoAPIError):
    title = "Media type refused"


class DownloadNotAllowedError(ZohoAPIError):
    title = "Link attachment"


class ZohoConnectionError(ZohoError):
    title = "Cannot reach Zoho"

    def __init__(
        self, message: str, *, org: str | None = None, write_may_have_landed: bool = False
    ) -> None:
        super().__init__(message, org=org)
        self.write_may_have_landed = write_may_have_landed


class ZohoTimeoutError(ZohoConnectionError):
    title = "Zoho timed out"


class IncompleteDownloadError(ZohoConnectionError):
    title = "Download incomplete"


class UploadMayHaveLandedError(ZohoConnectionError):
    """The upload's body was sent and no usable answer came back: the file may be in the
    folder. The client never sends it again; the caller settles it (list the folder)."""

    title = "Upload may have landed"

    def __init__(self, message: str, *, org: str | None = None) -> None:
        super().__init__(message, org=org, write_may_have_landed=True)


class BatchMappingError(ZohoError):
    title = "Unmappable batch answer"
