"""Start-up checks of configured CRM fields (DESIGN §2 step 2), for either job: a field that
is missing, of the wrong type, or read-only where a job writes it is refused with the
closest API names suggested."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from fieldsync_tui.zoho.types import FieldMeta

NAME_TYPES = ("text",)
URL_TYPES = ("website", "text", "textarea")
FOLDER_TYPES = ("text", "textarea")
CHECKBOX_TYPES = ("boolean",)


@dataclass(frozen=True)
class FieldRule:
    variable: str
    api_name: str
    types: tuple[str, ...]
    written: bool
    what: str


def closest(name: str, candidates: Sequence[str], n: int = 3) -> list[str]:
    """Closest API names, case-insensitively (``difflib``)."""
    lowered = {c.lower(): c for c in candidates}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[h] for h in hits]


def check_field(
    rule: FieldRule, label: str, fields: dict[str, FieldMeta], module: str
) -> list[str]:
    where = f"Org {label} {module}"
    meta = fields.get(rule.api_name)
    if meta is None:
        msg = f"{rule.variable}: {where} has no field {rule.api_name!r}"
        near = closest(rule.api_name, list(fields))
        if near:
            msg += "; closest API names: " + ", ".join(near)
        if rule.what == "name" and "Full_Name" in fields:
            msg += (
                "; in Zoho's standard Contacts module the name to match is Full_Name"
                " (CRM_RECORD_NAME_FIELD_API_NAME)"
            )
        return [msg]
    problems = []
    if meta.data_type not in rule.types:
        problems.append(
            f"{rule.variable}: {where} field {rule.api_name!r} is of type {meta.data_type!r};"
            f" the {rule.what} field must be {' or '.join(rule.types)}"
            + _same_type_hint(rule, fields)
        )
    if rule.written and not meta.writable:
        problems.append(
            f"{rule.variable}: {where} field {rule.api_name!r} is read-only, and fieldsync"
            f" writes the {rule.what} there"
        )
    return problems


def _same_type_hint(rule: FieldRule, fields: dict[str, FieldMeta]) -> str:
    fitting = [n for n, m in fields.items() if m.data_type in rule.types]
    near = closest(rule.api_name, fitting)
    return ("; closest fields of a fitting type: " + ", ".join(near)) if near else ""
