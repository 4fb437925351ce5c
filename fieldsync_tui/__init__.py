"""fieldsync: copy WorkDrive reference fields from Zoho CRM Org A to Org B, reviewed first.

The package root imports nothing heavy: ``fieldsync --auto`` must never import textual.
"""

__version__ = "0.1.0"
