"""Switches of the files side of the simulator: CRM attachments (Org A) and WorkDrive (Org B).

Every UNCONFIRMED or CONFLICT item of ``ZOHO_WORKDRIVE.md`` is one switch here; the defaults
are the strictest reading (what the docs say, or the answer that is harder for a client).
Kept apart from ``SimConfig``'s CRM switches so both can grow without touching each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MB = 1024 * 1024


@dataclass(frozen=True)
class FilesConfig:
    """How simulated attachments and WorkDrive behave (see ``ZOHO_WORKDRIVE.md``)."""

    # --- names the simulator's .env announces (DESIGN §9.1) ---
    files_checkbox_field: str = "Files_Transferred"  # Org A boolean
    team_folder_name: str = "Clients"
    # --- CRM attachments (ZOHO_WORKDRIVE §1, §2) ---
    attachments_none: Literal["204", "200"] = "204"  # §1.8 CONFLICT: 204 vs 200 data: []
    content_disposition: Literal["quoted", "rfc5987", "both"] = "rfc5987"  # §2.2 UNCONFIRMED
    attachments_per_page_max: int = 200
    # --- WorkDrive (ZOHO_WORKDRIVE §4, §5) ---
    clash_mode: Literal["409", "suffix", "version"] = "409"  # §5.8 CONFLICT
    clash_case_insensitive: bool = True  # §5.8 UNCONFIRMED
    invalid_token_status: Literal[401, 500] = 401  # F7003 (§4.5, answered either way)
    is_folder: Literal["right", "missing", "wrong"] = "wrong"  # §5.3 CONFLICT
    root_listing: Literal["ok", "refused"] = "ok"  # §5.2 team-folder root /files/{tf}/files
    names_url_encoded: bool = False  # True: the upload's `filename` is stored undecoded
    page_limit_over_max: Literal["error", "clamp"] = "error"  # §5.2: 50 is the maximum
    page_limit_max: int = 50
    upload_max_bytes: int = 250 * MB  # §5.6
    search_index_lag: float = 45.0  # §5.5: new items appear in search after ~30-60 s
    org_storage_bytes: int | None = None  # None: unlimited; else 507 when an upload exceeds it
    retry_after: int = 1  # seconds in the Retry-After of an injected 429
    trashed_in_listing: bool = True  # listings also return trashed items (status 51)
    size_hidden_for_s: float = 0.0  # §5.7 (third-party): a new upload's size reads 0 this long
