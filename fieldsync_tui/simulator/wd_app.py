"""WorkDrive over HTTP (``/workdrive/api/v1/…``), as strict as ZOHO_WORKDRIVE §4–§5 says.

415 without ``Accept: application/vnd.api+json``; 500 F000 without a token; F7003 (401 or 500,
a switch) for a dead one; 401 R008 for an id that is unknown or not this org's; listings of at
most 50 (over: refused or clamped), no ``meta``, newest first unless ``sort=name``; uploads read
as a stream (size + MD5 only), 413 over 250 MB, clashes by the switches; trash by PATCH.
Injected faults come from the shared ``Faults`` and ``Transfers`` objects.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, unquote

from fieldsync_tui.simulator.auth import Authority
from fieldsync_tui.simulator.errors import SimulatedDrop
from fieldsync_tui.simulator.faults import Faults
from fieldsync_tui.simulator.files_config import FilesConfig
from fieldsync_tui.simulator.multipart import (
    MultipartError,
    TooLarge,
    boundary_of,
    read_upload,
)
from fieldsync_tui.simulator.stats import CallRecord, Stats
from fieldsync_tui.simulator.transfers import Pacer, Transfers
from fieldsync_tui.simulator.wd_render import (
    API_TYPE,
    WdFault,
    bad_param,
    failure,
    no_access,
    upload_json,
)
from fieldsync_tui.simulator.wd_routes import WdCall, route
from fieldsync_tui.simulator.workdrive import Drive, NameClash

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX = "/workdrive/api/v1"
TOKEN_PREFIX = "Zoho-oauthtoken "
FORM_OVERHEAD = 64 * 1024


@dataclass
class WdReply:
    status: int
    body: Any = None
    headers: dict[str, str] | None = None


class WorkDriveApp:
    """The WorkDrive API of every org (each token sees its own org's drive)."""

    def __init__(
        self,
        *,
        config: FilesConfig,
        authority: Authority,
        faults: Faults,
        transfers: Transfers,
        drives: dict[str, Drive],
        stats: Stats,
        now: Callable[[], float],
    ) -> None:
        self.config = config
        self._authority = authority
        self._faults = faults
        self._transfers = transfers
        self._drives = drives
        self._stats = stats
        self._now = now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        token = _token(headers)
        org = self._authority.check(token) if token else None
        if org is not None:
            self._faults.on_crm_call(org)
        failed = self._faults.take_failure(org, method, path)
        drop = self._faults.take_drop(org, method, path)
        base = _base_url(scope, headers)
        now_ms = int(self._now() * 1000)
        call = WdCall(method, path[len(PREFIX) :], _query(scope), headers, base, now_ms=now_ms)
        try:
            if drop == "before":
                if method == "POST":
                    await _drain(receive)
                raise SimulatedDrop(after_apply=False)
            reply = await self._answer(call, token, failed, receive)
        except WdFault as fault:
            reply = WdReply(fault.status, fault.body(), dict(fault.headers))
        except SimulatedDrop:
            self._record(org, method, path, 0)
            await _drop(send)
            raise
        self._record(org, method, path, reply.status)
        if drop == "after":
            await _drop(send)
            raise SimulatedDrop(after_apply=True)
        await _respond(send, reply)

    async def _answer(
        self, call: WdCall, token: str | None, failed: int | None, receive: Receive
    ) -> WdReply:
        accept = call.headers.get("accept", "")
        if API_TYPE not in accept.lower():
            raise WdFault(415, "F6019", "Unsupported Media Type: Accept must be " + API_TYPE)
        if token is None:
            raise WdFault(500, "F000", "INVALID_TICKET")
        org = self._authority.check(token)
        if org is None:
            raise WdFault(self.config.invalid_token_status, "F7003", "Invalid OAuth token.")
        if failed is not None:
            wait = self._faults.retry_after
            raise failure(failed, round(wait) if wait is not None else self.config.retry_after)
        drive = self._drives[org]
        if self._faults.latency_ms > 0:
            await asyncio.sleep(self._faults.latency_ms / 1000)
        await self._transfers.hold(call.path)
        if call.method == "POST" and call.path == "/upload":
            return await self._upload(call, drive, receive)
        if call.method == "PATCH":
            call = replace(call, body=await _collect(receive))
        status, body = route(call, drive, self.config, self._now())
        return WdReply(status, body)

    async def _upload(self, call: WdCall, drive: Drive, receive: Receive) -> WdReply:
        cfg = self.config
        length = call.headers.get("content-length")
        if (
            length is not None
            and length.isdigit()
            and int(length) > cfg.upload_max_bytes + FORM_OVERHEAD
        ):
            raise WdFault(413, "F6010", "File size exceeds the limit of 250 MB")
        try:
            boundary = boundary_of(call.headers.get("content-type"))
            upload = await read_upload(
                _body(receive, Pacer(self._transfers.bandwidth)),
                boundary,
                "content",
                cfg.upload_max_bytes,
            )
        except TooLarge:
            raise WdFault(413, "F6010", "File size exceeds the limit of 250 MB") from None
        except MultipartError as err:
            raise bad_param(str(err)) from None
        fields = {**call.query, **upload.fields}
        for key in set(call.query) & set(upload.fields):
            if call.query[key] != upload.fields[key]:
                raise bad_param(f"{key} differs between the query and the form")
        if upload.file_field is None:
            raise WdFault(400, "F000", "Invalid input: content is missing")
        parent_id = fields.get("parent_id", "")
        raw_name = fields.get("filename") or upload.part_filename or ""
        try:
            name = raw_name if cfg.names_url_encoded else unquote(raw_name, errors="strict")
        except UnicodeDecodeError:
            raise bad_param("filename is not URL-encoded UTF-8") from None
        if not name.strip() or "/" in name:
            raise bad_param("filename")
        override = fields.get("override-name-exist", "false").lower() == "true"
        parent = drive.get(parent_id)
        if parent is None or not parent.is_folder or parent.status != 1:
            raise no_access()
        limit = cfg.org_storage_bytes
        if limit is not None and drive.used_bytes + upload.size > limit:
            raise WdFault(507, "F9007", "Organization storage is full")
        try:
            item = drive.store_upload(parent_id, name, upload.size, upload.md5, override)
        except NameClash:
            raise WdFault(409, "R009", "File with the same name already exists") from None
        return WdReply(200, upload_json(item))

    def _record(self, org: str | None, method: str, path: str, status: int) -> None:
        self._stats.record(CallRecord(org, method, path, status, 0, self._now()))


class FilesRouter:
    """Sends ``/workdrive/…`` to WorkDrive and everything else to the CRM app."""

    def __init__(self, workdrive: WorkDriveApp, crm: ASGI) -> None:
        self.workdrive = workdrive
        self.crm = crm

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX + "/"):
            await self.workdrive(scope, receive, send)
        else:
            await self.crm(scope, receive, send)


def _token(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    if value.startswith(TOKEN_PREFIX) and value[len(TOKEN_PREFIX) :].strip():
        return value[len(TOKEN_PREFIX) :].strip()
    return None


def _query(scope: Scope) -> dict[str, str]:
    raw = scope.get("query_string", b"").decode("latin-1")
    return dict(parse_qsl(raw, keep_blank_values=True))


def _base_url(scope: Scope, headers: dict[str, str]) -> str:
    host = headers.get("host") or "{}:{}".format(*(scope.get("server") or ("127.0.0.1", 80)))
    return f"{scope.get('scheme', 'http')}://{host}"


async def _body(receive: Receive, pacer: Pacer) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return
        chunk = message.get("body", b"")
        if chunk:
            await pacer.wait(len(chunk))
            yield chunk
        if not message.get("more_body", False):
            return


async def _collect(receive: Receive, limit: int = 64 * 1024) -> bytes:
    chunks: list[bytes] = []
    async for chunk in _body(receive, Pacer(None)):
        chunks.append(chunk)
        if sum(map(len, chunks)) > limit:
            raise bad_param("body too large")
    return b"".join(chunks)


async def _drain(receive: Receive) -> None:
    async for _ in _body(receive, Pacer(None)):
        pass


async def _respond(send: Send, reply: WdReply) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in (reply.headers or {}).items()]
    payload = b"" if reply.body is None else json.dumps(reply.body, ensure_ascii=False).encode()
    if reply.body is not None:
        headers.append((b"content-type", API_TYPE.encode() + b";charset=UTF-8"))
    if reply.status != 204:
        headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _drop(send: Send) -> None:
    """Promise a body, then fail: the client sees the connection cut."""
    headers = [(b"content-type", API_TYPE.encode()), (b"content-length", b"4096")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
