"""Classify pending Org A rows against the Org B index (DESIGN.md §4, §5).

Precedence: ``invalid`` → ``unmatched``/``duplicate`` → ``conflict`` →
``in_sync``/``ready``/``overwrite``. Only the copied fields (URL, folder id) decide a class.
Classification always runs over every pending row; selection (``--record-id``/``--limit``)
comes afterwards (see ``selection.select``), so it can never split a conflict.

Operator decisions honoured here (journalled, §5): ``SKIP``, ``PICK_DUPLICATE``,
``MANUAL_MATCH`` and ``CONFLICT_WINNER``, each only while its fingerprint equals the row's
``plan_fingerprint``. ``APPROVE`` is not carried across loads (approvals belong to the
session that made them) and is ignored here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from fieldsync_tui.core.bindex import BIndex
from fieldsync_tui.core.model import (
    ARecord,
    BRecord,
    Decision,
    DecisionKind,
    DiffKind,
    FieldDiff,
    FieldMap,
    MatchKind,
    OperatorDecision,
    Plan,
    PlannedRow,
    RowClass,
)
from fieldsync_tui.core.normalize import clean_value, id_key, normalise_name, url_problem

URL_LABEL = "WorkDrive URL"
FOLDER_LABEL = "WorkDrive folder id"
WRITING_CLASSES = frozenset({RowClass.READY, RowClass.OVERWRITE})
_HONOURED = frozenset(
    {
        DecisionKind.SKIP,
        DecisionKind.PICK_DUPLICATE,
        DecisionKind.MANUAL_MATCH,
        DecisionKind.CONFLICT_WINNER,
    }
)


@dataclass(frozen=True)
class ClassifyOptions:
    url_max_len: int | None = None  # B's URL field length (field metadata); None = unchecked
    folder_max_len: int | None = None  # B's folder id field length; None = unchecked
    on_duplicate: Literal["skip", "newest"] = "skip"


_PLAIN_WEB_URL = re.compile(r"https?://[a-z0-9.-]+(?:[/?#].*)?", re.IGNORECASE | re.DOTALL)
"""A URL ``url_problem`` accepts for sure: http(s), then a plain ASCII host, then /, ? or #."""

DEFAULT_OPTIONS = ClassifyOptions()
_EMPTY_DECISIONS: Mapping[str, OperatorDecision] = {}


@dataclass(slots=True)
class _Work:
    """A row being classified: the row plus what later stages need."""

    row: PlannedRow
    values: tuple[str | None, str | None]  # A's trimmed URL and folder id
    decision: OperatorDecision | None
    target: BRecord | None = None


def is_pending(a: ARecord) -> bool:
    """DESIGN §4: checkbox false and a non-empty normalised name."""
    return not a.checkbox and bool(normalise_name(a.name))


def plan_fingerprint(row: PlannedRow) -> str:
    """What a journalled decision is bound to: A's trimmed URL and folder id, the B
    candidates of its name and the target they imply (the only candidate, else none).

    Independent of operator decisions and of ``--on-duplicate``, so a decision made in the
    console is recognised by a later ``--auto`` run; it changes when A's values change or a
    B record with that name appears or disappears. B's values are left out on purpose: a
    row whose B write landed but whose tick failed (``partial``) keeps its decision and is
    finished as ``in_sync`` by the next run.
    """
    if row.fingerprint:
        return row.fingerprint
    return _fingerprint(clean_value(row.a.url), clean_value(row.a.folder_id), row.b_candidates)


def _fingerprint(url: str | None, folder: str | None, candidates: Sequence[str]) -> str:
    ordered = tuple(sorted(candidates, key=id_key)) if len(candidates) > 1 else tuple(candidates)
    target = ordered[0] if len(ordered) == 1 else None
    payload = repr(("v1", url, folder, target, ordered))  # repr quotes: unambiguous
    return "v1:" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def classify(
    pending: Sequence[ARecord],
    b_index: BIndex,
    fields: FieldMap,
    options: ClassifyOptions = DEFAULT_OPTIONS,
    decisions: Mapping[str, OperatorDecision] = _EMPTY_DECISIONS,
) -> Plan:
    """Classify every pending row (records that are not pending, see ``is_pending``, and
    repeated ids are left out). ``Plan.rows`` is sorted by ascending A id (numeric)."""
    unique = {a.id: a for a in pending if not a.checkbox}
    work: list[_Work] = []
    for a_id in sorted(unique, key=id_key):
        norm = normalise_name(unique[a_id].name)
        if norm:
            work.append(_start(unique[a_id], norm, b_index, options, decisions))
    _mark_conflicts([w for w in work if w.target is not None], fields)
    for w in work:
        if w.target is not None:
            _compare(w, fields)
        _apply_skip(w)
    return Plan(rows=[w.row for w in work], b_records=dict(b_index.by_id))


def _start(
    a: ARecord,
    norm: str,
    b_index: BIndex,
    options: ClassifyOptions,
    decisions: Mapping[str, OperatorDecision],
) -> _Work:
    candidates = b_index.candidates(norm)
    cand_ids = tuple(b.id for b in candidates)
    values = (clean_value(a.url), clean_value(a.folder_id))
    fingerprint = _fingerprint(*values, cand_ids)
    row = PlannedRow(
        a=a,
        norm_name=norm,
        klass=RowClass.INVALID,
        reason="",
        b_candidates=cand_ids,
        fingerprint=fingerprint,
    )
    w = _Work(row, values, _honoured(decisions.get(a.id), a.id, fingerprint))
    problem = _invalid_reason(values, options)
    if problem:
        row.reason = problem
    elif not candidates:
        _resolve_unmatched(w, b_index)
    elif len(candidates) == 1:
        _set_target(w, candidates[0], "")
    else:
        _resolve_duplicate(w, candidates, options)
    return w


def _honoured(d: OperatorDecision | None, a_id: str, fingerprint: str) -> OperatorDecision | None:
    if d is None or d.a_id != a_id or d.kind not in _HONOURED or d.fingerprint != fingerprint:
        return None
    return d


def _invalid_reason(values: tuple[str | None, str | None], options: ClassifyOptions) -> str:
    url, folder = values
    problems: list[str] = []
    if url is None:
        problems.append("URL is empty")
    else:
        if not _PLAIN_WEB_URL.fullmatch(url):  # the common case skips urlsplit
            problems.append(url_problem(url) or "")
        if options.url_max_len is not None and len(url) > options.url_max_len:
            problems.append(f"URL is {len(url)} characters; B allows {options.url_max_len}")
    if folder is None:
        problems.append("folder id is empty")
    elif options.folder_max_len is not None and len(folder) > options.folder_max_len:
        problems.append(f"folder id is {len(folder)} characters; B allows {options.folder_max_len}")
    return "; ".join(p for p in problems if p)


def _resolve_unmatched(w: _Work, b_index: BIndex) -> None:
    d = w.decision
    target = b_index.get(d.target_b_id) if d and d.target_b_id else None
    if d is not None and d.kind is DecisionKind.MANUAL_MATCH and target is not None:
        _set_target(w, target, f"matched by hand to B {target.id}")
        w.row.match = MatchKind.MANUAL
        return
    w.row.klass = RowClass.UNMATCHED
    w.row.reason = f"no B record named '{short(w.row.norm_name)}'"


def _resolve_duplicate(w: _Work, candidates: list[BRecord], options: ClassifyOptions) -> None:
    d = w.decision
    count = len(candidates)
    wanted = d.target_b_id if d and d.kind is DecisionKind.PICK_DUPLICATE else None
    picked = next((b for b in candidates if b.id == wanted), None)
    if picked is not None:
        _set_target(w, picked, f"operator picked B {picked.id} of {count} named alike")
        return
    if options.on_duplicate == "newest":
        newest = max(candidates, key=_newest_key)
        _set_target(w, newest, f"newest of {count} B records named alike")
        return
    exact = any(b.name == w.row.a.name for b in candidates)
    w.row.klass = RowClass.DUPLICATE
    w.row.match = MatchKind.EXACT if exact else MatchKind.NORMALISED
    w.row.reason = f"{count} B records named '{short(w.row.norm_name)}'" + (
        " (one matches exactly)" if exact else ""
    )


def _newest_key(b: BRecord) -> tuple[int, float, tuple[int, int, str]]:
    """Latest ``Modified_Time`` first; missing/unreadable times lose; ties: highest id."""
    stamp = parse_time(b.modified_time)
    return (0, 0.0, id_key(b.id)) if stamp is None else (1, stamp, id_key(b.id))


def parse_time(value: str | None) -> float | None:
    """Zoho's ISO 8601 time (with offset) as a POSIX timestamp; naive times count as UTC."""
    text = clean_value(value)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _set_target(w: _Work, target: BRecord, note: str) -> None:
    w.target = target
    w.row.b_id = target.id
    w.row.match = MatchKind.EXACT if target.name == w.row.a.name else MatchKind.NORMALISED
    w.row.reason = note  # completed by _compare; a conflict replaces it
    if w.decision and w.decision.kind in (DecisionKind.PICK_DUPLICATE, DecisionKind.MANUAL_MATCH):
        w.row.operator_decision = w.decision.kind


def _mark_conflicts(resolved: list[_Work], fields: FieldMap) -> None:
    """Rows resolving to one B record with different values are all ``conflict`` — unless one
    of them is the journalled winner: rows with its values go on, the others are skipped."""
    groups: dict[str, list[_Work]] = {}
    for w in resolved:
        assert w.target is not None
        groups.setdefault(w.target.id, []).append(w)
    for b_id, group in groups.items():
        if len(group) > 1 and len({w.values for w in group}) > 1:
            _settle_conflict(b_id, group, fields)


def _settle_conflict(b_id: str, group: list[_Work], fields: FieldMap) -> None:
    winners = [w for w in group if _wins(w.decision, b_id)]
    winning = {w.values for w in winners}
    win_values = next(iter(winning)) if len(winning) == 1 else None
    for w in winners if win_values is not None else ():
        w.row.operator_decision = DecisionKind.CONFLICT_WINNER
        w.row.reason = "won its B record by operator decision"
    winner_ids = ", ".join(w.row.a.id for w in winners)
    for w in group:
        w.row.conflict_with = tuple(o.row.a.id for o in group if o is not w)
        if win_values is not None and w.values == win_values:
            continue
        w.row.klass = RowClass.CONFLICT
        _compare_diffs(w, fields)
        others = len(group) - 1
        rows_verb = "rows resolve" if others > 1 else "row resolves"
        w.row.reason = f"{others} other pending {rows_verb} to B {b_id} with different values"
        if win_values is not None:
            w.row.decision = Decision.SKIPPED
            w.row.reason = f"A {winner_ids} won B {b_id} by operator decision"
        w.target = None  # settled: not compared again


def _wins(d: OperatorDecision | None, b_id: str) -> bool:
    """A winner decision counts for the B record it was made for (or any, if it names none)."""
    if d is None or d.kind is not DecisionKind.CONFLICT_WINNER:
        return False
    return d.target_b_id is None or d.target_b_id == b_id


def _compare(w: _Work, fields: FieldMap) -> None:
    """Class and reason of a row with exactly one target B record."""
    _compare_diffs(w, fields)
    kinds = [d.kind for d in w.row.diffs]
    labels = [URL_LABEL, FOLDER_LABEL]
    if DiffKind.OVERWRITE in kinds:
        w.row.klass = RowClass.OVERWRITE
        changed = [lab for lab, k in zip(labels, kinds, strict=True) if k is DiffKind.OVERWRITE]
        text = f"B has a different {' and '.join(changed)}"
    elif DiffKind.FILL in kinds:
        w.row.klass = RowClass.READY
        filled = [lab for lab, k in zip(labels, kinds, strict=True) if k is DiffKind.FILL]
        text = f"fills B's empty {' and '.join(filled)}"
    else:
        w.row.klass = RowClass.IN_SYNC
        text = "B already holds these values"
    note = w.row.reason
    w.row.reason = f"{text} ({note})" if note else text


def _compare_diffs(w: _Work, fields: FieldMap) -> None:
    target = w.target
    if target is None:
        return
    names = (fields.url, fields.folder_id)
    olds = (target.url, target.folder_id)
    w.row.diffs = tuple(
        FieldDiff(name, old, new, _diff_kind(old, new))
        for name, old, new in zip(names, olds, w.values, strict=True)
    )


def _diff_kind(old: str | None, new: str | None) -> DiffKind:
    before = clean_value(old)
    if before is None:
        return DiffKind.FILL
    return DiffKind.SAME if before == new else DiffKind.OVERWRITE


def _apply_skip(w: _Work) -> None:
    if w.decision and w.decision.kind is DecisionKind.SKIP:
        w.row.decision = Decision.SKIPPED
        w.row.operator_decision = DecisionKind.SKIP
        w.row.reason = f"{w.row.reason}; skipped by operator"


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a reason sentence."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
