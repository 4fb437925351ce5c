"""The job-agnostic core: row model, normalisation, name index and suggestions, selection,
filtering, journal, lock and run guard, batch runner, events, report (DESIGN.md §1).

Imports no job (``fields/``, ``files/``), no ``config``, neither textual nor rich nor the
simulator; callers hand it plain values (field map, state directory, parallelism).
"""
