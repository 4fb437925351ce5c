"""What a handler receives (Ctx) and returns (Reply)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.datastructures import QueryParams

from fieldsync_tui.simulator.errors import ZohoFault, bad_request, invalid_module
from fieldsync_tui.simulator.store import ModuleStore

if TYPE_CHECKING:
    from fieldsync_tui.simulator.host import SimHost
    from fieldsync_tui.simulator.org import SimOrg


@dataclass
class Reply:
    status: int
    body: Any = None  # None = empty body
    credits: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    org: str | None = None  # set by the app once the caller is authenticated
    stream: AsyncIterator[bytes] | None = None  # a streamed body (headers give its length)


@dataclass
class Ctx:
    sim: SimHost
    org: SimOrg
    method: str
    path: str
    query: QueryParams
    body: bytes
    base_url: str
    groups: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def store(self, module: str) -> ModuleStore:
        """The module's store, or 400 INVALID_MODULE."""
        store = self.org.modules.get(module)
        if store is None:
            raise invalid_module(module)
        return store

    def json_body(self) -> Any:
        """The body parsed as JSON (no Content-Type needed, like Zoho); 400 if malformed."""
        try:
            return json.loads(self.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise bad_request(
                "INVALID_DATA", "body is not a valid JSON", {"reason": "malformed JSON"}
            ) from None

    def int_param(self, name: str, default: int, minimum: int = 1) -> int:
        raw = self.query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise ZohoFault(400, "INVALID_DATA", "invalid data", {"param_name": name})
        return value
