"""A wrapper that keeps secrets out of reprs, f-strings, logs and exception messages."""

from __future__ import annotations

from typing import Final

_MASK: Final = "***"


class Secret:
    """Holds a secret string; only :meth:`reveal` gives it back.

    ``str()``, ``repr()`` and formatting all show ``***`` so a secret that slips into a log
    line, a report or an exception message stays hidden.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself — pass it only to the wire."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __repr__(self) -> str:
        return f"Secret({_MASK})"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, spec: str) -> str:
        return _MASK
