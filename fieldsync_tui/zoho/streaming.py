"""A streamed answer through an org's :class:`ZohoClient` plumbing (a file download).

The same OAuth, concurrency slots, retry policy, typed errors and counters as every other
call (``ZohoClient._call``); only the body is left for the caller to read as it arrives.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from fieldsync_tui.zoho.client import ZohoClient


@asynccontextmanager
async def open_stream(
    client: ZohoClient, method: str, path: str, *, credits: int = 1, **send: Any
) -> AsyncIterator[httpx.Response]:
    """A 2xx answer whose body the caller reads as it arrives.

    Opening it goes through the retry policy like any read; an error answer is raised typed.
    The concurrency slot is held until the block ends. A failure while reading the body is
    the caller's (never retried here: the caller's sink already has the first bytes)."""
    attempts = 0

    async def attempt() -> httpx.Response:
        nonlocal attempts
        attempts += 1
        client.stats.retries += attempts > 1
        base = await client.api_base()
        await client._semaphore.acquire()
        try:
            client.stats.calls += 1
            request = client._http.build_request(method, base + path, **send)
            try:
                response = await client._http.send(request, stream=True)
            except httpx.HTTPError as err:
                raise client._failed(err, method, path, write=False) from None
            client._log.debug(
                "Org %s: %s %s -> %d", client.label, method, path, response.status_code
            )
            if not 200 <= response.status_code < 300:
                try:
                    await response.aread()
                finally:
                    await response.aclose()
                client._check(response, write=False)  # raises the typed error
            client.stats.credits += credits
            return response
        except BaseException:
            client._semaphore.release()
            raise

    response = await client._retry.run(attempt)
    client.stats.refreshes = client._auth.refreshes
    try:
        yield response
    finally:
        await response.aclose()
        client._semaphore.release()
