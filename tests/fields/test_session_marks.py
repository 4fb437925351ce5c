"""Approve/skip mark rows in place and undo puts the marks back: the same state a full
re-plan from the journal gives, without reclassifying 100,000 rows per key."""

from __future__ import annotations

from fieldsync_tui.core.model import Decision, DecisionKind, Plan
from fieldsync_tui.fields.session import SyncSession

from .conftest import Env, seed_mixed


def marks(plan: Plan) -> dict[str, tuple[Decision, DecisionKind | None]]:
    return {r.a.id: (r.decision, r.operator_decision) for r in plan.rows}


def replanned_marks(s: SyncSession) -> dict[str, tuple[Decision, DecisionKind | None]]:
    """What a reclassification would say, without keeping it (the session is restored)."""
    current, kept = s.plan, s._marks_before.copy()
    fresh = marks(s.replan())
    s.plan = current
    s._marks_before.update(kept)
    return fresh


async def test_undo_of_marks_equals_a_replan(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(mode="console", command="fieldsync")
    s.decide(["4"], DecisionKind.PICK_DUPLICATE, "94")  # re-plans: a match decision
    plan = s.plan
    steps = [
        (["1", "2"], DecisionKind.SKIP),
        (["1", "4"], DecisionKind.APPROVE),
        (["2", "3", "4"], DecisionKind.SKIP),
    ]
    seen = [marks(plan)]
    for ids, kind in steps:
        s.decide(ids, kind)
        assert s.plan is plan  # marked in place
        assert marks(plan) == replanned_marks(s)
        seen.append(marks(plan))
    assert plan.by_a_id()["4"].decision is Decision.SKIPPED
    for expected in reversed(seen[:-1]):
        s.undo_last_decision()
        assert s.plan is plan  # no reclassification
        assert marks(plan) == expected == replanned_marks(s)
    assert plan.by_a_id()["4"].operator_decision is DecisionKind.PICK_DUPLICATE
    assert s.undo_last_decision() == ["4"]  # the pick itself: re-plans
    assert s.plan is not plan
    assert s.plan.by_a_id()["4"].operator_decision is None


async def test_undo_after_a_replan_falls_back_to_the_journal(env: Env) -> None:
    seed_mixed(env)
    s = await env.session(mode="console", command="fieldsync")
    s.decide(["1"], DecisionKind.SKIP)
    s.replan()  # e.g. a retry: the marks saved for the skip belong to the old plan
    fresh = s.plan
    assert s.undo_last_decision() == ["1"]
    assert s.plan is not fresh
    assert s.plan.by_a_id()["1"].decision is Decision.NONE
