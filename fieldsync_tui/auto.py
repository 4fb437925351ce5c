"""``fieldsync --auto`` (and ``--demo --auto``): plan, apply what is safe, report, exit.

Never imports textual. Order (DESIGN §2, §3, §6): configuration was validated by the caller
(exit 1, no network call) → journal opened, lock taken unless a dry run, unfinished runs
reported and marked interrupted → both clients, start-up checks → load and classify →
apply §5's ``--auto`` column → report → summary on stdout, progress on stderr.
SIGINT/SIGTERM: the batch in flight finishes, the rest is journalled as not attempted, the
report is written, exit 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shlex
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

import httpx

from fieldsync_tui.clients import build_clients, run_headless, stop_signals
from fieldsync_tui.config import Settings, demo_settings
from fieldsync_tui.core.events import EngineEvent, RunSummary
from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal, RunRecord
from fieldsync_tui.core.lock import LockHeldError
from fieldsync_tui.core.options import RunOptions
from fieldsync_tui.core.report import summary_from_rows, write_report
from fieldsync_tui.core.run import counts_json
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.fields import JOB
from fieldsync_tui.fields.session import SyncSession
from fieldsync_tui.fields.startup import Connected, StartupError, connect
from fieldsync_tui.logs import redact
from fieldsync_tui.progress import (
    ProgressPrinter,
    format_summary,
    print_problems,
    settings_or_exit_code,
)
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.errors import ZohoError

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_REVIEW: Final = 3
DEMO_RECORDS: Final = 300
DEMO_SEED: Final = 7
TITLE: Final = "fieldsync --auto"


@dataclass(frozen=True)
class AutoOptions(RunOptions):
    """``--auto``'s options: the shared ones plus its own extras."""

    report: Path | None = None
    """``--report``: the JSON or CSV report file."""
    fail_on_review: bool = False
    """``--fail-on-review``: exit 3 when rows needing review are left."""

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AutoOptions:
        argv = getattr(args, "argv", None)
        return cls(
            dry_run=bool(args.dry_run),
            limit=args.limit,
            record_ids=tuple(args.record_id or ()),
            allow_overwrite=bool(args.allow_overwrite),
            on_duplicate=args.on_duplicate or "skip",
            report=args.report,
            fail_on_review=bool(args.fail_on_review),
            command="fieldsync " + shlex.join(argv) if argv else "fieldsync --auto",
        )


def main_auto(args: argparse.Namespace) -> int:
    """Entry from ``cli.py``."""
    options = AutoOptions.from_args(args)
    if args.demo:
        return run_demo_auto(options)
    settings = settings_or_exit_code(args.env_file)
    return settings if isinstance(settings, int) else run_auto(settings, options)


FILE_ONLY: Final = {"file_only": True}
"""``extra=`` for a log record already said on stderr in other words (said once, not twice)."""


def run_auto(
    settings: Settings,
    options: AutoOptions,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """The headless run; returns the exit code (DESIGN §3)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    return run_headless(
        settings, err, lambda log: AutoRun(settings, options, transport, out, err, log).run()
    )


def run_demo_auto(options: AutoOptions) -> int:
    """``--demo --auto``: the headless flow on an in-process simulator, temporary state."""
    from fieldsync_tui.simulator import SimConfig, Simulator
    from fieldsync_tui.simulator.dataset import populate_demo

    sim = Simulator(SimConfig(seed=DEMO_SEED))
    populate_demo(sim, records=DEMO_RECORDS, seed=DEMO_SEED)
    with tempfile.TemporaryDirectory(prefix="fieldsync-demo-") as tmp:
        settings = demo_settings(sim.env("http://127.0.0.1"), Path(tmp))
        return run_auto(settings, options, transport=sim.transport())


class AutoRun:
    """One ``--auto`` run (see module doc)."""

    def __init__(
        self,
        settings: Settings,
        options: AutoOptions,
        transport: httpx.AsyncBaseTransport | None,
        stdout: TextIO,
        stderr: TextIO,
        logger: logging.Logger,
    ) -> None:
        self.settings = settings
        self.options = options
        self.transport = transport
        self.stdout = stdout
        self.stderr = stderr
        self.log = logger
        self.printer = ProgressPrinter(stderr)
        self.control = ApplyControl()
        self.session: SyncSession | None = None
        self.summary: RunSummary | None = None
        self.interrupted = False
        self._loading: asyncio.Future[Any] | None = None
        self._journal: Journal | None = None  # set once the lock (if any) is ours
        self._guard: RunGuard | None = None
        self._applying = False

    def say(self, text: str) -> None:
        self.printer.line(text)

    async def run(self) -> int:
        try:
            journal = Journal.open(self.settings.state_dir)
        except Exception as err:
            where = safe(str(self.settings.state_dir))
            return self._fatal(f"FIELDSYNC_STATE_DIR: cannot open the journal in {where} ({err})")
        guard = RunGuard(journal, self.settings.state_dir, JOB, self.options.command)
        try:
            # a dry run takes no lock: it only marks leftovers of a process that is gone
            runs = guard.recover() if self.options.dry_run else guard.acquire()
            self._journal = journal
            self._guard = guard
            self._recover(runs, guard)
            with stop_signals(self._on_signal):
                return await self._connected_run(journal)
        except LockHeldError as err:
            return self._fatal(f"{err}; not starting")
        finally:
            self.printer.close()
            guard.release()
            journal.close()

    def _recover(self, runs: list[RunRecord], guard: RunGuard) -> None:
        if guard.held and guard.taken_over:
            self.log.warning(
                "took over a lock left by a process that is gone: %s", guard.taken_over
            )
        for run in runs:
            text = f"run {run.id} was interrupted ({run.unconfirmed} rows not confirmed)"
            self.say(text + "; marked interrupted, this run plans afresh")
            self.log.warning("%s; marked interrupted", text, extra=FILE_ONLY)

    def _on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if not self.interrupted:
            self.say(f"{name}: finishing the batches in flight, then stopping")
            self.log.warning(
                "%s received: finishing the batches in flight, then stopping", name, extra=FILE_ONLY
            )
        self.interrupted = True
        self.control.cancel()
        if self._loading is not None:
            self._loading.cancel()

    async def _connected_run(self, journal: Journal) -> int:
        client_a, client_b = build_clients(self.settings, self.transport)
        try:
            return await self._guarded(journal, client_a, client_b)
        finally:
            await client_a.aclose()
            await client_b.aclose()

    async def _guarded(self, journal: Journal, client_a: ZohoClient, client_b: ZohoClient) -> int:
        try:
            return await self._plan_and_apply(journal, client_a, client_b)
        except StartupError as err:
            print_problems("start-up", [redact(p) for p in err.problems], stream=self.stderr)
            self.log.error("start-up checks failed: %s", "; ".join(err.problems), extra=FILE_ONLY)
            return self._finish(None, "start-up checks failed")
        except asyncio.CancelledError:
            if not self.interrupted:
                raise
            return self._finish(None, "interrupted by a signal while loading")
        except ZohoError as err:
            return self._fatal(f"{err.title}: {err}")
        except LockHeldError:
            raise
        except Exception as err:
            self.log.exception("unexpected error", extra=FILE_ONLY)
            return self._fatal(f"unexpected {type(err).__name__}: {err}")

    def _fatal(self, text: str) -> int:
        """Say why the run cannot go on; report and summary with the rows known so far."""
        text = redact(safe(text))
        self.say(f"fatal: {text}")
        self.log.error("fatal: %s", text, extra=FILE_ONLY)
        return self._finish(None, text)

    async def _plan_and_apply(
        self, journal: Journal, client_a: ZohoClient, client_b: ZohoClient
    ) -> int:
        connected = await connect(self.settings, client_a, client_b)
        if self.interrupted:
            return self._finish(None, "interrupted by a signal while connecting")
        self._header(connected)
        held = self._guard if self._guard is not None and self._guard.held else None
        session = SyncSession(self.settings, connected, journal, self.options, self.log, held)
        self.session = session
        self._loading = asyncio.ensure_future(session.load(self.printer.loading))
        try:
            await self._loading
        finally:
            self._loading = None
        if self.interrupted:
            return self._finish(None, "interrupted by a signal before applying")
        self.printer.loaded(len(session.plan.rows))
        self._applying = True
        summary = await session.apply(
            session.auto_rows(), on_event=self._on_event, control=self.control
        )
        return self._finish(summary, None)

    def _on_event(self, event: EngineEvent) -> None:
        self.printer.event(event)

    def _header(self, connected: Connected) -> None:
        for ctx in (connected.a, connected.b):
            triggers = ",".join(ctx.triggers) or "none"
            self.say(
                f"Org {ctx.label}: {safe(ctx.info.name)} (id {safe(ctx.info.id)}, region "
                f"{ctx.region}, triggers {triggers})"
            )
        if self.options.dry_run:
            self.say("dry run: nothing will be written to Zoho")

    def _finish(self, summary: RunSummary | None, failure: str | None) -> int:
        if summary is None:
            plan = self.session.plan if self.session is not None else None
            summary = summary_from_rows(
                None,
                plan.rows if plan is not None else [],
                plan.report_only if plan is not None else {},
                dry_run=self.options.dry_run,
                stopped_reason=failure,
            )
            summary.run_id = self._stopped_run_id(summary)
        if self.session is not None and not summary.reads:
            summary.reads = dict(self.session.reads)
        self.summary = summary
        self.printer.close()
        report_ok = self._write_report(summary)
        status = "interrupted" if self.interrupted else None
        self.stdout.write(
            format_summary(summary, title=TITLE, report=self.options.report, status=status)
        )
        self.stdout.flush()
        return exit_code(summary, failure, self.options.fail_on_review, report_ok, self.interrupted)

    def _stopped_run_id(self, summary: RunSummary) -> str:
        """A run that stopped before the engine journalled it (start-up refused, fatal error
        while loading) is journalled as failed, so its report, summary and ``history`` share
        a run id. "" when there is no journal of ours (lock held, journal unusable)."""
        journal, guard = self._journal, self._guard
        if journal is None or guard is None:
            return ""
        try:
            if self._applying:  # the engine journalled it (failed) before the error came up
                runs = journal.list_runs(1)
                return runs[0].id if runs and runs[0].status == "failed" else ""
            run_id = guard.journal_stopped(
                mode="auto",
                command=self.options.command,
                dry_run=self.options.dry_run,
                rows=summary.rows,
                status="interrupted" if self.interrupted else "failed",
                counts=counts_json(summary),
                reason=summary.stopped_reason,
            )
        except Exception as err:  # the report and summary still go out
            self.log.error("cannot journal the stopped run: %s", err)
            return ""
        return run_id

    def _write_report(self, summary: RunSummary) -> bool:
        path = self.options.report
        if path is None:
            return True
        try:
            write_report(path, summary)
        except OSError as err:
            self.say(f"--report: cannot write {safe(str(path))} ({err})")
            self.log.error("cannot write the report %s: %s", path, err, extra=FILE_ONLY)
            return False
        return True


def exit_code(
    summary: RunSummary,
    failure: str | None,
    fail_on_review: bool,
    report_ok: bool = True,
    interrupted: bool = False,
) -> int:
    """DESIGN §3: 1 for a failure of any kind (wins over 3); 3 for review rows left."""
    if failure or interrupted or not report_ok or summary.exit_code:
        return EXIT_FAILED
    if fail_on_review and summary.review_rows():
        return EXIT_REVIEW
    return EXIT_OK
