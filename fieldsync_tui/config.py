"""Settings from the environment and ``.env`` (DESIGN.md §2): the ``Settings`` type and its
loader (the variables themselves, reading them and the ``.env`` file: ``envvars``).

Every problem names its variable; all problems are collected and reported together.
Loading is pure (no network); the per-org start-up checks live in ``fields/startup.py``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from fieldsync_tui.core.model import FieldMap
from fieldsync_tui.envvars import (
    FIELD_DEFAULTS,
    FILES_CHECKBOX_DEFAULT,
    FILES_CHECKBOX_VAR,
    TEAM_FOLDER_VAR,
    UPDATED_FROM_DEFAULT,
    UPDATED_FROM_VAR,
    Env,
    environment_warnings,
    read_env_file,
)
from fieldsync_tui.secret import Secret
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import ConfigurationError
from fieldsync_tui.zoho.query import validate_api_name
from fieldsync_tui.zoho.regions import REGIONS, validate_base_url


class ConfigErrors(Exception):
    """One or more configuration problems; each line names the variable to fix."""

    def __init__(self, problems: list[str], warnings: tuple[str, ...] = ()) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.warnings = warnings  # e.g. a group-readable .env: still worth saying


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
    """Everything a run needs, validated (DESIGN.md §2). The core is handed plain values
    taken from here (field map, state directory, parallelism), never the whole object."""

    org_a: OrgSettings
    """Org A (``ORG_A_*``): records are read and ticked there."""
    org_b: OrgSettings
    """Org B (``ORG_B_*``): records are matched by name and written there."""
    fields: FieldMap
    """Module and field API names (``CRM_*``), the same in both orgs."""
    max_concurrency: int = 5
    """``ZOHO_MAX_CONCURRENCY``: calls in flight per org, and batches in parallel."""
    retry_seconds: float = 60.0
    """``ZOHO_RETRY_SECONDS``: how long 429/5xx/dropped calls are retried."""
    state_dir: Path = Path(".fieldsync")
    """``FIELDSYNC_STATE_DIR``: journal, the jobs' locks, token cache and learnt query forms."""
    log_dir: Path = Path("logs")
    """``LOG_DIR``: one log file per run."""
    env_file: Path | None = None
    """The ``.env`` in use, if any."""
    warnings: tuple[str, ...] = ()
    """Problems worth saying that do not stop a run (e.g. a .env readable by others)."""
    read_strategy: Literal["auto", "coql", "bulk"] = "auto"
    """``ZOHO_READ_STRATEGY``: how whole modules are read (DESIGN §4)."""
    token_cache: bool = True
    """``FIELDSYNC_TOKEN_CACHE``: access tokens kept across commands (DESIGN §8)."""
    team_folder_id: str | None = None
    """``ORG_B_TEAM_FOLDER_ID`` (§9.1): the files job's WorkDrive folder; None = unset."""
    files_checkbox: str = "Files_Transferred"
    """``CRM_FILES_CHECKBOX_FIELD_API_NAME`` (§9.1): Org A boolean the files job ticks."""


# ---- loading ------------------------------------------------------------------------------

REGION_CODES: Final = tuple(REGIONS)
TRIGGER_NAMES: Final = ("workflow", "approval", "blueprint")
MAX_CONCURRENCY_LIMIT: Final = 10


def _choice(env: Env, name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.optional(name, default).lower()
    if value not in choices:
        env.problem(f"{name}: {safe(value)!r} is not one of {', '.join(choices)}")
        return default
    return value


def _api_name(env: Env, name: str, value: str) -> str:
    try:
        return validate_api_name(value)
    except ValueError:
        env.problem(
            f"{name}: {safe(value)!r} is not a Zoho API name (letters, digits and _, "
            "starting with a letter)"
        )
        return value


def _region(env: Env, name: str, value: str) -> str:
    code = value.lower()
    if code not in REGION_CODES:
        env.problem(
            f"{name}: unknown data centre {safe(value)!r}; use one of {' '.join(REGION_CODES)}"
        )
        return "com"
    return code


def _url(env: Env, name: str, default: str) -> tuple[str, bool]:
    value = env.raw(name)
    if value is None:
        return default, False
    try:
        return validate_base_url(value, name), True
    except ConfigurationError as err:
        env.problem(str(err))
        return default, False


def _triggers(env: Env, label: str) -> tuple[str, ...]:
    name = f"ORG_{label}_WRITE_TRIGGERS"
    value = env.raw(name)
    if value is None:  # per-org beats global, also when set empty
        name, value = "ZOHO_WRITE_TRIGGERS", env.raw("ZOHO_WRITE_TRIGGERS")
    items = [t.strip().lower() for t in (value or "").split(",") if t.strip()]
    unknown = [t for t in items if t not in TRIGGER_NAMES]
    if unknown:
        env.problem(
            f"{name}: unknown trigger {safe(unknown[0])!r}; a comma list of "
            f"{','.join(TRIGGER_NAMES)} (empty = no automation fires)"
        )
        return ()
    return tuple(dict.fromkeys(items))


def _org(env: Env, label: str, global_region: str) -> OrgSettings:
    prefix = f"ORG_{label}_"
    region_value = env.raw(prefix + "REGION")
    if region_value is None:
        region = global_region
    elif not region_value:
        env.problem(f"{prefix}REGION: set but empty; remove it to use ZOHO_REGION")
        region = global_region
    else:
        region = _region(env, prefix + "REGION", region_value)
    known = REGIONS[region]
    accounts_url, _ = _url(env, prefix + "ACCOUNTS_URL", known.accounts_url)
    api_url, overridden = _url(env, prefix + "API_URL", known.api_url)
    return OrgSettings(
        label=label,
        client_id=env.required(prefix + "CLIENT_ID"),
        client_secret=Secret(env.required(prefix + "CLIENT_SECRET", secret=True)),
        refresh_token=Secret(env.required(prefix + "REFRESH_TOKEN", secret=True)),
        region=region,
        accounts_url=accounts_url,
        api_url=api_url,
        api_url_overridden=overridden,
        triggers=_triggers(env, label),
    )


def _updated_from(env: Env) -> tuple[str | None, str | None]:
    field_name = env.raw(UPDATED_FROM_VAR)
    if field_name is None:
        field_name = UPDATED_FROM_DEFAULT
    elif field_name:
        field_name = _api_name(env, UPDATED_FROM_VAR, field_name)
    value = env.raw("CRM_RECORD_UPDATED_FROM_VALUE")
    if value == "":
        env.problem(
            "CRM_RECORD_UPDATED_FROM_VALUE: set but empty; remove it to write the Org A "
            f"record id, or set {UPDATED_FROM_VAR} empty to never write the field"
        )
        value = None
    return field_name or None, value


def _fields(env: Env) -> FieldMap:
    names = {var: _api_name(env, var, env.optional(var, d)) for var, d in FIELD_DEFAULTS.items()}
    updated_from, updated_from_value = _updated_from(env)
    seen: dict[str, str] = {}
    vars_by_field = [(v, names[v]) for v in list(FIELD_DEFAULTS)[1:]]
    if updated_from:
        vars_by_field.append((UPDATED_FROM_VAR, updated_from))
    for var, api_name in vars_by_field:
        other = seen.get(api_name.lower())
        clash = other and {other, var} != {"CRM_CHECKBOX_FIELD_API_NAME", UPDATED_FROM_VAR}
        if clash:
            env.problem(f"{var}: names the same field as {other} ({api_name!r})")
        seen.setdefault(api_name.lower(), var)
    return FieldMap(
        module=names["CRM_MODULE_API_NAME"],
        name=names["CRM_RECORD_NAME_FIELD_API_NAME"],
        url=names["CRM_WORKDRIVE_URL_FIELD_API_NAME"],
        folder_id=names["CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME"],
        checkbox=names["CRM_CHECKBOX_FIELD_API_NAME"],
        updated_from=updated_from,
        updated_from_value=updated_from_value,
    )


def _files(env: Env, fields: FieldMap, warnings: list[str]) -> tuple[str | None, str]:
    """DESIGN §9.1: the team folder id (optional here; ``fieldsync files`` requires it) and
    the files checkbox (a warning when it names the field sync's checkbox)."""
    folder = env.raw(TEAM_FOLDER_VAR)
    if folder is not None and folder and not (folder.isascii() and folder.isalnum()):
        env.problem(f"{TEAM_FOLDER_VAR}: not a WorkDrive id (letters and digits only)")
        folder = None
    checkbox = _api_name(
        env, FILES_CHECKBOX_VAR, env.optional(FILES_CHECKBOX_VAR, FILES_CHECKBOX_DEFAULT)
    )
    if checkbox.lower() == fields.checkbox.lower():
        warnings.append(
            f"{FILES_CHECKBOX_VAR} names the field sync's checkbox ({checkbox!r}): the field "
            "sync will see records the files job ticks as done"
        )
    elif checkbox.lower() in {fields.name.lower(), fields.url.lower(), fields.folder_id.lower()}:
        env.problem(f"{FILES_CHECKBOX_VAR}: names a field the jobs read or write ({checkbox!r})")
    return folder or None, checkbox


def _number(env: Env, name: str, default: float, *, integer: bool) -> float:
    value = env.optional(name, str(default))
    try:
        number = int(value) if integer else float(value)
    except ValueError:
        kind = "a whole number" if integer else "a number of seconds"
        env.problem(f"{name}: {safe(value)!r} is not {kind}")
        return default
    return number


def _limits(env: Env) -> tuple[int, float]:
    concurrency = int(_number(env, "ZOHO_MAX_CONCURRENCY", 5, integer=True))
    if not 1 <= concurrency <= MAX_CONCURRENCY_LIMIT:
        env.problem(
            f"ZOHO_MAX_CONCURRENCY: {concurrency} is out of range; use 1 to "
            f"{MAX_CONCURRENCY_LIMIT} (Zoho allows at most 10 concurrent heavy calls)"
        )
        concurrency = 5
    retry = _number(env, "ZOHO_RETRY_SECONDS", 60.0, integer=False)
    if not (math.isfinite(retry) and retry >= 0):  # 0: no retry, fail at once
        env.problem(f"ZOHO_RETRY_SECONDS: {retry:g} must be a number of seconds, 0 or more")
        retry = 60.0
    return concurrency, retry


def _directory(env: Env, name: str, default: str, base: Path) -> Path:
    value = env.optional(name, default)
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Settings from ``environ`` (default: the process environment) over the ``.env`` file
    (``env_file``, else ``cwd/.env`` if present). Raises :class:`ConfigErrors` listing every
    problem, each naming its variable. Never touches ``os.environ`` and makes no network call.

    Relative ``FIELDSYNC_STATE_DIR``/``LOG_DIR`` (and their defaults ``.fieldsync``/``logs``)
    are taken beside the env file in use, else in ``cwd``: a cron job finds the same state
    whatever its working directory.
    """
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    problems: list[str] = []
    warnings: list[str] = []
    path, file_values = read_env_file(env_file, cwd, problems, warnings)
    if problems:  # the --env-file named is missing or unreadable: that is the one error
        raise ConfigErrors(problems, tuple(warnings))
    warnings += environment_warnings(environ)
    env = Env({**file_values, **environ})
    global_region = _region(env, "ZOHO_REGION", env.optional("ZOHO_REGION", "com"))
    org_a, org_b = _org(env, "A", global_region), _org(env, "B", global_region)
    fields = _fields(env)
    team_folder_id, files_checkbox = _files(env, fields, warnings)
    concurrency, retry = _limits(env)
    base = path.parent if path is not None else cwd
    state_dir = _directory(env, "FIELDSYNC_STATE_DIR", ".fieldsync", base)
    log_dir = _directory(env, "LOG_DIR", "logs", base)
    strategy = _choice(env, "ZOHO_READ_STRATEGY", "auto", ("auto", "coql", "bulk"))
    token_cache = _choice(env, "FIELDSYNC_TOKEN_CACHE", "on", ("on", "off")) == "on"
    if fields.updated_from is None and fields.updated_from_value is not None:
        warnings.append(
            f"CRM_RECORD_UPDATED_FROM_VALUE is ignored: {UPDATED_FROM_VAR} is set empty"
        )
    problems += env.problems
    if problems and path is None:
        warnings.append(
            f"no .env in {cwd} and no --env-file: only the process environment was read"
            " (copy .env.example to .env and fill it in; or try: fieldsync --demo)"
        )
    if problems:
        raise ConfigErrors(problems, tuple(warnings))
    return Settings(
        org_a=org_a,
        org_b=org_b,
        fields=fields,
        max_concurrency=concurrency,
        retry_seconds=retry,
        state_dir=state_dir,
        log_dir=log_dir,
        env_file=path,
        warnings=tuple(warnings),
        read_strategy="bulk" if strategy == "bulk" else "coql" if strategy == "coql" else "auto",
        token_cache=token_cache,
        team_folder_id=team_folder_id,
        files_checkbox=files_checkbox,
    )


def secret_values(settings: Settings) -> list[str]:
    """Every secret the settings hold (for the log redaction filter)."""
    out = []
    for org in (settings.org_a, settings.org_b):
        out += [org.client_secret.reveal(), org.refresh_token.reveal()]
    return [s for s in out if s]


def load_state_dir(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
    cwd: Path | None = None,
) -> Path:
    """Only ``FIELDSYNC_STATE_DIR`` (for ``fieldsync history``, which needs no credentials);
    :class:`ConfigErrors` when the env file or that variable is unusable."""
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    problems: list[str] = []
    path, file_values = read_env_file(env_file, cwd, problems, [])
    env = Env({**file_values, **environ})
    base = path.parent if path is not None else cwd
    state_dir = _directory(env, "FIELDSYNC_STATE_DIR", ".fieldsync", base)
    problems += env.problems
    if problems:
        raise ConfigErrors(problems)
    return state_dir


def demo_settings(sim_env: Mapping[str, str], tmp: Path) -> Settings:
    """Settings for the built-in simulated orgs (``sim_env`` is the simulator's ``.env``),
    with state and logs in ``tmp``: what every ``--demo`` runs on."""
    env = dict(sim_env)
    env["FIELDSYNC_STATE_DIR"] = str(tmp / "state")
    env["LOG_DIR"] = str(tmp / "logs")
    return load_settings(environ=env, cwd=tmp)
