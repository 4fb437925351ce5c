"""Which classified records this files run may touch: ``--record-id`` then ``--limit``
(DESIGN §4, §9.2).

Classification (``match.match_records``) has run over every pending record; ``select`` marks
the chosen ones, gives the others the outcome ``not_selected`` and files requested ids that
are not pending under ``report_only``. Only selected records have their attachments listed.
Which ids are chosen is the core's rule (``core.selection.choose``), shared with the field
sync; only the rows and the "already done" checkbox differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fieldsync_tui.core.model import ReportStatus
from fieldsync_tui.core.normalize import normalise_name
from fieldsync_tui.core.selection import choose, requested_ids
from fieldsync_tui.files.model import ARecord, FileOutcome, FilesPlan

_NO_RECORDS: Mapping[str, ARecord] = {}


def select(
    plan: FilesPlan,
    *,
    record_ids: Sequence[str] = (),
    limit: int | None = None,
    known_a: Mapping[str, ARecord] = _NO_RECORDS,
    include_ticked: bool = False,
) -> FilesPlan:
    """Mark ``plan.rows`` in place with this run's selection and return ``plan``.

    ``record_ids`` (stripped, repeated ids once) keeps only those pending records; then
    ``limit`` keeps the first N of what is left by ascending A id. A requested id that is not
    pending is reported ``already_done`` when ``known_a`` holds it with its files checkbox
    ticked (never with ``--include-ticked``), ``no_name`` when its normalised name is empty,
    otherwise ``not_found``.
    """
    wanted = requested_ids(record_ids)
    chosen = choose((r.a.id for r in plan.rows), wanted, limit)
    for row in plan.rows:
        row.selected = row.a.id in chosen
        if row.selected:
            row.outcome = None if row.outcome is FileOutcome.NOT_SELECTED else row.outcome
        else:
            row.outcome = FileOutcome.NOT_SELECTED
    pending = {r.a.id for r in plan.rows}
    for a_id in wanted:
        if a_id not in pending:
            known = known_a.get(a_id)
            plan.report_only[a_id] = report_status(known, include_ticked)
            plan.report_names[a_id] = known.name if known is not None else None
    return plan


def report_status(a: ARecord | None, include_ticked: bool = False) -> ReportStatus:
    """Why a requested Org A record is not a pending record of this job."""
    if a is None:
        return ReportStatus.NOT_FOUND
    if a.files_checkbox and not include_ticked:
        return ReportStatus.ALREADY_DONE
    if not normalise_name(a.name):
        return ReportStatus.NO_NAME
    return ReportStatus.NOT_FOUND
