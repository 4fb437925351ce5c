"""Projected calls and credits of a files run (DESIGN §9.2, §9.5), for a dry run's totals and
the apply modal. Pure arithmetic over the plan: no call is made to find out.

The apply, per batch of up to 100 records (ascending A id, a folder's records in one batch:
``batches.folder_batches``): one A re-read by ids, one listing
of each folder of the batch (offset paging, 50 a page, until a short page), one A field
write for the records whose URL / folder id change, per file to copy a download (CRM) and an
upload (WorkDrive), per record to tick one re-list of its attachments, and one A tick.

Credits are Org A's CRM credits (ZOHO_API.md §10.2): a read by ids 1, an update 1 per 10
records; the attachments list and the download are assumed at 1 credit each (ZOHO_WORKDRIVE.md
§3.2: UNCONFIRMED). WorkDrive calls cost no CRM credits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fieldsync_tui.core.normalize import id_key
from fieldsync_tui.files.batches import folder_batches
from fieldsync_tui.files.model import FileRow, FilesPlan
from fieldsync_tui.files.plan import load_targets
from fieldsync_tui.files.policy import Action, needs_field_write, needs_tick
from fieldsync_tui.zoho.costs import UPDATE_BATCH_MAX, update_credits

BATCH_SIZE = UPDATE_BATCH_MAX  # records per batch (§9.5): one A write carries at most 100
LISTING_PAGE = 50  # WorkDrive's offset page cap (ZOHO_WORKDRIVE.md §5.2)
READ_BY_IDS_CREDITS = 1
ATTACHMENT_LIST_CREDITS = 1  # UNCONFIRMED: assumed like any other read
DOWNLOAD_CREDITS = 1  # UNCONFIRMED: assumed like any other read


@dataclass(frozen=True, slots=True)
class Projection:
    """What an apply would cost and move. ``calls`` = ``crm_calls`` + ``workdrive_calls``."""

    records: int = 0  # records the apply touches (every action but skip)
    batches: int = 0
    field_writes: int = 0  # records whose URL / folder id are written
    ticks: int = 0  # records ticked
    files: int = 0  # files downloaded and uploaded
    bytes: int = 0
    crm_calls: int = 0
    workdrive_calls: int = 0
    credits: int = 0

    @property
    def calls(self) -> int:
        return self.crm_calls + self.workdrive_calls


def listing_calls(items: int) -> int:
    """Calls to list a folder of ``items`` entries: pages of 50 until a short page."""
    return items // LISTING_PAGE + 1


def project_apply(plan: FilesPlan, actions: Mapping[str, Action]) -> Projection:
    """The cost of applying ``actions`` (A id → action; missing = skip) to ``plan``.

    The folder re-listings are sized by what ``plan_files`` saw (``plan.listing_sizes``); a
    folder not listed at load counts one page.
    """
    touched = [r for r in plan.rows if actions.get(r.a.id, Action.SKIP) is not Action.SKIP]
    touched.sort(key=lambda r: id_key(r.a.id))
    totals = Projection()
    for batch in folder_batches(touched, lambda r: r.folder_id, BATCH_SIZE):
        totals = _add(totals, _batch(batch, actions, plan.listing_sizes))
    return totals


def _batch(
    batch: Sequence[FileRow], actions: Mapping[str, Action], listing_sizes: Mapping[str, int]
) -> Projection:
    writes = sum(1 for r in batch if needs_field_write(r))
    ticks = sum(1 for r in batch if needs_tick(r, actions[r.a.id]))
    copying = [f for r in batch if actions[r.a.id] is Action.APPLY for f in r.files_to_copy]
    folders = {r.folder_id for r in batch if r.folder_id is not None}
    listings = sum(listing_calls(listing_sizes.get(f, 0)) for f in folders)
    crm_calls = 1 + (writes > 0) + len(copying) + ticks + (ticks > 0)
    credits = (
        READ_BY_IDS_CREDITS
        + (update_credits(writes) if writes else 0)
        + DOWNLOAD_CREDITS * len(copying)
        + ATTACHMENT_LIST_CREDITS * ticks
        + (update_credits(ticks) if ticks else 0)
    )
    return Projection(
        records=len(batch),
        batches=1,
        field_writes=writes,
        ticks=ticks,
        files=len(copying),
        bytes=sum(f.attachment.bytes for f in copying),
        crm_calls=crm_calls,
        workdrive_calls=listings + len(copying),
        credits=credits,
    )


def _add(a: Projection, b: Projection) -> Projection:
    return Projection(
        records=a.records + b.records,
        batches=a.batches + b.batches,
        field_writes=a.field_writes + b.field_writes,
        ticks=a.ticks + b.ticks,
        files=a.files + b.files,
        bytes=a.bytes + b.bytes,
        crm_calls=a.crm_calls + b.crm_calls,
        workdrive_calls=a.workdrive_calls + b.workdrive_calls,
        credits=a.credits + b.credits,
    )


def project_load(plan: FilesPlan) -> Projection:
    """The cost of listing the attachments and folder contents ``plan_files`` needs (the
    console asks before loading more than 1,000 records' attachments): one attachments call
    per record (up to 200 attachments a page) and at least one listing call per folder."""
    a_ids, folders = load_targets(plan)
    return Projection(
        records=len(a_ids),
        crm_calls=len(a_ids),
        workdrive_calls=len(folders),
        credits=ATTACHMENT_LIST_CREDITS * len(a_ids),
    )
