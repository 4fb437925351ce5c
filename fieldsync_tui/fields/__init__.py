"""The field sync (DESIGN.md §2–§8): load both orgs, classify, plan, write protocol, undo.

Built on ``fieldsync_tui.core``; imports no other job, neither textual nor rich nor the
simulator.
"""

JOB = "fields"
"""This job's name: in the journal's runs, and its lock ``FIELDSYNC_STATE_DIR/lock.fields``."""
