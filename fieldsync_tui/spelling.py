"""Unknown variable names in a ``.env`` or the environment, with a guess at what was meant."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from fieldsync_tui.text import safe

OUR_PREFIXES = ("ORG_A_", "ORG_B_", "ZOHO_", "CRM_", "FIELDSYNC_")


def looks_like_ours(name: str) -> bool:
    return name.startswith(OUR_PREFIXES)


def did_you_mean(name: str, known: Collection[str]) -> str | None:
    """The known name ``name`` is probably a misspelling of, if any."""
    close = difflib.get_close_matches(name.upper(), sorted(known), n=1, cutoff=0.8)
    return close[0] if close else None


def unknown_variable(name: str, known: Collection[str]) -> str:
    guess = did_you_mean(name, known)
    hint = f": did you mean {guess}?" if guess else ""
    return f"unknown variable {safe(name)} ignored{hint}"


def unknown_names(names: Iterable[str], known: Collection[str], near_only: bool) -> list[str]:
    """A warning per name that looks like ours but is not known; ``near_only`` (the process
    environment, full of other programs' variables) keeps only near misses of ours."""
    return [
        unknown_variable(name, known)
        for name in sorted(names)
        if name not in known
        and looks_like_ours(name)
        and (not near_only or did_you_mean(name, known))
    ]
