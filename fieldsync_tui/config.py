"""Settings from the environment and ``.env`` (DESIGN.md §2).

Every problem names its variable; all problems are collected and reported together.
Loading is pure (no network); the per-org start-up checks live in ``sync/startup.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fieldsync_tui.secret import Secret
from fieldsync_tui.sync.model import FieldMap


class ConfigErrors(Exception):
    """One or more configuration problems; each line names the variable to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class OrgSettings:
    """One org's connection settings."""

    label: str  # "A" or "B"
    client_id: str
    client_secret: Secret = field(repr=False)
    refresh_token: Secret = field(repr=False)
    region: str = "com"
    accounts_url: str = "https://accounts.zoho.com"  # scheme + host, no trailing slash
    api_url: str = "https://www.zohoapis.com"  # scheme + host, no trailing slash
    api_url_overridden: bool = False  # True: ignore the token response's api_domain
    triggers: tuple[str, ...] = ()  # sent as "trigger" on writes; () = none fire


@dataclass(frozen=True)
class Settings:
    org_a: OrgSettings
    org_b: OrgSettings
    fields: FieldMap
    max_concurrency: int = 5
    retry_seconds: float = 60.0
    state_dir: Path = Path(".fieldsync")
    log_dir: Path = Path("logs")
    env_file: Path | None = None  # the .env in use, if any
    warnings: tuple[str, ...] = ()  # e.g. a .env readable by group/others
