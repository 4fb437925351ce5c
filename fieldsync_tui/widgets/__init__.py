"""Reusable widgets: they show what they are given and import no sync logic."""
