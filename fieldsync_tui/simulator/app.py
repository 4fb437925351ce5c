"""The ASGI app: routing, authentication, faults, limits, credits and call statistics."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.datastructures import QueryParams

from fieldsync_tui.simulator import (
    accounts,
    attachments_api,
    bulk_api,
    query_api,
    read_api,
    write_api,
)
from fieldsync_tui.simulator.context import Ctx, Reply
from fieldsync_tui.simulator.errors import SimulatedDrop, ZohoFault, error_body, too_many
from fieldsync_tui.simulator.stats import CallRecord

if TYPE_CHECKING:
    from fieldsync_tui.simulator.host import SimHost

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[..., Reply]

JSON_TYPE = b"application/json;charset=UTF-8"
PREFIX = "Zoho-oauthtoken "


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    methods: dict[str, Handler]


ROUTES: tuple[Route, ...] = (
    Route(re.compile(r"/crm/v8/org"), {"GET": read_api.get_org}),
    Route(re.compile(r"/crm/v8/settings/fields"), {"GET": read_api.get_fields}),
    Route(re.compile(r"/crm/v8/coql"), {"POST": query_api.coql}),
    Route(re.compile(r"/crm/v8/settings/.*"), {}),
    Route(re.compile(r"/crm/v8/([A-Za-z0-9_]+)/search"), {"GET": query_api.search}),
    Route(
        re.compile(r"/crm/v8/([A-Za-z0-9_]+)/(\d+)"),
        {"GET": read_api.get_record, "PUT": write_api.update},
    ),
    Route(
        re.compile(r"/crm/v8/([A-Za-z0-9_]+)"),
        {"GET": read_api.list_records, "PUT": write_api.update},
    ),
)
# --- issue 8: record attachments (ZOHO_WORKDRIVE.md §1-§2) ---
ROUTES += (
    Route(
        re.compile(r"/crm/v8/([A-Za-z0-9_]+)/(\d+)/Attachments"),
        {"GET": attachments_api.list_attachments},
    ),
    Route(
        re.compile(r"/crm/v8/([A-Za-z0-9_]+)/(\d+)/Attachments/(\d+)"),
        {"GET": attachments_api.download_attachment},
    ),
)
# --- issue 9: Bulk Read (ZOHO_API.md §11) ---
ROUTES += (
    Route(re.compile(r"/crm/bulk/v8/read"), {"POST": bulk_api.create}),
    Route(re.compile(r"/crm/bulk/v8/read/(\d+)"), {"GET": bulk_api.details}),
    Route(re.compile(r"/crm/bulk/v8/read/(\d+)/result"), {"GET": bulk_api.result}),
)
NOT_FOUND = ZohoFault(
    404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one"
)
BAD_METHOD = ZohoFault(
    400, "INVALID_REQUEST_METHOD", "The http request method type is not a valid one"
)


class SimApp:
    """The simulator as one ASGI callable (accounts server and CRM API of both orgs)."""

    def __init__(self, sim: SimHost) -> None:
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        method, path = scope["method"], scope["path"]
        base_url = _base_url(scope)
        query = scope.get("query_string", b"").decode("latin-1")
        if path in ("/oauth/v2/token", "/oauth/v2/token/revoke"):
            await self._accounts(send, method, path, query, body, base_url)
            return
        await self._crm(send, _Request(method, path, query, body, base_url, scope))

    async def _accounts(
        self, send: Send, method: str, path: str, query: str, body: bytes, base_url: str
    ) -> None:
        params = accounts.token_params(query, body)
        org = self.sim.authority.org_of_client(params.get("client_id", ""))
        failure = self.sim.faults.take_failure(org, method, path)
        if failure is not None:
            reply = _failure_reply(failure)
        elif method != "POST":
            reply = Reply(self.sim.config.bad_method_status, BAD_METHOD.body())
        else:
            handler = accounts.revoke if path.endswith("revoke") else None
            if handler is not None:
                org, status, payload = handler(self.sim, params)
            else:
                org, status, payload = accounts.grant(self.sim, params, base_url)
            reply = Reply(status, payload)
        self._record(org, method, path, reply)
        await _respond(send, reply)

    async def _crm(self, send: Send, req: _Request) -> None:
        org = self._peek_org(req.scope)
        if org is not None:
            self.sim.faults.on_crm_call(org)
        failure = self.sim.faults.take_failure(org, req.method, req.path)
        drop = self.sim.faults.take_drop(org, req.method, req.path)
        if drop == "before":
            self._record(org, req.method, req.path, Reply(0))
            await _drop(send, after_apply=False)
        try:
            reply = await self._guarded(req, failure)
        except ZohoFault as fault:
            reply = Reply(fault.status, fault.body(), headers=dict(fault.headers))
        if reply.status >= 400:
            reply.credits = self._failed_call_credits(reply)
        if reply.org is not None:
            org = reply.org
        if org is not None and reply.status != 401:
            self.sim.ledger.charge(org, reply.credits)
            if self.sim.config.credits_header:
                reply.headers.update(self.sim.ledger.header(org))
            else:  # issue 9 switch: Zoho may never send the header
                reply.headers.pop("X-API-CREDITS-REMAINING", None)
        self._record(org, req.method, req.path, reply)
        if drop == "after":
            await _drop(send, after_apply=True)
        await _respond(send, reply)

    async def _guarded(self, req: _Request, failure: int | None) -> Reply:
        """Authenticate, apply limits, run the handler."""
        if failure is not None:
            reply = _failure_reply(failure)
            if failure == 429 and self.sim.faults.retry_after is not None:
                reply.headers["Retry-After"] = f"{self.sim.faults.retry_after:g}"
            return reply
        try:
            handler, groups = _route(req.method, req.path)
        except ZohoFault as fault:
            if fault is BAD_METHOD:
                fault = ZohoFault(self.sim.config.bad_method_status, fault.code, fault.message)
            raise fault from None
        org = self._authenticate(req.scope)
        sim = self.sim
        if sim.ledger.remaining(org) <= 0:
            raise too_many({"X-API-CREDITS-REMAINING": "0"})
        ctx = Ctx(
            sim,
            sim.org(org),
            req.method,
            req.path,
            QueryParams(req.query),
            req.body,
            req.base_url,
            groups,
            _headers(req.scope),
        )
        heavy = self._is_heavy(ctx, handler)
        if not sim.gate.enter(org, heavy):
            raise too_many()
        try:
            if sim.faults.latency_ms > 0:
                await asyncio.sleep(sim.faults.latency_ms / 1000)
            await sim.transfers.hold(req.path)
            reply = handler(ctx, *groups)
        except ZohoFault as fault:
            reply = Reply(fault.status, fault.body(), headers=dict(fault.headers))
        finally:
            sim.gate.leave(org, heavy)
        reply.org = org
        return reply

    def _is_heavy(self, ctx: Ctx, handler: Handler) -> bool:
        if handler is query_api.coql:
            return True
        if handler is write_api.update:
            try:
                return write_api.batch_size(json.loads(ctx.body or b"null")) > 10
            except ValueError:
                return False
        if handler is query_api.search:
            return self.sim.config.search_is_heavy
        if handler is not read_api.list_records:
            return False
        return "cvid" in ctx.query or (self.sim.config.sort_by_is_heavy and "sort_by" in ctx.query)

    def _failed_call_credits(self, reply: Reply) -> int:
        """Rejected calls are free unless ``charge_failed_calls`` (then like a success)."""
        if not self.sim.config.charge_failed_calls or reply.status in (401, 429):
            return 0
        return max(reply.credits, 1) if reply.status < 500 else 0

    def _peek_org(self, scope: Scope) -> str | None:
        token = _bearer(scope, self.sim.config.accept_bearer)
        info = self.sim.authority.access.get(token) if token else None
        return info.org if info else None

    def _authenticate(self, scope: Scope) -> str:
        token = _bearer(scope, self.sim.config.accept_bearer)
        if token is None:
            raise ZohoFault(401, "AUTHENTICATION_FAILURE", "Authentication failed")
        org = self.sim.authority.check(token)
        if org is None:
            raise ZohoFault(401, "INVALID_TOKEN", "invalid oauth token")
        return org

    def _record(self, org: str | None, method: str, path: str, reply: Reply) -> None:
        t = self.sim.clock.now()
        self.sim.stats.record(CallRecord(org, method, path, reply.status, reply.credits, t))


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: str
    body: bytes
    base_url: str
    scope: Scope


def _route(method: str, path: str) -> tuple[Handler, tuple[str, ...]]:
    for route in ROUTES:
        match = route.pattern.fullmatch(path)
        if match is None:
            continue
        if not route.methods:
            raise NOT_FOUND
        handler = route.methods.get(method)
        if handler is None:
            raise BAD_METHOD
        return handler, match.groups()
    raise NOT_FOUND


def _bearer(scope: Scope, accept_bearer: bool) -> str | None:
    """The access token of ``Authorization: Zoho-oauthtoken …`` (``Bearer …`` if switched on)."""
    prefixes = (PREFIX, "Bearer ") if accept_bearer else (PREFIX,)
    for key, value in scope.get("headers", []):
        if key.lower() == b"authorization":
            text: str = value.decode("latin-1")
            for prefix in prefixes:
                if text.startswith(prefix) and text[len(prefix) :].strip():
                    return text[len(prefix) :].strip()
            return None
    return None


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _failure_reply(status: int) -> Reply:
    if status == 429:
        return Reply(429, too_many().body())
    if status >= 500:
        return Reply(status, error_body("INTERNAL_ERROR", "Internal server error occurred."))
    if status == 403:  # ZOHO_API / ZOHO_WORKDRIVE §2.4: NO_PERMISSION
        return Reply(status, error_body("NO_PERMISSION", "permission denied"))
    return Reply(status, error_body("INVALID_DATA", "invalid data"))


def _base_url(scope: Scope) -> str:
    host = next(
        (v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), None
    )
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _respond(send: Send, reply: Reply) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in reply.headers.items()]
    if reply.stream is not None:  # headers carry its type and length
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        async for chunk in reply.stream:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    if reply.status in (204, 304) or reply.body is None:
        payload = b""  # 204/304: no body, no Content-Type, no Content-Length (RFC 9110)
    elif isinstance(reply.body, bytes):
        payload = reply.body  # a file (Bulk Read's ZIP): the handler set its Content-Type
    else:
        payload = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        headers.append((b"content-type", JSON_TYPE))
    if reply.status not in (204, 304):
        headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _drop(send: Send, after_apply: bool) -> None:
    """Start a response that promises a body, then fail: the connection is cut."""
    headers = [(b"content-type", JSON_TYPE), (b"content-length", b"4096")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    raise SimulatedDrop(after_apply)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
