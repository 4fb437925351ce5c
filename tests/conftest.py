"""Shared pytest setup. Area-specific fixtures live in each test folder's conftest.py."""
