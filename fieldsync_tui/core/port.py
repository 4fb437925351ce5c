"""What a job hands the console besides its session: its rules and its apply preview.

The console is one implementation for every job (DESIGN §1, §7, §9.6): it reads the job's
domain rules from here instead of keeping copies — which classes ``A`` bulk-approves, which
rows a resumed run re-applies, why ``y`` refuses a row — and the job's own table columns,
detail sections, progress unit and pause granularity. Plain frozen values: no textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol

from fieldsync_tui.core.model import CLASS_ORDER, Decision, MatchKind, Outcome


class ConsoleRecord(Protocol):
    """What the console reads of a row's Org A record (either job's ``ARecord``)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def folder_id(self) -> str | None: ...


class ConsoleRow(Protocol):
    """What the console reads of a planned row of any job (``PlannedRow``, ``FileRow``):
    classes and outcomes are the job's own enums, read by value."""

    @property
    def a(self) -> ConsoleRecord: ...
    @property
    def norm_name(self) -> str: ...
    @property
    def klass(self) -> StrEnum: ...
    @property
    def reason(self) -> str: ...
    @property
    def match(self) -> MatchKind | None: ...
    @property
    def selected(self) -> bool: ...
    @property
    def decision(self) -> Decision: ...
    @property
    def outcome(self) -> StrEnum | None: ...
    @property
    def operator_decision(self) -> StrEnum | None: ...
    @property
    def code(self) -> str | None: ...
    @property
    def message(self) -> str: ...


class RunResult(Protocol):
    """What the console reads of a finished run's summary (either job's)."""

    @property
    def run_id(self) -> str: ...
    @property
    def stopped_reason(self) -> str | None: ...


class ConsolePlan(Protocol):
    """A job's loaded plan as the console reads it."""

    @property
    def rows(self) -> Sequence[ConsoleRow]: ...


@dataclass(frozen=True)
class Column:
    """One column of the job's review table: a row attribute key and its title."""

    key: str
    title: str


@dataclass(frozen=True)
class JobRules:
    job: str
    """The job's name (``fields``, ``files``), as the journal and ``history`` show it."""
    bulk_classes: frozenset[StrEnum]
    """Classes ``A`` approves in bulk."""
    resumable: frozenset[StrEnum]
    """Classes a resumed unfinished run approves again."""
    approve_refusal: Callable[[Any], str | None]
    """Why ``y`` cannot approve a row (the job's own row type), or None when it can."""
    class_keys: tuple[StrEnum, ...] = CLASS_ORDER
    """Key ``n`` filters on ``class_keys[n - 1]``."""
    columns: tuple[Column, ...] = ()
    """The job's own table columns, after id and name."""
    detail_sections: tuple[str, ...] = ()
    """The sections of the job's detail pane, in order."""
    progress_unit: str = "rows"
    """What progress counts (``rows``; the files job: ``files``, with MB)."""
    row_noun: str = "rows"
    """What the job calls a row in sentences (the files job: ``records``)."""
    moves_bytes: bool = False
    """Progress also counts bytes (``Progress.bytes_done``): the files job."""
    pause_between: Literal["batches", "items"] = "batches"
    """Where ``p`` takes effect: between batches, or between items (files)."""
    outcomes: tuple[StrEnum, ...] = tuple(Outcome)
    """The job's outcomes, for the ``f`` cycle (failed first)."""
    retry_outcomes: frozenset[str] = frozenset({Outcome.FAILED.value})
    """Outcomes ``R`` retries (the files job: failed and partial)."""
    class_help: tuple[tuple[StrEnum, str, str], ...] = ()
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
