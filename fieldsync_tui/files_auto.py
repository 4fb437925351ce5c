"""``fieldsync files --auto`` (and ``files --demo --auto``): the files job headless (§9).

Configuration validated (exit 1, no network call; ``ORG_B_TEAM_FOLDER_ID`` required) →
journal, ``lock.files`` unless a dry run, unfinished files runs reported → clients, start-up
checks → load, classify, select, plan → §9.3's ``--auto`` column → report → summary on
stdout, progress on stderr. SIGINT/SIGTERM: files in flight finish (for up to 30 s), no new
file starts, the rest is journalled as not attempted, the report is written, exit 1.
Never imports textual.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Final, TextIO

import httpx

from fieldsync_tui.auto import AutoOptions
from fieldsync_tui.clients import build_clients, run_headless, stop_signals
from fieldsync_tui.config import Settings, demo_settings
from fieldsync_tui.core.events import BatchStarted, LogLine, Progress, RunStarted
from fieldsync_tui.core.guard import RunGuard
from fieldsync_tui.core.journal import Journal, new_run_id
from fieldsync_tui.core.journal_items import begin_job_run
from fieldsync_tui.core.lock import LockHeldError
from fieldsync_tui.core.runner import ApplyControl
from fieldsync_tui.files import JOB
from fieldsync_tui.files.apply import counts_json, row_state
from fieldsync_tui.files.events import FileSettled, FilesEvent, FilesSummary
from fieldsync_tui.files.model import CopyOutcome, FileClass, FileOutcome
from fieldsync_tui.files.report_file import write_files_report
from fieldsync_tui.files.session import FilesClients, FilesOptions, FilesSession
from fieldsync_tui.files.settings import files_settings
from fieldsync_tui.files.startup import FilesStartupError, connect_files
from fieldsync_tui.logs import redact
from fieldsync_tui.progress import pairs, print_problems, settings_or_exit_code
from fieldsync_tui.text import safe
from fieldsync_tui.zoho.errors import ZohoError

TITLE: Final = "fieldsync files --auto"
SIGNAL_GRACE: Final = 30.0
DEMO_RECORDS: Final = 40
DEMO_SEED: Final = 7


@dataclass(frozen=True)
class FilesAutoOptions(FilesOptions):
    report: Path | None = None
    fail_on_review: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> FilesAutoOptions:
        """§3's options as ``--auto`` reads them, plus §9.1's."""
        read = AutoOptions.from_args(args)
        shared = {f.name: getattr(read, f.name) for f in fields(AutoOptions)}
        if not getattr(args, "argv", None):
            shared["command"] = TITLE
        return cls(
            **shared,
            tick_empty=bool(getattr(args, "tick_empty", False)),
            max_file_mb=getattr(args, "max_file_mb", None),
            include_ticked=bool(getattr(args, "include_ticked", False)),
        )


def main_files(args: argparse.Namespace) -> int:
    """Entry from ``cli.py`` for ``fieldsync files``."""
    options = FilesAutoOptions.from_args(args)
    if args.demo:
        return run_files_demo(options)
    settings = settings_or_exit_code(args.env_file)
    if isinstance(settings, int):
        return settings
    if not settings.team_folder_id:
        return print_problems(
            "configuration",
            ["ORG_B_TEAM_FOLDER_ID: missing (required by fieldsync files)"],
        )
    return run_files_auto(settings, options)


def run_files_auto(
    settings: Settings,
    options: FilesAutoOptions,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    return run_headless(
        settings, err, lambda log: FilesAutoRun(settings, options, transport, out, err, log).run()
    )


def run_files_demo(options: FilesAutoOptions) -> int:
    """``files --demo --auto``: the files flow on in-process simulated orgs, temporary state."""
    from fieldsync_tui.simulator import SimConfig, Simulator
    from fieldsync_tui.simulator.dataset import populate_demo
    from fieldsync_tui.simulator.files_dataset import populate_files_demo

    sim = Simulator(SimConfig(seed=DEMO_SEED))
    populate_demo(sim, records=DEMO_RECORDS, seed=DEMO_SEED)
    populate_files_demo(sim.org("A"), sim.org("B").workdrive, sim.team_folder_id, DEMO_SEED)
    with tempfile.TemporaryDirectory(prefix="fieldsync-files-demo-") as tmp:
        settings = demo_settings(sim.env("http://127.0.0.1"), Path(tmp))
        return run_files_auto(settings, options, transport=sim.transport())


class ProgressMeter:
    """Throttled progress lines for a long transfer: at most one every ``every`` seconds,
    always the last one, never the same numbers twice; files, MB, MB/s and ETA."""

    def __init__(self, every: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._start: float | None = None
        self._last_at: float | None = None
        self._last: tuple[int, int] | None = None

    def start(self) -> None:
        self._start, self._last_at, self._last = self.clock(), None, None

    def line(self, event: Progress) -> str | None:
        now = self.clock()
        if self._start is None:
            self._start = now
        done_bytes = event.bytes_done or 0
        key = (event.done, done_bytes)
        final = event.done >= event.total
        due = self._last_at is None or now - self._last_at >= self.every
        if key == self._last or not (final or due):
            return None
        self._last, self._last_at = key, now
        elapsed = now - self._start
        rate = done_bytes / elapsed / 1e6 if elapsed > 0 else 0.0
        eta = "" if final or event.eta_seconds is None else f", ETA {event.eta_seconds:.0f}s"
        speed = f" ({rate:.1f} MB/s{eta})" if elapsed > 0 and not final else ""
        return (
            f"progress: {event.done}/{event.total} files, "
            f"{done_bytes / 1e6:,.1f}/{(event.bytes_total or 0) / 1e6:,.1f} MB{speed}"
        )


class FilesAutoRun:
    def __init__(
        self,
        settings: Settings,
        options: FilesAutoOptions,
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
        self.control = ApplyControl()
        self.session: FilesSession | None = None
        self.interrupted = False
        self._task: asyncio.Task[int] | None = None
        self._journal: Journal | None = None  # set once the lock (if any) is ours
        self._applying = False
        self._meter = ProgressMeter()

    def say(self, text: str) -> None:
        self.stderr.write(f"fieldsync: {text}\n")
        self.stderr.flush()

    async def run(self) -> int:
        try:
            journal = Journal.open(self.settings.state_dir)
        except Exception as err:
            where = safe(str(self.settings.state_dir))
            return self._fatal(f"FIELDSYNC_STATE_DIR: cannot open the journal in {where} ({err})")
        guard = RunGuard(journal, self.settings.state_dir, JOB, self.options.command)
        try:
            runs = guard.recover() if self.options.dry_run else guard.acquire()
            self._journal = journal
            for run in runs:
                self.say(
                    f"files run {run.id} was interrupted ({run.unconfirmed} records not "
                    "confirmed); marked interrupted, this run plans afresh"
                )
            with stop_signals(self._on_signal):
                self._task = asyncio.ensure_future(self._connected(journal, guard))
                try:
                    return await self._task
                except asyncio.CancelledError:
                    return self._finish(None, "interrupted by a signal")
        except LockHeldError as err:
            return self._fatal(f"{err}; not starting")
        finally:
            guard.release()
            journal.close()

    def _on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if not self.interrupted:
            self.say(f"{name}: finishing the files in flight (up to 30 s), then stopping")
            self.log.warning("%s received: stopping after the files in flight", name)
            loop = asyncio.get_running_loop()
            loop.call_later(SIGNAL_GRACE, self._hard_stop)
        self.interrupted = True
        self.control.cancel()
        if self.session is None or self.session.plan is None:
            self._hard_stop()  # still loading: nothing in flight to finish

    def _hard_stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def _connected(self, journal: Journal, guard: RunGuard) -> int:
        client_a, client_b = build_clients(self.settings, self.transport)
        clients = FilesClients.of(client_a, client_b)
        fs = files_settings(self.settings)
        try:
            connected = await connect_files(
                fs.fields, fs.team_folder_id, client_a, client_b, clients.drive
            )
            a, b = connected.a_info, connected.b_info
            self.say(f"Org A: {safe(a.name)} (id {safe(a.id)})")
            self.say(f"Org B: {safe(b.name)} (id {safe(b.id)})")
            self.say(f"team folder: {safe(connected.team_folder_name)} ({fs.team_folder_id})")
            if self.options.dry_run:
                self.say("dry run: nothing will be downloaded, uploaded or written to Zoho")
            held = guard if guard.held else None
            session = FilesSession(fs, clients, journal, self.options, self.log, held)
            await session.load(lambda what, n: self.say(f"loaded {n} {what}"))
            self.session = session
            if self.interrupted:
                return self._finish(None, "interrupted by a signal before applying")
            actions = session.auto_actions()
            self._applying = True  # from here the run journals itself
            summary = await session.apply(actions, self._on_event, self.control)
            return self._finish(summary, None)
        except FilesStartupError as err:
            print_problems("start-up", [redact(p) for p in err.problems], stream=self.stderr)
            return self._finish(None, "start-up checks failed")
        except ZohoError as err:
            return self._fatal(f"{err.title}: {err}")
        except LockHeldError:
            raise
        except Exception as err:
            self.log.exception("unexpected error")
            return self._fatal(f"unexpected {type(err).__name__}: {err}")
        finally:
            await client_a.aclose()
            await client_b.aclose()

    def _on_event(self, event: FilesEvent) -> None:
        if isinstance(event, RunStarted):
            self.say(f"run {event.run_id}: {event.total} records to apply")
            self._meter.start()
        elif isinstance(event, BatchStarted):
            self.say(f"batch {event.index + 1}: {event.size} records")
        elif isinstance(event, FileSettled):
            r = event.result
            text = f"record {event.a_id}: file {event.attachment_id} {r.outcome}"
            if r.outcome is CopyOutcome.FAILED:
                # a failure is for the operator; each copied file goes to the log file only
                text += f" ({safe(r.code or '')}: {safe(r.message)[:200]})"
                self.say(text)
            self.log.info("%s", text)
        elif isinstance(event, Progress) and event.bytes_done is not None:
            line = self._meter.line(event)
            if line is not None:
                self.say(line)
        elif isinstance(event, LogLine) and event.level >= logging.WARNING:
            self.say(event.text)

    def _fatal(self, text: str) -> int:
        text = redact(safe(text))
        self.say(f"fatal: {text}")
        self.log.error("fatal: %s", text)
        return self._finish(None, text)

    def _finish(self, summary: FilesSummary | None, failure: str | None) -> int:
        if summary is None:
            plan = self.session.plan if self.session is not None else None
            summary = FilesSummary(
                "",
                self.options.dry_run,
                plan.rows if plan is not None else [],
                dict(plan.report_only) if plan is not None else {},
                stopped_reason=failure,
                options=self.options.auto,
            )
            summary.run_id = self._journal_stopped(summary)
        report_ok = True
        if self.options.report is not None:
            try:
                write_files_report(self.options.report, summary)
            except OSError as err:
                self.say(f"--report: cannot write {safe(str(self.options.report))} ({err})")
                report_ok = False
        self.stdout.write(format_files_summary(summary, self.options.report, self.interrupted))
        self.stdout.flush()
        if failure or self.interrupted or not report_ok or summary.exit_code:
            return 1
        if self.options.fail_on_review and summary.review_rows():
            return 3
        return 0

    def _journal_stopped(self, summary: FilesSummary) -> str:
        """A run that stopped before it was journalled (start-up refused, fatal error while
        loading) is journalled, so its report, summary and ``history`` share a run id."""
        journal = self._journal
        if journal is None:
            return ""
        if self._applying:  # the apply journalled its run (failed) before the error came up
            run_id = self.session.apply_run_id if self.session is not None else None
            known = run_id is not None and journal.get_run(run_id) is not None
            return run_id if known and run_id is not None else ""
        run_id = new_run_id()
        try:
            begin_job_run(
                journal,
                run_id,
                job=JOB,
                mode="auto",
                command=self.options.command,
                dry_run=self.options.dry_run,
                rows=[row_state(r) for r in summary.rows],
            )
            status = "interrupted" if self.interrupted else "failed"
            journal.finish_run(run_id, status, counts_json(summary), summary.stopped_reason)
        except Exception as err:  # the report and the summary still go out
            self.log.error("cannot journal the stopped run: %s", err)
            return ""
        return run_id


def format_files_summary(summary: FilesSummary, report: Path | None, interrupted: bool) -> str:
    status = "interrupted" if interrupted else ("failed" if summary.exit_code else "done")
    t = summary.totals
    lines = [
        f"{TITLE}: run {summary.run_id or '(none)'}" + (" (dry run)" if summary.dry_run else ""),
        f"status: {status}",
        f"rows loaded: {len(summary.rows)}",
        f"classes: {pairs(dict(summary.class_counts), list(FileClass))}",
        f"outcomes: {pairs(dict(summary.outcome_counts), list(FileOutcome))}",
        f"files: planned={t['files_planned']} copied={t['files_copied']} "
        f"failed={t['files_failed']}",
        f"bytes: planned={t['bytes_planned']} copied={t['bytes_copied']} "
        f"failed={t['bytes_failed']}",
    ]
    p = summary.projection
    if summary.dry_run and p is not None:
        lines.append(
            f"projected: records={p.records} files={p.files} bytes={p.bytes} "
            f"calls={p.calls} credits={p.credits}"
        )
    if summary.report_only:
        lines.append("report-only: " + " ".join(f"{a}={s}" for a, s in summary.report_only.items()))
    lines.append(f"review rows: {summary.review_rows()}")
    if summary.stopped_reason:
        lines.append(f"stopped: {safe(summary.stopped_reason)}")
    if report is not None:
        lines.append(f"report: {safe(str(report))}")
    return "\n".join(lines) + "\n"
