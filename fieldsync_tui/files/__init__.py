"""The files job (DESIGN.md §9): attachments of Org A records into their WorkDrive folders.

This package holds the job's pure planning logic — model, folder index, "points at" /
"is there", classification, destination names, selection, the ``--auto`` policy and the
projected cost of an apply. No I/O: the loaders, the write protocol and the commands feed it
what they read. Imports only the shared core and the standard library; never textual, rich,
httpx, the simulator or the field sync.
"""

JOB = "files"
"""This job's name: in the journal's runs, and its lock ``FIELDSYNC_STATE_DIR/lock.files``."""
