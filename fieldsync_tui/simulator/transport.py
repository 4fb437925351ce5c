"""In-process httpx transport: the ASGI app, with injected drops as httpx transport errors."""

from __future__ import annotations

import httpx

from fieldsync_tui.simulator.errors import SimulatedDrop


class SimTransport(httpx.AsyncBaseTransport):
    """Wraps ``httpx.ASGITransport``; a simulated drop becomes a real httpx error."""

    def __init__(self, app: httpx._transports.asgi._ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except SimulatedDrop as drop:
            if drop.after_apply:
                raise httpx.ReadError(
                    "simulated: connection reset after the request was applied", request=request
                ) from None
            raise httpx.RemoteProtocolError(
                "simulated: server disconnected without sending a response", request=request
            ) from None

    async def aclose(self) -> None:
        await self._inner.aclose()
