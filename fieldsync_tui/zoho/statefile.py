"""Small JSON files in ``FIELDSYNC_STATE_DIR`` kept by the Zoho layer (token cache, forms).

Written atomically (``atomicfile``: a temporary file created with mode 0600 in the same
directory, fsync, ``os.replace``) so a reader never sees half a file and the file is never
readable by others, not even for a moment. A file that is missing, unreadable or not JSON
reads as ``{}``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from fieldsync_tui.atomicfile import atomic_write_text


def org_key(client_id: str, accounts_url: str) -> str:
    """The key of one org's entries: a hash of its client id and accounts host (a self
    client belongs to one org), so the file names no client id."""
    raw = f"{client_id}\n{accounts_url.rstrip('/').lower()}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` with ``data`` atomically, mode 0600."""
    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True))


def update_entry(path: Path, key: str, entry: dict[str, Any] | None) -> None:
    """Set (or, with ``None``, remove) one org's entry; a write that fails is not fatal:
    the state is an optimisation (the next command just learns it again)."""
    with contextlib.suppress(OSError):
        data = read_json(path)
        if entry is None:
            if key not in data:
                return
            data.pop(key)
        else:
            data[key] = entry
        write_json(path, data)
