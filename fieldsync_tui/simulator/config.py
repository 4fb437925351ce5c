"""Every switch of the simulator in one frozen dataclass (defaults: strict, Zoho-like)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from fieldsync_tui.simulator.files_config import FilesConfig

DEFAULT_START = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class SimConfig:
    """How the simulated Zoho behaves. UNCONFIRMED Zoho facts are switches here."""

    # --- module and field API names (DESIGN.md §2) ---
    module: str = "Contacts"
    name_field: str = "Full_Name"
    url_field: str = "WorkDrive_URL"
    folder_field: str = "WorkDrive_Folder_ID"
    checkbox_field: str = "Transfer_Complete"
    updated_from_field: str = "Record_Updated_From"
    updated_from_type: Literal["text", "picklist"] = "text"
    updated_from_options: tuple[str, ...] = ()
    url_length: int = 255
    folder_length_a: int = 255
    folder_length_b: int = 255
    updated_from_length: int = 255
    # --- time, randomness, speed ---
    seed: int = 0
    latency_ms: float = 0.0
    start_time: float = DEFAULT_START
    real_time: bool = True  # False: the clock moves only via clock.advance()
    # --- accounts server ---
    token_error_status: Literal[200, 400] = 200
    refresh_limit: int = 10  # access tokens per refresh token per rolling 10 minutes
    active_token_cap: int = 10  # active access tokens per refresh token; oldest dies
    token_lifetime: int = 3600
    accept_bearer: bool = False  # True: "Authorization: Bearer <token>" works like Zoho-oauthtoken
    # --- files job: CRM attachments and WorkDrive (their own dataclass) ---
    files: FilesConfig = field(default_factory=FilesConfig)
    # --- limits ---
    concurrency_cap: int = 10
    sub_concurrency_cap: int = 10
    sort_by_is_heavy: bool = True  # Get Records with sort_by counts against the sub-cap
    search_is_heavy: bool = False  # True: Search Records counts against the sub-cap too
    credits_per_day: int = 100_000
    charge_failed_calls: bool = False  # True: 4xx answers (not 401/429) cost credits too
    # --- Get Records ---
    per_page_over_max: Literal["error", "clamp"] = "error"
    ids_cap: int = 100  # alternative 50
    missing_record: Literal["error", "204"] = "error"  # GET /{module}/{id} of an unknown id
    bad_method_status: Literal[400, 405] = 400  # INVALID_REQUEST_METHOD (endpoint docs: 400)
    unknown_list_field_error: bool = False  # True: unknown name in fields= is 400 INVALID_DATA
    # --- Search ---
    search_equals_contains: bool = True
    search_case_insensitive: bool = True
    search_criteria_cap: int = 10  # alternative 15
    search_index_lag: float = 5.0  # seconds an API-written record stays invisible to Search
    # --- COQL ---
    coql_in_cap: int = 100  # v7+ (50 in v2-v6)
    coql_max_columns: int = 500  # v7+ (50 in v2-v6)
    coql_case_insensitive: bool = True
    coql_limit_comma: bool = False  # True: "LIMIT offset, count" is accepted
    # --- writes ---
    all_failed_status: Literal[400, 207] = 400
    picklist_strict: bool = True  # False: unknown picklist values are accepted (and added)
    read_only_write: Literal["error", "ignore"] = "error"  # error: per-record NOT_ALLOWED
    boolean_strings: bool = False  # True: "true"/"false" strings are accepted for booleans
    # --- issue 9: what no Zoho document confirms (one switch per doubt; default: accepted) ---
    coql_bare_boolean_refused: bool = False  # True: "Box = false" is INVALID_QUERY
    coql_quoted_boolean_refused: bool = False  # True: "Box = 'false'" is INVALID_QUERY
    coql_id_compare_refused: bool = False  # True: "id > N" (and <, <=, >=) is INVALID_QUERY
    coql_offset_refused: bool = False  # True: OFFSET is a SYNTAX_ERROR
    coql_reserved: tuple[str, ...] = ()  # field names that are a SYNTAX_ERROR unless quoted
    credits_header: bool = True  # False: X-API-CREDITS-REMAINING is never sent (429s too)
    ids_any_order: bool = False  # True: GET ?ids= answers in a shuffled order
    ids_silent_cap: int = 0  # > 0: GET ?ids= silently answers only this many of the ids
    bulk_polls_in_progress: int = 1  # job-details polls answered IN PROGRESS before COMPLETED
    bulk_page_size: int = 200_000  # records per Bulk Read job (page)
    bulk_downloads_per_minute: int = 10
