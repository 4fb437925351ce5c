"""Field metadata and the record store of one module (ids kept sorted for fast paging)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Any

JSON_TYPES = {
    "boolean": "boolean",
    "integer": "integer",
    "double": "double",
    "currency": "double",
    "ownerlookup": "jsonobject",
    "lookup": "jsonobject",
    "multiselectpicklist": "jsonarray",
}
STRING_TYPES = frozenset(
    {"text", "textarea", "website", "picklist", "email", "phone", "datetime", "date", "bigint"}
)
SYSTEM_FIELDS = ("Created_Time", "Modified_Time", "Created_By", "Modified_By")


@dataclass(frozen=True)
class SimField:
    """One field of a module, as ``GET /settings/fields`` describes it."""

    api_name: str
    data_type: str
    id: str
    length: int | None = 255
    read_only: bool = False
    system_mandatory: bool = False
    custom_field: bool = True
    pick_list: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.api_name.replace("_", " ")

    @property
    def json_type(self) -> str:
        return JSON_TYPES.get(self.data_type, "string")

    def meta(self) -> dict[str, Any]:
        """The field as Zoho's metadata endpoint renders it."""
        return {
            "api_name": self.api_name,
            "field_label": self.label,
            "display_label": self.label,
            "data_type": self.data_type,
            "json_type": self.json_type,
            "length": self.length,
            "read_only": self.read_only,
            "field_read_only": self.read_only,
            "system_mandatory": self.system_mandatory,
            "custom_field": self.custom_field,
            "visible": True,
            "searchable": True,
            "sortable": True,
            "filterable": True,
            "id": self.id,
            "pick_list_values": [
                {"display_value": v, "actual_value": v, "id": f"{self.id}{i:03d}", "type": "used"}
                for i, v in enumerate(self.pick_list)
            ],
        }


class ModuleStore:
    """Records of one module: ``id -> values``, plus ids in ascending order."""

    def __init__(self, name: str, name_field: str) -> None:
        self.name = name
        self.name_field = name_field
        self.fields: dict[str, SimField] = {}
        self.records: dict[str, dict[str, Any]] = {}
        self.ids: list[str] = []  # ascending; ids are fixed-width so str order = numeric order
        self.version = 0
        self.view_id = ""  # the module's one custom view ("All records"), for ``cvid``
        self.unindexed: dict[str, float] = {}  # id -> when Search sees it again (index lag)
        self._sort_cache: dict[tuple[str, bool], tuple[int, list[str]]] = {}

    @property
    def is_contacts_like(self) -> bool:
        return "Last_Name" in self.fields and "Full_Name" in self.fields

    def set_field(self, field: SimField) -> None:
        old = self.fields.get(field.api_name)
        self.fields[field.api_name] = replace(field, id=old.id) if old else field
        self.version += 1

    def insert(self, record: dict[str, Any]) -> None:
        rid = str(record["id"])
        self.records[rid] = record
        if not self.ids or rid > self.ids[-1]:
            self.ids.append(rid)
        else:
            bisect.insort(self.ids, rid)
        self.version += 1

    def bulk_append(self, records: list[dict[str, Any]]) -> None:
        """Append records whose ids are all above the current maximum, in id order."""
        for record in records:
            self.records[record["id"]] = record
            self.ids.append(record["id"])
        self.version += 1

    def remove(self, rid: str) -> bool:
        if rid not in self.records:
            return False
        del self.records[rid]
        del self.ids[bisect.bisect_left(self.ids, rid)]
        self.version += 1
        return True

    def touch(self) -> None:
        self.version += 1

    def ordered_ids(self, sort_by: str, descending: bool) -> list[str]:
        """All ids sorted by ``sort_by`` (ties by id); cached until the next change."""
        if sort_by == "id" and not descending:
            return self.ids
        key = (sort_by, descending)
        cached = self._sort_cache.get(key)
        if cached and cached[0] == self.version:
            return cached[1]
        if sort_by == "id":
            ordered = self.ids[::-1]
        else:
            ordered = sorted(self.ids, key=lambda i: (self.records[i].get(sort_by) or "", i))
            if descending:
                ordered.reverse()
        self._sort_cache[key] = (self.version, ordered)
        return ordered

    def ids_above(self, rid: str, inclusive: bool = False) -> int:
        """Index in ``ids`` of the first id greater than (or equal to) ``rid``."""
        return (bisect.bisect_left if inclusive else bisect.bisect_right)(self.ids, rid)


def recompute(store: ModuleStore, record: dict[str, Any]) -> None:
    """Keep computed fields (Contacts' Full_Name = "First Last") in step."""
    if store.is_contacts_like:
        first, last = record.get("First_Name"), record.get("Last_Name")
        parts = [p for p in (first, last) if p]
        record["Full_Name"] = " ".join(parts) if parts else None


def empty_to_none(field: SimField, value: Any) -> Any:
    """Zoho stores an empty string in a text-like field as null."""
    if field.data_type in STRING_TYPES and value == "":
        return None
    return value
