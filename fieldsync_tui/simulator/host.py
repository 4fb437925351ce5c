"""``SimHost``: what the request handlers use of the simulator (a protocol, no import of it).

``Simulator`` builds the ASGI app and the app's handlers reach back for its parts; typing
them against this protocol keeps the handlers from importing ``simulator.py`` (no cycle).
"""

from __future__ import annotations

from typing import Protocol

from fieldsync_tui.simulator.auth import Authority
from fieldsync_tui.simulator.bulk_jobs import BulkJobs
from fieldsync_tui.simulator.clock import SimClock
from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.faults import Faults
from fieldsync_tui.simulator.limits import ConcurrencyGate, CreditLedger
from fieldsync_tui.simulator.org import SimOrg
from fieldsync_tui.simulator.paging import PageTokens
from fieldsync_tui.simulator.stats import Stats
from fieldsync_tui.simulator.transfers import Transfers


class SimHost(Protocol):
    config: SimConfig
    clock: SimClock
    authority: Authority
    ledger: CreditLedger
    gate: ConcurrencyGate
    page_tokens: PageTokens
    stats: Stats
    faults: Faults
    transfers: Transfers
    bulk: BulkJobs  # issue 9: Bulk Read

    def org(self, label: str) -> SimOrg:
        """Org "A" or "B"."""
        ...
