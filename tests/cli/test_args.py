"""cli.main / parse_args: DESIGN §3 options, usage errors exit 2 before anything runs."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from fieldsync_tui import __version__, cli


def clear_our_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ORG_/ZOHO_/CRM_/FIELDSYNC_/LOG_DIR variable of the machine reaches the test."""
    for name in list(os.environ):
        if name.startswith(("ORG_", "ZOHO_", "CRM_", "FIELDSYNC_", "LOG_DIR")):
            monkeypatch.delenv(name)


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(argv) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--limit", "0", "--auto"], "--limit"),
        (["--limit", "-3", "--auto"], "--limit"),
        (["--limit", "many", "--auto"], "--limit"),
        (["--auto", "--report", "out.txt"], "--report"),
        (["--auto", "--report", "out"], "--report"),
        (["--auto", "--on-duplicate", "oldest"], "--on-duplicate"),
        (["--auto", "--record-id", "abc"], "--record-id"),
        (["--allow-overwrite"], "--allow-overwrite"),
        (["--report", "r.json"], "--report"),
        (["--fail-on-review"], "--fail-on-review"),
        (["--on-duplicate", "newest"], "--on-duplicate"),
        (["--auto", "check"], "--auto"),
        (["--dry-run", "history"], "--dry-run"),
        (["--limit", "3", "check"], "--limit"),
        (["--demo", "--env-file", "x.env"], "--env-file"),
        (["--env-file", "x.env", "sim"], "--env-file"),
        (["undo"], "RUN_ID"),
        (["undo", "r1", "--limit", "3"], "--limit"),
        (["bogus"], "bogus"),
        (["--no-such-flag"], "--no-such-flag"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = usage_error(argv, capsys)
    assert needle in err
    assert "usage: fieldsync" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--auto", "--demo", "--dry-run", "--limit", "--record-id", "--env-file"):
        assert flag in out
    assert "exit codes" in out
    assert "Without --auto" in out and "console opens" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"fieldsync {__version__}"


@pytest.mark.parametrize("command", ["check", "history", "undo", "sim"])
def test_every_subcommand_help_describes_it(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([command, "--help"]) == 0
    out = capsys.readouterr().out
    description = out.split("\n\n")[1]  # usage, then the description paragraph
    assert len(description.split()) >= 12 and not description.startswith(("options", "pos"))


def test_misspelt_variable_gets_did_you_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clear_our_variables(monkeypatch)
    env = tmp_path / ".env"
    env.write_text("ORG_A_CLIENT_SECRT=x\n", encoding="utf-8")
    env.chmod(0o600)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert "did you mean ORG_A_CLIENT_SECRET?" in err and "ORG_A_CLIENT_SECRET: missing" in err


def test_auto_options_parse() -> None:
    args = cli.parse_args(
        [
            "--auto",
            "--dry-run",
            "--limit",
            "5",
            "--record-id",
            "123",
            "--record-id",
            " 456 ",
            "--allow-overwrite",
            "--on-duplicate",
            "newest",
            "--report",
            "out/r.CSV",
            "--fail-on-review",
            "--env-file",
            "prod.env",
        ]
    )
    assert args.auto and args.dry_run and args.allow_overwrite and args.fail_on_review
    assert args.limit == 5
    assert args.record_id == ["123", "456"]
    assert args.on_duplicate == "newest"
    assert args.report == Path("out/r.CSV")
    assert args.env_file == Path("prod.env")
    assert args.command is None


@pytest.mark.parametrize("command", ["check", "history"])
def test_env_file_before_or_after_subcommand(command: str) -> None:
    before = cli.parse_args(["--env-file", "a.env", command])
    after = cli.parse_args([command, "--env-file", "a.env"])
    assert before.command == after.command == command
    assert before.env_file == after.env_file == Path("a.env")
    assert cli.parse_args([command]).env_file is None


def test_undo_options() -> None:
    args = cli.parse_args(["undo", "20261127T201500Z-ab12", "--record-id", "7", "--dry-run"])
    assert (args.command, args.run_id) == ("undo", "20261127T201500Z-ab12")
    assert args.undo_record_id == ["7"] and args.undo_dry_run
    args = cli.parse_args(["--env-file", "p.env", "undo", "r1"])
    assert args.env_file == Path("p.env") and args.undo_record_id is None
    assert not args.undo_dry_run
    args = cli.parse_args(["--dry-run", "--record-id", "5", "undo", "r1", "--record-id", "6"])
    assert args.undo_dry_run and args.undo_record_id == ["5", "6"]
    assert not args.dry_run and args.record_id is None


def test_sim_options_are_forwarded(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main_sim(argv: list[str]) -> int:
        seen.append(argv)
        return 0

    import fieldsync_tui.simulator.server as server

    monkeypatch.setattr(server, "main_sim", fake_main_sim)
    assert cli.main(["sim", "--port", "0", "--records", "10", "--seed", "3"]) == 0
    assert cli.main(["sim"]) == 0
    assert seen == [["--port", "0", "--records", "10", "--seed", "3"], []]


def test_console_without_terminal_says_use_auto(capsys: pytest.CaptureFixture[str]) -> None:
    # pytest captures stdin/stdout: not a terminal
    assert cli.main(["--dry-run"]) == 1
    assert "--auto" in capsys.readouterr().err


def test_auto_with_bad_config_exits_1_naming_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clear_our_variables(monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--auto"]) == 1
    err = capsys.readouterr().err
    assert "ORG_A_CLIENT_ID: missing" in err and "ORG_B_REFRESH_TOKEN: missing" in err
    assert not (tmp_path / ".fieldsync").exists()
    assert cli.main(["--auto", "--env-file", str(tmp_path / "none.env")]) == 1
    err = capsys.readouterr().err
    assert err.count("--env-file") == 1 and "problems (1)" in err and "warning" not in err


def test_bad_config_still_warns_about_a_readable_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clear_our_variables(monkeypatch)
    env = tmp_path / ".env"
    env.write_text("ZOHO_REGION=mars\n", encoding="utf-8")
    env.chmod(0o644)
    monkeypatch.chdir(tmp_path)
    for argv in (["--auto"], ["check"], ["undo", "20260101T000000Z-abcd"]):
        assert cli.main(argv) == 1
        err = capsys.readouterr().err
        assert "ZOHO_REGION: unknown data centre" in err
        assert "warning:" in err and "readable by group or others" in err


def test_namespace_has_argv(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(cli, "_dispatch", lambda args: seen.append(args) or 0)
    assert cli.main(["--auto", "--dry-run"]) == 0
    assert seen[0].argv == ["--auto", "--dry-run"]


class _Tty:
    def isatty(self) -> bool:
        return True


def test_console_gets_settings_and_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fieldsync_tui.app as app

    seen: list[tuple[object, object, bool]] = []

    def fake_run_console(settings: object, options: object, demo: bool = False) -> int:
        seen.append((settings, options, demo))
        return 0

    monkeypatch.setattr(app, "run_console", fake_run_console)
    monkeypatch.setattr(cli.sys, "stdin", _Tty())
    monkeypatch.setattr(cli.sys, "stdout", _Tty())
    assert cli.main(["--demo", "--dry-run", "--limit", "4", "--record-id", "12"]) == 0
    settings, options, demo = seen[0]
    assert settings is None and demo is True
    assert options == app.ConsoleOptions(dry_run=True, limit=4, record_ids=("12",))
    env = tmp_path / "c.env"
    keys = [f"ORG_{o}_{k}" for o in "AB" for k in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")]
    env.write_text("".join(f"{k}=value{i}x\n" for i, k in enumerate(keys)))
    env.chmod(0o600)
    clear_our_variables(monkeypatch)
    assert cli.main(["--env-file", str(env)]) == 0
    settings, _, demo = seen[1]
    assert demo is False and getattr(settings, "log_dir", None) == tmp_path / "logs"


def test_files_console_needs_a_terminal_and_gets_the_files_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import fieldsync_tui.files_console as files_console

    assert cli.main(["files", "--demo"]) == 1  # pytest's stdin is no terminal
    assert "fieldsync files --auto" in capsys.readouterr().err
    seen: list[object] = []

    def fake_demo(options: object) -> int:
        seen.append(options)
        return 0

    monkeypatch.setattr(files_console, "run_files_demo_console", fake_demo)
    monkeypatch.setattr(cli.sys, "stdin", _Tty())
    monkeypatch.setattr(cli.sys, "stdout", _Tty())
    assert cli.main(["files", "--demo", "--tick-empty", "--dry-run", "--max-file-mb", "5"]) == 0
    (options,) = seen
    assert getattr(options, "tick_empty", None) is True and getattr(options, "dry_run", None)
    assert getattr(options, "max_file_mb", None) == 5 and getattr(options, "mode", "") == "console"
    assert cli.main(["files", "--demo", "--report", "x.json"]) == 2  # --auto only
