"""config.load_settings: DESIGN §2 tables, every problem named, sources and precedence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldsync_tui.config import (
    ConfigErrors,
    Settings,
    load_settings,
    load_state_dir,
    secret_values,
)
from fieldsync_tui.envvars import KNOWN_VARIABLES

REPO = Path(__file__).resolve().parents[2]

BASE: dict[str, str] = {
    "ORG_A_CLIENT_ID": "1000.AAAA",
    "ORG_A_CLIENT_SECRET": "secret-a-123",
    "ORG_A_REFRESH_TOKEN": "1000.refresh-a-456",
    "ORG_B_CLIENT_ID": "1000.BBBB",
    "ORG_B_CLIENT_SECRET": "secret-b-123",
    "ORG_B_REFRESH_TOKEN": "1000.refresh-b-456",
}


def load(tmp_path: Path, **overrides: str | None) -> Settings:
    env = {k: v for k, v in {**BASE, **overrides}.items() if v is not None}
    return load_settings(env, cwd=tmp_path)


def problems(tmp_path: Path, **overrides: str | None) -> list[str]:
    with pytest.raises(ConfigErrors) as info:
        load(tmp_path, **overrides)
    return info.value.problems


def write_env(path: Path, values: dict[str, str], mode: int = 0o600) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    path.chmod(mode)
    return path


def test_defaults(tmp_path: Path) -> None:
    s = load(tmp_path)
    assert (s.org_a.region, s.org_b.region) == ("com", "com")
    assert s.org_a.accounts_url == "https://accounts.zoho.com"
    assert s.org_a.api_url == "https://www.zohoapis.com"
    assert not s.org_a.api_url_overridden
    assert s.org_a.triggers == s.org_b.triggers == ()
    f = s.fields
    assert (f.module, f.name, f.url, f.folder_id, f.checkbox) == (
        "Contacts",
        "Name",
        "WorkDrive_URL",
        "WorkDrive_Folder_ID",
        "Transfer_Complete",
    )
    assert (f.updated_from, f.updated_from_value) == ("Record_Updated_From", None)
    assert (s.max_concurrency, s.retry_seconds) == (5, 60.0)
    assert s.state_dir == tmp_path / ".fieldsync"
    assert s.log_dir == tmp_path / "logs"
    assert s.env_file is None and s.warnings == ()


@pytest.mark.parametrize("name", sorted(BASE))
def test_each_credential_missing_is_named(tmp_path: Path, name: str) -> None:
    found = problems(tmp_path, **{name: None})
    assert found == [f"{name}: missing (required)"]


@pytest.mark.parametrize("name", sorted(BASE))
def test_each_credential_set_empty_is_named(tmp_path: Path, name: str) -> None:
    found = problems(tmp_path, **{name: "  "})
    assert found == [f"{name}: set but empty (required)"]


def test_secret_with_blanks_is_refused_without_showing_it(tmp_path: Path) -> None:
    found = problems(tmp_path, ORG_B_REFRESH_TOKEN="abc def-secretvalue")
    assert len(found) == 1 and found[0].startswith("ORG_B_REFRESH_TOKEN:")
    assert "secretvalue" not in found[0]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ZOHO_REGION", "us"),
        ("ZOHO_REGION", ""),
        ("ORG_A_REGION", "mars"),
        ("ORG_B_REGION", ""),
        ("ORG_A_ACCOUNTS_URL", "https://accounts.example.com/oauth"),
        ("ORG_A_API_URL", "http://api.example.com"),
        ("ORG_B_ACCOUNTS_URL", "ftp://127.0.0.1"),
        ("ORG_B_API_URL", "https://www.zohoapis.com/crm/v8"),
        ("ORG_B_API_URL", ""),
        ("ZOHO_WRITE_TRIGGERS", "workflow,cron"),
        ("ORG_A_WRITE_TRIGGERS", "everything"),
        ("ORG_B_WRITE_TRIGGERS", "approval;blueprint"),
        ("ZOHO_MAX_CONCURRENCY", "0"),
        ("ZOHO_MAX_CONCURRENCY", "11"),
        ("ZOHO_MAX_CONCURRENCY", "five"),
        ("ZOHO_MAX_CONCURRENCY", ""),
        ("ZOHO_RETRY_SECONDS", "inf"),
        ("ZOHO_RETRY_SECONDS", "-5"),
        ("ZOHO_RETRY_SECONDS", "nan"),
        ("ZOHO_RETRY_SECONDS", "soon"),
        ("CRM_MODULE_API_NAME", "Con tacts"),
        ("CRM_MODULE_API_NAME", ""),
        ("CRM_CHECKBOX_FIELD_API_NAME", "Done'--"),
        ("CRM_RECORD_NAME_FIELD_API_NAME", "1Name"),
        ("CRM_WORKDRIVE_URL_FIELD_API_NAME", ""),
        ("CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME", "Folder-ID"),
        ("CRM_RECORD_UPDATED_FROM_FIELD_API_NAME", "From Where"),
        ("CRM_RECORD_UPDATED_FROM_VALUE", ""),
        ("FIELDSYNC_STATE_DIR", ""),
        ("LOG_DIR", ""),
    ],
)
def test_bad_value_names_its_variable(tmp_path: Path, name: str, value: str) -> None:
    found = problems(tmp_path, **{name: value})
    assert len(found) == 1, found
    assert found[0].startswith(f"{name}:"), found


def test_every_problem_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        ORG_A_CLIENT_ID=None,
        ORG_B_CLIENT_SECRET="",
        ZOHO_REGION="xx",
        ORG_B_API_URL="http://10.0.0.5:8080",
        ZOHO_MAX_CONCURRENCY="50",
        ZOHO_RETRY_SECONDS="-1",
        ORG_A_WRITE_TRIGGERS="nope",
        CRM_MODULE_API_NAME="bad name",
    )
    named = sorted(p.split(":")[0] for p in found)
    assert named == sorted(
        [
            "ORG_A_CLIENT_ID",
            "ORG_B_CLIENT_SECRET",
            "ZOHO_REGION",
            "ORG_B_API_URL",
            "ZOHO_MAX_CONCURRENCY",
            "ZOHO_RETRY_SECONDS",
            "ORG_A_WRITE_TRIGGERS",
            "CRM_MODULE_API_NAME",
        ]
    )


def test_problems_never_contain_secrets(tmp_path: Path) -> None:
    found = problems(tmp_path, ZOHO_REGION="xx", ORG_A_CLIENT_ID=None)
    text = "\n".join(found)
    for value in secret_values(load(tmp_path)):
        assert value not in text


@pytest.mark.parametrize("region", ["com", "eu", "in", "au", "jp", "cn", "ca", "sa", " EU "])
def test_regions(tmp_path: Path, region: str) -> None:
    s = load(tmp_path, ZOHO_REGION=region)
    assert s.org_a.region == region.strip().lower()


def test_per_org_region_beats_global(tmp_path: Path) -> None:
    s = load(tmp_path, ZOHO_REGION="eu", ORG_B_REGION="au")
    assert s.org_a.region == "eu" and s.org_a.accounts_url == "https://accounts.zoho.eu"
    assert s.org_b.region == "au" and s.org_b.api_url == "https://www.zohoapis.com.au"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("http://localhost:9", "http://localhost:9"),
        ("http://[::1]:9", "http://[::1]:9"),
        ("https://proxy.example.com", "https://proxy.example.com"),
    ],
)
def test_url_overrides_accepted(tmp_path: Path, value: str, expected: str) -> None:
    s = load(tmp_path, ORG_A_API_URL=value, ORG_A_ACCOUNTS_URL=value)
    assert s.org_a.api_url == s.org_a.accounts_url == expected
    assert s.org_a.api_url_overridden
    assert s.org_b.api_url == "https://www.zohoapis.com" and not s.org_b.api_url_overridden


@pytest.mark.parametrize(
    "value",
    [
        "http://192.168.1.10",
        "http://accounts.zoho.com",
        "https://www.zohoapis.com/crm",
        "https://host?x=1",
        "https://user:pw@host",
        "www.zohoapis.com",
    ],
)
def test_url_overrides_refused(tmp_path: Path, value: str) -> None:
    found = problems(tmp_path, ORG_A_ACCOUNTS_URL=value)
    assert len(found) == 1 and found[0].startswith("ORG_A_ACCOUNTS_URL:")


def test_triggers_global_and_per_org(tmp_path: Path) -> None:
    s = load(tmp_path, ZOHO_WRITE_TRIGGERS=" Workflow , approval,workflow ")
    assert s.org_a.triggers == s.org_b.triggers == ("workflow", "approval")
    s = load(tmp_path, ZOHO_WRITE_TRIGGERS="workflow", ORG_B_WRITE_TRIGGERS="blueprint")
    assert s.org_a.triggers == ("workflow",) and s.org_b.triggers == ("blueprint",)


def test_per_org_triggers_set_empty_beat_global(tmp_path: Path) -> None:
    s = load(tmp_path, ZOHO_WRITE_TRIGGERS="workflow,approval", ORG_A_WRITE_TRIGGERS="")
    assert s.org_a.triggers == ()
    assert s.org_b.triggers == ("workflow", "approval")


def test_updated_from_set_empty_means_never_written(tmp_path: Path) -> None:
    s = load(tmp_path, CRM_RECORD_UPDATED_FROM_FIELD_API_NAME="")
    assert s.fields.updated_from is None
    assert "Record_Updated_From" not in s.fields.b_fields()
    unset = load(tmp_path)
    assert unset.fields.updated_from == "Record_Updated_From"


def test_updated_from_value(tmp_path: Path) -> None:
    s = load(tmp_path, CRM_RECORD_UPDATED_FROM_VALUE=" Org A ")
    assert s.fields.updated_from_value == "Org A"
    s = load(tmp_path, CRM_RECORD_UPDATED_FROM_FIELD_API_NAME="", CRM_RECORD_UPDATED_FROM_VALUE="x")
    assert any("CRM_RECORD_UPDATED_FROM_VALUE" in w for w in s.warnings)


def test_same_field_twice_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME="WorkDrive_URL")
    assert found[0].startswith("CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME:")
    assert "CRM_WORKDRIVE_URL_FIELD_API_NAME" in found[0]


def test_limits(tmp_path: Path) -> None:
    s = load(tmp_path, ZOHO_MAX_CONCURRENCY="10", ZOHO_RETRY_SECONDS="0.5")
    assert (s.max_concurrency, s.retry_seconds) == (10, 0.5)
    assert load(tmp_path, ZOHO_MAX_CONCURRENCY="1").max_concurrency == 1
    assert load(tmp_path, ZOHO_RETRY_SECONDS="0").retry_seconds == 0  # 0: fail at once


def test_warnings_kept_when_there_are_problems(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", {**BASE, "ZOHO_REGION": "xx"}, mode=0o644)
    with pytest.raises(ConfigErrors) as info:
        load_settings({}, cwd=tmp_path)
    assert info.value.problems[0].startswith("ZOHO_REGION:")
    assert any("readable by group or others" in w for w in info.value.warnings)


def test_dotenv_file_in_cwd_and_environment_wins(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", {**BASE, "ZOHO_REGION": "eu", "CRM_MODULE_API_NAME": "Leads"})
    s = load_settings({"ZOHO_REGION": "in"}, cwd=tmp_path)
    assert s.org_a.region == "in"  # environment beats .env
    assert s.fields.module == "Leads"  # .env still used
    assert s.env_file == tmp_path / ".env"


def test_environment_set_empty_beats_dotenv(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", {**BASE, "ORG_B_WRITE_TRIGGERS": "workflow"})
    s = load_settings({"ORG_B_WRITE_TRIGGERS": ""}, cwd=tmp_path)
    assert s.org_b.triggers == ()


def test_env_file_option_and_paths_beside_it(tmp_path: Path) -> None:
    conf = tmp_path / "etc"
    conf.mkdir()
    env_file = write_env(conf / "prod.env", {**BASE, "LOG_DIR": "/var/tmp/fs-logs"})
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    write_env(elsewhere / ".env", {"ZOHO_REGION": "eu"})  # ignored: --env-file given
    s = load_settings({}, env_file=env_file, cwd=elsewhere)
    assert s.org_a.region == "com"
    assert s.state_dir == conf / ".fieldsync"
    assert s.log_dir == Path("/var/tmp/fs-logs")
    s = load_settings({"FIELDSYNC_STATE_DIR": "state"}, env_file=env_file, cwd=elsewhere)
    assert s.state_dir == conf / "state"


def test_missing_env_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigErrors) as info:
        load_settings(dict(BASE), env_file=tmp_path / "nope.env", cwd=tmp_path)
    assert info.value.problems[0].startswith("--env-file:")
    assert "nope.env" in info.value.problems[0]


def test_missing_env_file_is_the_one_error(tmp_path: Path) -> None:
    # the variables it would have held are not "missing" too: one error, the one to fix
    with pytest.raises(ConfigErrors) as info:
        load_settings({"ZOHO_REGION": "xx"}, env_file=tmp_path / "nope.env", cwd=tmp_path)
    assert [p.split(":")[0] for p in info.value.problems] == ["--env-file"]
    assert not any("no .env" in w for w in info.value.warnings)


def test_a_misspelt_variable_gets_a_did_you_mean(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("ORG_A_CLIENT_SECRT=x\nORG_B_CLIENTID=y\nZOHO_UNRELATED_THING=z\n")
    env_file.chmod(0o600)
    with pytest.raises(ConfigErrors) as info:
        load_settings({"ORG_A_REFRESH_TOKN": "t"}, cwd=tmp_path)
    warnings = "\n".join(info.value.warnings)
    assert "ORG_A_CLIENT_SECRT ignored: did you mean ORG_A_CLIENT_SECRET?" in warnings
    assert "ORG_B_CLIENTID ignored: did you mean ORG_B_CLIENT_ID?" in warnings
    assert "environment: unknown variable ORG_A_REFRESH_TOKN ignored: did you mean " in warnings
    assert "ZOHO_UNRELATED_THING ignored\n" in warnings + "\n"  # unknown, no guess


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize(("mode", "warned"), [(0o600, False), (0o640, True), (0o604, True)])
def test_group_or_other_readable_env_warns(tmp_path: Path, mode: int, warned: bool) -> None:
    write_env(tmp_path / ".env", BASE, mode=mode)
    s = load_settings({}, cwd=tmp_path)
    assert any("readable by group or others" in w for w in s.warnings) is warned


def test_unknown_variable_in_env_file_warns(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", {**BASE, "ORG_A_CLIENTSECRET": "x", "PATH_LIKE": "y"})
    s = load_settings({}, cwd=tmp_path)
    assert any("ORG_A_CLIENTSECRET" in w for w in s.warnings)
    assert not any("PATH_LIKE" in w for w in s.warnings)


def test_secrets_are_wrapped(tmp_path: Path) -> None:
    s = load(tmp_path)
    assert s.org_a.client_secret.reveal() == "secret-a-123"
    assert "secret-a-123" not in repr(s) and "refresh-b-456" not in repr(s)
    assert sorted(secret_values(s)) == sorted(
        ["secret-a-123", "1000.refresh-a-456", "secret-b-123", "1000.refresh-b-456"]
    )


def test_process_environment_is_not_mutated(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", {**BASE, "ZOHO_REGION": "eu"})
    before = dict(os.environ)
    with pytest.raises(ConfigErrors):
        load_settings({}, env_file=tmp_path / "missing", cwd=tmp_path)
    load_settings({}, cwd=tmp_path)
    assert dict(os.environ) == before


def test_load_state_dir_needs_no_credentials(tmp_path: Path) -> None:
    assert load_state_dir({}, cwd=tmp_path) == tmp_path / ".fieldsync"
    assert load_state_dir({"FIELDSYNC_STATE_DIR": "/x/y"}, cwd=tmp_path) == Path("/x/y")
    with pytest.raises(ConfigErrors):
        load_state_dir({"FIELDSYNC_STATE_DIR": ""}, cwd=tmp_path)


def test_env_example_lists_every_variable_and_loads(tmp_path: Path) -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    missing = [v for v in sorted(KNOWN_VARIABLES) if f"{v}=" not in text]
    assert missing == []
    with pytest.raises(ConfigErrors) as info:  # placeholders refused before any network call
        load_settings({}, env_file=REPO / ".env.example", cwd=tmp_path)
    secrets = [
        f"ORG_{o}_{k}" for o in "AB" for k in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")
    ]
    assert [p.split(":")[0] for p in info.value.problems] == secrets
    assert all("placeholder" in p for p in info.value.problems)
    real = {k: f"1000.{k.lower()}0123" for k in secrets}
    s = load_settings(real, env_file=REPO / ".env.example", cwd=tmp_path)
    assert s.org_a.client_id.startswith("1000.")
    assert s.fields.module == "Contacts" and s.fields.name == "Full_Name"  # a standard org
    assert s.read_strategy == "auto" and s.token_cache


def test_env_file_values_are_literal(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", {**BASE, "ORG_A_CLIENT_SECRET": "ab${HOME}cd$x"})
    s = load_settings({}, cwd=tmp_path)
    assert s.org_a.client_secret.reveal() == "ab${HOME}cd$x"


def test_missing_env_file_in_cwd_is_pointed_out_with_the_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigErrors) as info:
        load_settings(environ={}, cwd=tmp_path)
    assert any("no .env in" in w and "fieldsync --demo" in w for w in info.value.warnings)
