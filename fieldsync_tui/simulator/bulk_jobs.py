"""Bulk Read jobs of both simulated orgs (the state behind ``bulk_api``)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from fieldsync_tui.simulator.clock import SimClock


@dataclass
class BulkJob:
    id: str
    org: str
    module: str
    fields: list[str]
    ids: list[str]  # this page's records, fixed at creation
    page: int
    per_page: int
    more_records: bool
    created: float
    polls: int = 0
    state: str = "ADDED"


@dataclass
class BulkJobs:
    """Every Bulk Read job of both orgs, and each org's recent downloads."""

    clock: SimClock
    jobs: dict[str, BulkJob] = field(default_factory=dict)
    downloads: dict[str, deque[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
