"""Zoho CRM API layer: regions, OAuth, the async client, errors and retries.

Knows nothing of syncing; imports neither textual nor rich nor the simulator.
"""
