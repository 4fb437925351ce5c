"""What an entry point (the console, ``--auto``) asks a job for: one options type.

``RunOptions`` holds what every entry and every job shares (DESIGN §3: ``--dry-run``,
``--limit``, ``--record-id``, ``--allow-overwrite``, ``--on-duplicate``; the journal's mode
and command). An entry's own extras live in a subclass next to it (``auto.AutoOptions``:
``--report``, ``--fail-on-review``; ``app.ConsoleOptions``: the console's mode and command).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False
    """Plan and journal, write nothing (and take no lock)."""
    limit: int | None = None
    """Touch at most this many rows (after ``record_ids``)."""
    record_ids: tuple[str, ...] = ()
    """Only these Org A records."""
    allow_overwrite: bool = False
    """``--auto`` writes ``overwrite`` rows too (the console approves them one by one)."""
    on_duplicate: Literal["skip", "newest"] = "skip"
    """What ``--auto`` does with a name that matches several targets."""
    mode: Literal["auto", "console"] = "auto"
    """The journal's mode for runs of this entry."""
    command: str = "fieldsync --auto"
    """The command line as the journal and the lock holder record show it."""
