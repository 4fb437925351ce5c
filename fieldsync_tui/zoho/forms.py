"""What one org accepts where Zoho's documents are silent (ZOHO_API.md §17), remembered.

Learnt by the read ladder (``reader.py``) from Zoho's answers and by ``fieldsync check
--probe``; kept per org in ``FIELDSYNC_STATE_DIR/zoho_forms.json`` (keyed like the token
cache) so later runs spend no failed call on a form the org refused before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from fieldsync_tui.zoho.statefile import read_json, update_entry

FORMS_FILE: Final = "zoho_forms.json"
ROADS: Final = ("coql_keyset", "coql_offset", "get_records", "bulk")
"""The read ladder, first rung first (DESIGN §4)."""
BooleanForm = Literal["quoted", "bare"]


@dataclass
class OrgForms:
    boolean: BooleanForm | None = None
    """The boolean literal this org accepted last (``'false'`` or ``false``); None = unknown."""
    refused: set[str] = field(default_factory=set)
    """Roads (``ROADS``) and ``count`` this org refused: skipped without a call."""
    quoted: set[str] = field(default_factory=set)
    """Field API names Zoho answered a syntax error for unless double-quoted."""
    accepted: set[str] = field(default_factory=set)
    """Roads and forms seen working (informational, shown by ``check --probe``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "boolean": self.boolean,
            "refused": sorted(self.refused),
            "quoted": sorted(self.quoted),
            "accepted": sorted(self.accepted),
        }

    @classmethod
    def from_json(cls, data: Any) -> OrgForms:
        if not isinstance(data, dict):
            return cls()
        boolean = data.get("boolean")

        def names(key: str) -> set[str]:
            value = data.get(key)
            return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()

        return cls(
            boolean=boolean if boolean in ("quoted", "bare") else None,
            refused=names("refused"),
            quoted=names("quoted"),
            accepted=names("accepted"),
        )


class FormsStore:
    """One org's :class:`OrgForms`, loaded once and saved on every change (``path`` None:
    memory only)."""

    def __init__(self, path: Path | None, key: str) -> None:
        self._path = path
        self._key = key
        self.forms = OrgForms.from_json(read_json(path).get(key)) if path else OrgForms()

    def save(self) -> None:
        if self._path is not None:
            update_entry(self._path, self._key, self.forms.to_json())
