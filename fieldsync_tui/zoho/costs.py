"""Zoho API credit costs (ZOHO_API.md §10.2) and the per-client call counter."""

from __future__ import annotations

import math
from dataclasses import dataclass

UPDATE_BATCH_MAX = 100


def coql_credits(limit: int) -> int:
    """COQL: 1 credit for LIMIT ≤ 200, 2 for ≤ 1000, 3 for ≤ 2000."""
    if limit <= 200:
        return 1
    return 2 if limit <= 1000 else 3


def update_credits(records: int) -> int:
    """One update call: 1 credit per 10 records (ceil)."""
    return max(1, math.ceil(records / 10)) if records > 0 else 0


def estimate_update_credits(n: int) -> int:
    """Credits to update ``n`` records in batches of ≤ 100 (for the confirm modal)."""
    if n <= 0:
        return 0
    full, rest = divmod(n, UPDATE_BATCH_MAX)
    return full * update_credits(UPDATE_BATCH_MAX) + update_credits(rest)


@dataclass
class ClientStats:
    """What one client has spent so far (benchmarks, confirm modal, reports)."""

    calls: int = 0
    """HTTP requests sent to the CRM API, retries included (token refreshes excluded)."""
    credits: int = 0
    """Credits of the calls Zoho answered successfully, by the §10.2 table."""
    retries: int = 0
    """Attempts that were repeats of an earlier one."""
    refreshes: int = 0
    """Access-token refreshes."""
