"""``python -m fieldsync_tui`` — same as the ``fieldsync`` command."""

from fieldsync_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
