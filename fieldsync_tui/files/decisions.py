"""Operator decisions of the files job and what they are bound to (DESIGN §9.3, §5).

A decision is honoured by later runs, ``--auto`` included, until the record's plan changes.
Three fingerprints say what "the plan" is for each kind of decision:

* a **folder pick** (duplicate pick, near-name match) is bound to the record's normalised
  name and the folder ids with that name. A's own URL and folder id are left out on purpose:
  this job writes them, so a pick must survive its own first (perhaps ``partial``) run;
* a **record skip** is bound to that plus A's trimmed URL and folder id;
* a **file skip** is bound to the attachment: its id, ``File_Name`` and size.

``APPROVE`` belongs to the session that made it: it is not carried across loads, it only
cancels an earlier skip (as ``COPY_FILE`` cancels an earlier file skip).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fieldsync_tui.files.model import Attachment, FilesDecision, FilesDecisionKind

_VERSION = "files-v1"


def _digest(*parts: object) -> str:
    payload = repr((_VERSION, *parts))  # repr quotes: unambiguous
    return "f1:" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def match_fingerprint(norm_name: str, candidates: Sequence[str]) -> str:
    """What a folder pick is bound to: the normalised name and its folder candidates."""
    return _digest("match", norm_name, tuple(sorted(candidates)))


def plan_fingerprint(
    norm_name: str, candidates: Sequence[str], url: str | None, folder_id: str | None
) -> str:
    """What a record skip is bound to: the match plus A's trimmed URL and folder id."""
    return _digest("plan", norm_name, tuple(sorted(candidates)), url, folder_id)


def file_fingerprint(attachment: Attachment) -> str:
    """What a file skip is bound to: the attachment's id, name and size."""
    return _digest("file", attachment.id, attachment.file_name, attachment.size)


@dataclass(slots=True)
class RecordDecisions:
    """The journalled decisions of one record, sorted by kind (newest of each wins)."""

    pick: FilesDecision | None = None  # PICK_DUPLICATE or MANUAL_MATCH
    skip: FilesDecision | None = None
    file_skips: dict[str, FilesDecision] = field(default_factory=dict)  # by attachment id

    def honoured_pick(self, fingerprint: str) -> FilesDecision | None:
        p = self.pick
        return p if p is not None and p.fingerprint == fingerprint and p.folder_id else None

    def honoured_skip(self, fingerprint: str) -> bool:
        return self.skip is not None and self.skip.fingerprint == fingerprint

    def skips_file(self, attachment: Attachment) -> bool:
        d = self.file_skips.get(attachment.id)
        return d is not None and d.fingerprint == file_fingerprint(attachment)


NO_DECISIONS = RecordDecisions()


def group_decisions(decisions: Iterable[FilesDecision]) -> dict[str, RecordDecisions]:
    """A id → its decisions, given oldest first. A later decision replaces an earlier one of
    its kind; a folder pick of either kind replaces the other; an approval cancels an earlier
    record skip (and is not kept); ``COPY_FILE`` cancels an earlier skip of that file."""
    out: dict[str, RecordDecisions] = {}
    for d in decisions:
        mine = out.setdefault(d.a_id, RecordDecisions())
        if d.kind in (FilesDecisionKind.PICK_DUPLICATE, FilesDecisionKind.MANUAL_MATCH):
            mine.pick = d
        elif d.kind is FilesDecisionKind.SKIP:
            mine.skip = d
        elif d.kind is FilesDecisionKind.APPROVE:
            mine.skip = None
        elif d.attachment_id is None:
            continue
        elif d.kind is FilesDecisionKind.SKIP_FILE:
            mine.file_skips[d.attachment_id] = d
        else:
            mine.file_skips.pop(d.attachment_id, None)
    return out
