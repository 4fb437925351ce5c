"""The files job's batches and file gates (DESIGN §9.5), built so that two batches can run
at once and both orgs stay busy within ``ZOHO_MAX_CONCURRENCY``.

A batch re-lists its folders once and plans names in them from that listing and its own
uploads, so every selected record of one folder goes into the same batch: two batches in
flight never plan names in one folder. A folder whose records do not fit in one batch spans
consecutive batches; ``FolderLocks`` keeps those from running at the same time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import TypeVar

_T = TypeVar("_T")

FILE_LEGS = 2
"""A file's two legs, on two orgs: the download (Org A) and the upload (Org B)."""
PARALLEL_BATCHES = 2
"""Batches in flight at once: one re-reads, ticks or waits for its slowest file while the
other keeps the file slots busy (the files themselves share one gate for the run)."""


def folder_batches(
    items: Sequence[_T], folder_of: Callable[[_T], str | None], size: int
) -> list[list[_T]]:
    """``items`` in batches of at most ``size``, each folder's items together (in order of
    first appearance); a folder's group that does not fit in the current batch starts the
    next one, and one larger than ``size`` fills whole batches of its own. Items without a
    folder fill the batches like one-item groups."""
    if size < 1:
        raise ValueError("a batch holds at least one record")
    groups: dict[object, list[_T]] = {}
    for n, item in enumerate(items):
        folder = folder_of(item)
        groups.setdefault(folder if folder is not None else ("none", n), []).append(item)
    batches: list[list[_T]] = []
    current: list[_T] = []
    for group in groups.values():
        if len(current) + len(group) > size and current:
            batches.append(current)
            current = []
        while len(group) > size:
            batches.append(group[:size])
            group = group[size:]
        current.extend(group)
    if current:
        batches.append(current)
    return batches


class FileGates:
    """The files in flight across every batch of a run (and so the temporary files on disk):
    ``FILE_LEGS`` × the concurrency admitted, at most the concurrency of them downloading. A
    download holds one of Org A's slots, an upload one of Org B's: each org's client caps its
    own calls at ``ZOHO_MAX_CONCURRENCY``, and both orgs are kept busy."""

    def __init__(self, concurrency: int) -> None:
        self.files = asyncio.Semaphore(FILE_LEGS * max(1, concurrency))
        self.downloads = asyncio.Semaphore(max(1, concurrency))


class FolderLocks:
    """One lock per folder: a batch holds its folders' locks while it runs."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def holding(self, folder_ids: Iterable[str | None]) -> AsyncIterator[None]:
        """Hold every lock of ``folder_ids`` (taken in sorted order: no deadlock)."""
        wanted = sorted({f for f in folder_ids if f is not None})
        held: list[asyncio.Lock] = []
        try:
            for folder_id in wanted:
                lock = self._locks.setdefault(folder_id, asyncio.Lock())
                await lock.acquire()
                held.append(lock)
            yield
        finally:
            for lock in reversed(held):
                lock.release()
