"""File content made from a seed and a size: generated chunk by chunk, never kept in memory.

The same ``(seed, size)`` always gives the same bytes, so a test can compute the MD5 a
download must have without the simulator storing anything but two numbers.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

CHUNK: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class Content:
    """``size`` bytes derived from ``seed``."""

    seed: int
    size: int

    def chunks(self) -> Iterator[bytes]:
        """The bytes, :data:`CHUNK` at a time (the last one shorter)."""
        for index in range((self.size + CHUNK - 1) // CHUNK):
            yield self._block(index)

    def _block(self, index: int) -> bytes:
        length = min(CHUNK, self.size - index * CHUNK)
        return random.Random(self.seed * 1_000_003 + index).randbytes(length)

    def md5(self) -> str:
        """Hex MD5 of the whole content (computed in a stream)."""
        digest = hashlib.md5(usedforsecurity=False)
        for block in self.chunks():
            digest.update(block)
        return digest.hexdigest()

    def read(self) -> bytes:
        """The whole content (tests of small files only)."""
        return b"".join(self.chunks())
