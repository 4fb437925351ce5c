"""The pure core: model, normalisation, matching, planning, apply engine, journal.

Imports neither textual nor rich nor the simulator.
"""
