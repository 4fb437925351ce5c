"""In-process httpx transport that streams both ways (uploads and downloads never sit whole
in memory) and turns injected drops into the httpx errors a real socket would give."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from fieldsync_tui.simulator.errors import SimulatedDrop

Message = MutableMapping[str, Any]
App = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[Message]],
        Callable[[Message], Awaitable[None]],
    ],
    Awaitable[None],
]
_END = object()


def _error(exc: BaseException, request: httpx.Request) -> Exception:
    if isinstance(exc, SimulatedDrop):
        if exc.after_apply:
            return httpx.ReadError(
                "simulated: connection reset after the request was applied", request=request
            )
        return httpx.RemoteProtocolError(
            "simulated: server disconnected without sending a response", request=request
        )
    return exc if isinstance(exc, Exception) else RuntimeError(repr(exc))


class _Body(httpx.AsyncByteStream):
    def __init__(
        self, queue: asyncio.Queue[Any], task: asyncio.Task[None], request: httpx.Request
    ) -> None:
        self._queue = queue
        self._task = task
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise _error(item, self._request)
            if item.get("type") != "http.response.body":
                continue
            chunk = item.get("body", b"")
            if chunk:
                yield chunk
            if not item.get("more_body", False):
                return

    async def aclose(self) -> None:
        if not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


class SimTransport(httpx.AsyncBaseTransport):
    """Runs the ASGI app per request; the response body is read as the app sends it."""

    def __init__(self, app: App) -> None:
        self._app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for (k, v) in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port),
            "client": ("127.0.0.1", 123),
            "root_path": "",
        }
        body = request.stream.__aiter__()
        finished = asyncio.Event()
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=4)
        request_done = False

        async def receive() -> Message:
            nonlocal request_done
            if request_done:
                await finished.wait()
                return {"type": "http.disconnect"}
            try:
                chunk = await body.__anext__()
            except StopAsyncIteration:
                request_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": chunk, "more_body": True}

        async def send(message: Message) -> None:
            await queue.put(message)

        async def run() -> None:
            try:
                await self._app(scope, receive, send)
            except Exception as exc:
                await queue.put(exc)
            else:
                await queue.put(_END)
            finally:
                finished.set()

        task = asyncio.create_task(run())
        first = await queue.get()
        if isinstance(first, BaseException):
            await task
            raise _error(first, request)
        if first is _END or first.get("type") != "http.response.start":
            await task
            raise httpx.RemoteProtocolError("the app sent no response", request=request)
        return httpx.Response(
            first["status"],
            headers=first.get("headers", []),
            stream=_Body(queue, task, request),
            request=request,
        )

    async def aclose(self) -> None:
        return None
