"""The field sync (DESIGN.md §2–§8): load both orgs, classify, plan, write protocol, undo.

Built on ``fieldsync_tui.core``; imports no other job, neither textual nor rich nor the
simulator.
"""
