"""Zoho's error envelope: ``{"code", "details", "message", "status": "error"}``."""

from __future__ import annotations

from typing import Any


class ZohoFault(Exception):
    """Raised inside a handler; the app turns it into a flat JSON error response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


class QueryError(Exception):
    """A COQL query or search criteria Zoho would refuse (``code``, ``message``, ``details``)."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details or {}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


def bad_request(code: str, message: str, details: dict[str, Any] | None = None) -> ZohoFault:
    return ZohoFault(400, code, message, details)


def invalid_module(module: str) -> ZohoFault:
    return bad_request(
        "INVALID_MODULE",
        "the module name given seems to be invalid",
        {"resource_path_index": 0},
    )


def param_missing(name: str) -> ZohoFault:
    return bad_request(
        "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {"param_name": name}
    )


TOO_MANY_MESSAGE = (
    "Number of API requests for the 24 hour period is exceeded or the concurrency limit of "
    "the user for the app is exceeded"
)


def too_many(headers: dict[str, str] | None = None) -> ZohoFault:
    return ZohoFault(429, "TOO_MANY_REQUESTS", TOO_MANY_MESSAGE, {}, headers)


class SimulatedDrop(Exception):
    """The connection drops: the transport turns this into an httpx transport error."""

    def __init__(self, after_apply: bool) -> None:
        super().__init__("simulated connection drop")
        self.after_apply = after_apply
