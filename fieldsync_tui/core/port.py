"""What a job hands the console besides its session: its rules and its apply preview.

The console is one implementation for every job (DESIGN §1, §7, §9.6): it reads the job's
domain rules from here instead of keeping copies — which classes ``A`` bulk-approves, which
rows a resumed run re-applies, why ``y`` refuses a row — and the job's own table columns,
detail sections, progress unit and pause granularity. Plain frozen values: no textual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from fieldsync_tui.core.model import CLASS_ORDER, PlannedRow, RowClass


@dataclass(frozen=True)
class Column:
    """One column of the job's review table: a row attribute key and its title."""

    key: str
    title: str


@dataclass(frozen=True)
class JobRules:
    job: str
    """The job's name (``fields``, ``files``), as the journal and ``history`` show it."""
    bulk_classes: frozenset[RowClass]
    """Classes ``A`` approves in bulk."""
    resumable: frozenset[RowClass]
    """Classes a resumed unfinished run approves again."""
    approve_refusal: Callable[[PlannedRow], str | None]
    """Why ``y`` cannot approve a row (and what to do instead), or None when it can."""
    class_keys: tuple[RowClass, ...] = CLASS_ORDER
    """Key ``n`` filters on ``class_keys[n - 1]``."""
    columns: tuple[Column, ...] = ()
    """The job's own table columns, after id and name."""
    detail_sections: tuple[str, ...] = ()
    """The sections of the job's detail pane, in order."""
    progress_unit: str = "rows"
    """What progress counts (``rows``; the files job: ``records``)."""
    moves_bytes: bool = False
    """Progress also counts bytes (``Progress.bytes_done``): the files job."""
    pause_between: Literal["batches", "items"] = "batches"
    """Where ``p`` takes effect: between batches, or between items (files)."""
    class_help: tuple[tuple[RowClass, str, str], ...] = ()
    """Per class, in key order: what it means and what the operator does (the ``?`` screen)."""
    review_steps: tuple[str, ...] = ()
    """The review step by step, as the ``?`` screen tells it."""


@dataclass(frozen=True)
class Preview:
    """What ``x`` will do, for the confirm modal: the job's own lines (label, value), and what
    every job has (items, projected credits, dry run, bytes when the job moves files)."""

    items: int
    projected_credits: int
    dry_run: bool
    lines: tuple[tuple[str, str], ...]
    bytes: int | None = None
