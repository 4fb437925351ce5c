"""The variables of DESIGN.md §2 and reading them: the catalogue of known names, the
merged values with every problem collected (placeholders, blanks, empties), and the ``.env``
file (its permissions and unknown or misspelt names). ``config`` builds ``Settings`` on it."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from dotenv import dotenv_values

from fieldsync_tui.spelling import unknown_names
from fieldsync_tui.text import safe

FIELD_DEFAULTS: Final = {
    "CRM_MODULE_API_NAME": "Contacts",
    "CRM_RECORD_NAME_FIELD_API_NAME": "Name",
    "CRM_WORKDRIVE_URL_FIELD_API_NAME": "WorkDrive_URL",
    "CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME": "WorkDrive_Folder_ID",
    "CRM_CHECKBOX_FIELD_API_NAME": "Transfer_Complete",
}
UPDATED_FROM_VAR: Final = "CRM_RECORD_UPDATED_FROM_FIELD_API_NAME"
UPDATED_FROM_DEFAULT: Final = "Record_Updated_From"
TEAM_FOLDER_VAR: Final = "ORG_B_TEAM_FOLDER_ID"
FILES_CHECKBOX_VAR: Final = "CRM_FILES_CHECKBOX_FIELD_API_NAME"
FILES_CHECKBOX_DEFAULT: Final = "Files_Transferred"

_ORG_VARS: Final = (
    "CLIENT_ID",
    "CLIENT_SECRET",
    "REFRESH_TOKEN",
    "REGION",
    "ACCOUNTS_URL",
    "API_URL",
    "WRITE_TRIGGERS",
)
KNOWN_VARIABLES: Final = frozenset(
    [
        "ZOHO_REGION",
        "ZOHO_WRITE_TRIGGERS",
        "ZOHO_MAX_CONCURRENCY",
        "ZOHO_RETRY_SECONDS",
        "FIELDSYNC_STATE_DIR",
        "ZOHO_READ_STRATEGY",
        "FIELDSYNC_TOKEN_CACHE",
        "LOG_DIR",
        "CRM_RECORD_UPDATED_FROM_VALUE",
        UPDATED_FROM_VAR,
        TEAM_FOLDER_VAR,
        FILES_CHECKBOX_VAR,
        *FIELD_DEFAULTS,
        *(f"ORG_{label}_{name}" for label in "AB" for name in _ORG_VARS),
    ]
)
"""Every variable of DESIGN §2 (``.env.example`` lists them all)."""


class Env:
    """The merged variables plus the problems found while reading them."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        """The stripped value, ``None`` when unset (``""`` when set empty)."""
        value = self.values.get(name)
        return None if value is None else value.strip()

    def problem(self, message: str) -> None:
        if message not in self.problems:  # a global variable is read once per org
            self.problems.append(message)

    def required(self, name: str, *, secret: bool = False) -> str:
        value = self.raw(name)
        if value is None:
            self.problem(f"{name}: missing (required)")
            return ""
        if not value:
            self.problem(f"{name}: set but empty (required)")
            return ""
        if is_placeholder(value):
            self.problem(
                f"{name}: still the placeholder from .env.example; put in the value from "
                "https://api-console.zoho.com (Self Client)"
            )
            return ""
        if any(ch.isspace() or not ch.isprintable() for ch in value):
            shown = "" if secret else f" ({safe(value)!r})"
            self.problem(f"{name}: contains blanks or control characters{shown}")
            return ""
        return value

    def optional(self, name: str, default: str) -> str:
        """Unset → ``default``; set empty is a problem (remove the line to get the default)."""
        value = self.raw(name)
        if value is None:
            return default
        if not value:
            self.problem(f"{name}: set but empty; remove it to use the default {default!r}")
            return default
        return value


PLACEHOLDER_MARKS: Final = ("placeholder", "replace-with-", "replace_with_", "changeme")


def is_placeholder(value: str) -> bool:
    """A value copied unchanged from ``.env.example`` (or an obvious stand-in)."""
    lowered = value.lower()
    return any(mark in lowered for mark in PLACEHOLDER_MARKS)


def read_env_file(
    env_file: Path | None, cwd: Path, problems: list[str], warnings: list[str]
) -> tuple[Path | None, dict[str, str]]:
    if env_file is not None:
        path = env_file if env_file.is_absolute() else cwd / env_file
        if not path.is_file():
            problems.append(f"--env-file: {safe(str(env_file))} does not exist or is not a file")
            return None, {}
    else:
        path = cwd / ".env"
        if not path.is_file():
            return None, {}
    try:
        loaded = dotenv_values(path, interpolate=False)  # values are literal (secrets)
        mode = path.stat().st_mode
    except (OSError, UnicodeDecodeError) as err:
        problems.append(f"--env-file: cannot read {safe(str(path))} ({type(err).__name__})")
        return None, {}
    if os.name == "posix" and mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(
            f"{safe(str(path))} is readable by group or others and holds secrets; "
            f"run: chmod 600 {safe(str(path))}"
        )
    values = {k: v for k, v in loaded.items() if v is not None}
    unknown = unknown_names(values, KNOWN_VARIABLES, near_only=False)
    warnings += [f"{safe(str(path))}: {warning}" for warning in unknown]
    return path, values


def environment_warnings(environ: Mapping[str, str]) -> list[str]:
    """Process variables that look like a misspelt known one (the environment holds many
    unrelated names: only near misses are worth saying)."""
    near = unknown_names(environ, KNOWN_VARIABLES, near_only=True)
    return [f"environment: {warning}" for warning in near]
