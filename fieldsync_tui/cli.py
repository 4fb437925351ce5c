"""The ``fieldsync`` command line (DESIGN §3): argparse, then hand over to the right mode.

Exit codes: 0 done; 1 configuration/authentication/fatal error, lock held, or a row failed
or partial; 2 usage error; 3 ``--fail-on-review`` with review rows left (1 wins over 3).
Heavy modules are imported lazily: ``--auto`` never imports textual, and the console
(``fieldsync_tui.app``) is imported only when the console runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from fieldsync_tui import __version__
from fieldsync_tui.config import secret_values
from fieldsync_tui.core.report import check_report_path
from fieldsync_tui.text import safe

USAGE_ERROR: Final = 2
AUTO_ONLY: Final = (
    ("allow_overwrite", "--allow-overwrite"),
    ("on_duplicate", "--on-duplicate"),
    ("report", "--report"),
    ("fail_on_review", "--fail-on-review"),
)
RUN_OPTIONS: Final = (
    ("dry_run", "--dry-run"),
    ("limit", "--limit"),
    ("record_id", "--record-id"),
)
_RECORD_ID_RE: Final = re.compile(r"[0-9]{1,30}", re.ASCII)
DESCRIPTION: Final = """\
Copy the WorkDrive URL and folder id from Zoho CRM Org A to the record of the same name in
Org B, then tick Org A's checkbox. Without --auto (and without a subcommand) the review
console opens: nothing is written until you approve rows and confirm. --auto plans, applies
what is safe and reports, unattended. --demo tries either on built-in simulated orgs.
"""
EPILOG: Final = """\
exit codes: 0 done, nothing failed; 1 configuration, authentication or fatal error, lock held,
or a row failed/partial; 2 usage error; 3 --fail-on-review and review rows remain.
configuration: the environment, then .env in the working directory or --env-file.
"""


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (got {number})")
    return number


def _record_id(value: str) -> str:
    value = value.strip()
    if not _RECORD_ID_RE.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a Zoho record id (digits only)")
    return value


def _report(value: str) -> Path:
    path = Path(value)
    try:
        check_report_path(path)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err).removeprefix("--report: ")) from None
    return path


def _env_file_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="read this .env instead of ./.env (a missing file is an error)",
    )


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="use a built-in simulated pair of orgs")
    parser.add_argument("--auto", action="store_true", help="headless: plan, apply, report, exit")
    parser.add_argument("--dry-run", action="store_true", help="plan and report; no Zoho write")
    parser.add_argument("--limit", type=_limit, metavar="N", help="first N pending records")
    parser.add_argument(
        "--record-id",
        type=_record_id,
        action="append",
        metavar="ID",
        help="only this Org A record (repeatable)",
    )
    _env_file_option(parser, top=True)
    auto = parser.add_argument_group("--auto only")
    auto.add_argument("--allow-overwrite", action="store_true", help="also apply overwrite rows")
    auto.add_argument("--on-duplicate", choices=("skip", "newest"), help="default: skip")
    auto.add_argument("--report", type=_report, metavar="PATH", help="write a .json/.csv report")
    auto.add_argument(
        "--fail-on-review", action="store_true", help="exit 3 when review rows remain"
    )


SUBCOMMANDS: Final = {
    "check": (
        "configuration, tokens, org identities, field metadata",
        "Validate every variable, get a token per org, read both orgs' identities and the "
        "module's field metadata, and refuse a missing, read-only or wrongly typed field. "
        "Reads no records and writes nothing. --probe also tries each query form Zoho leaves "
        "undocumented (LIMIT 1 queries) and remembers which this org accepts.",
    ),
    "history": (
        "past runs with their counts",
        "List past runs from the journal, newest first, with their outcome counts. Needs no "
        "credentials and makes no network call.",
    ),
    "undo": (
        "put back what a run wrote, where nobody changed it",
        "Restore Org B's old values where every field the run wrote still holds what it "
        "wrote, and untick Org A for those rows and for the rows the run only ticked. The "
        "undo is itself a journalled run. --dry-run shows what would be restored.",
    ),
    "sim": (
        "serve a simulated pair of Zoho orgs on loopback",
        "Serve Zoho's accounts server and CRM API for two simulated orgs on loopback, print "
        "a complete .env for them (fake credentials) and '# ready', and serve until "
        "interrupted.",
    ),
}


def _sub(subs: Any, name: str) -> argparse.ArgumentParser:
    summary, description = SUBCOMMANDS[name]
    parser: argparse.ArgumentParser = subs.add_parser(
        name, help=summary, description=description, epilog=EPILOG
    )
    return parser


def _max_file_mb(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number > 0 or number != number or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be greater than 0 (got {value})")
    return number


def _files_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``fieldsync files``: §3's options (also accepted before ``files``) plus §9.1's."""
    files = subs.add_parser(
        "files",
        help="the files job: attachments into each record's WorkDrive folder",
        description="Copy each pending Org A record's file attachments into its folder in "
        "Org B's WorkDrive (a sub-folder of ORG_B_TEAM_FOLDER_ID with the record's name), "
        "write the folder's URL and id into the record and tick its files checkbox. Every "
        "file lands exactly once, also after a crash. Without --auto the review console for "
        "this job opens (it needs a terminal).",
        epilog=EPILOG,
        argument_default=argparse.SUPPRESS,
    )
    _run_options(files)
    extra = files.add_argument_group("files job")
    extra.add_argument("--tick-empty", action="store_true", help="also tick no_files records")
    extra.add_argument(
        "--max-file-mb", type=_max_file_mb, metavar="N", help="skip files larger (too_large)"
    )
    extra.add_argument(
        "--include-ticked", action="store_true", help="also load records already ticked"
    )
    for action in files._actions:  # what was given before `files` is kept
        if action.dest != "help":
            action.default = argparse.SUPPRESS


def _subcommands(parser: argparse.ArgumentParser) -> None:
    subs = parser.add_subparsers(dest="command", metavar="{files,check,history,undo,sim}")
    _files_parser(subs)
    check = _sub(subs, "check")
    _env_file_option(check, top=False)
    check.add_argument(
        "--probe",
        action="store_true",
        help="also try, with LIMIT 1 queries (about 15 credits), each query form Zoho leaves "
        "undocumented; print and remember which this org accepts",
    )
    history = _sub(subs, "history")
    _env_file_option(history, top=False)
    undo = _sub(subs, "undo")
    undo.add_argument("run_id", metavar="RUN_ID", help="a run id, as fieldsync history lists it")
    undo.add_argument(
        "--record-id",
        dest="undo_record_id",
        type=_record_id,
        action="append",
        metavar="ID",
        help="only this Org A record (repeatable)",
    )
    undo.add_argument(
        "--dry-run", dest="undo_dry_run", action="store_true", help="show; write nothing"
    )
    _env_file_option(undo, top=False)
    sim = _sub(subs, "sim")
    sim.add_argument("--port", type=int, help="port (0 = any free port)")
    sim.add_argument("--records", type=int, help="Org A demo records")
    sim.add_argument("--latency-ms", type=float, help="latency per request")
    sim.add_argument("--seed", type=int, help="seed of the demo data")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldsync",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"fieldsync {__version__}")
    _run_options(parser)
    _subcommands(parser)
    return parser


def _misuse(args: argparse.Namespace) -> str | None:
    """A message when options are combined in a way DESIGN §3 does not allow."""

    def given(dest: str) -> bool:
        return getattr(args, dest, None) not in (None, False)

    if args.command == "files":
        return _misuse_files(args, given)
    if args.command is not None:
        wrong = [flag for dest, flag in (*RUN_OPTIONS, *AUTO_ONLY) if given(dest)]
        wrong += [flag for dest, flag in (("demo", "--demo"), ("auto", "--auto")) if given(dest)]
        if wrong:
            return f"{', '.join(wrong)} cannot be used with 'fieldsync {args.command}'"
        if args.command == "sim" and given("env_file"):
            return "--env-file cannot be used with 'fieldsync sim'"
        return None
    if not args.auto:
        wrong = [flag for dest, flag in AUTO_ONLY if given(dest)]
        if wrong:
            verb = "applies" if len(wrong) == 1 else "apply"
            return f"{', '.join(wrong)} only {verb} to --auto (the console asks instead)"
    if args.demo and given("env_file"):
        return "--demo uses built-in simulated orgs; --env-file does not apply"
    return None


def _misuse_files(args: argparse.Namespace, given: Callable[[str], bool]) -> str | None:
    if not args.auto:
        wrong = [flag for dest, flag in AUTO_ONLY if given(dest)]
        if wrong:
            verb = "applies" if len(wrong) == 1 else "apply"
            return f"{', '.join(wrong)} only {verb} to 'fieldsync files --auto'"
    if args.demo and given("env_file"):
        return "--demo uses built-in simulated orgs; --env-file does not apply"
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parsed arguments; a usage error exits 2 (``SystemExit``) with argparse's message."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "undo":  # `fieldsync --dry-run undo RUN` means what it says
        args.undo_dry_run = args.undo_dry_run or args.dry_run
        args.undo_record_id = [*(args.record_id or ()), *(args.undo_record_id or ())] or None
        args.dry_run, args.record_id = False, None
    message = _misuse(args)
    if message:
        parser.error(message)
    return args


def _sim_argv(args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    for flag, value in (
        ("--port", args.port),
        ("--records", args.records),
        ("--latency-ms", args.latency_ms),
        ("--seed", args.seed),
    ):
        if value is not None:
            out += [flag, str(value)]
    return out


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "sim":
        from fieldsync_tui.simulator.server import main_sim

        return main_sim(_sim_argv(args))
    if args.command == "files" and not args.auto:
        return _files_console(args)
    if args.command == "files":
        from fieldsync_tui.files_auto import main_files

        return main_files(args)
    if args.command in ("check", "history", "undo"):
        from fieldsync_tui.commands import run_command

        return run_command(args)
    if args.auto:
        from fieldsync_tui.auto import main_auto

        return main_auto(args)
    return _console(args)


def _console(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.stderr.write(
            "fieldsync: the review console needs a terminal; for cron, timers and scripts "
            "use: fieldsync --auto [--dry-run] [--report PATH]\n"
        )
        return 1
    from fieldsync_tui import progress
    from fieldsync_tui.logs import setup_logging, teardown_logging

    settings = None
    if not args.demo:
        loaded = progress.settings_or_exit_code(args.env_file)
        if isinstance(loaded, int):
            return loaded
        settings = loaded
        for warning in settings.warnings:
            sys.stderr.write(f"fieldsync: warning: {warning}\n")
        try:
            log = setup_logging(settings.log_dir, secrets=secret_values(settings))
        except OSError as err:
            where = safe(str(settings.log_dir))
            sys.stderr.write(f"fieldsync: LOG_DIR: cannot use {where} ({safe(str(err))})\n")
            return 1
        for warning in settings.warnings:
            log.warning("%s", warning)
    from fieldsync_tui.app import ConsoleOptions, run_console  # textual: console only

    options = ConsoleOptions(
        dry_run=args.dry_run, limit=args.limit, record_ids=tuple(args.record_id or ())
    )
    try:
        return run_console(settings, options, demo=args.demo)
    finally:
        if settings is not None:
            teardown_logging()


def _files_console(args: argparse.Namespace) -> int:
    """``fieldsync files`` (``--demo``): the files job's console (DESIGN §9.6)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.stderr.write(
            "fieldsync: the files console needs a terminal; for cron, timers and scripts "
            "use: fieldsync files --auto [--dry-run] [--report PATH]\n"
        )
        return 1
    from fieldsync_tui import files_console  # textual: console only

    return files_console.main_files_console(args)


def main(argv: list[str] | None = None) -> int:
    """``fieldsync`` / ``python -m fieldsync_tui``; returns the exit code."""
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        sys.stderr.write("fieldsync: interrupted\n")
        return 1
