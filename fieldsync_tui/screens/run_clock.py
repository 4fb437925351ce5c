"""The truth about a run in flight: rows done, rows per second and ETA without paused time,
"pausing…" the moment ``p`` is pressed, and one closing line ("done in 12 s: applied …")."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rich.text import Text

Clock = Callable[[], float]


def mb(count: float) -> str:
    """Bytes as MB with one decimal (``12.3``)."""
    return f"{count / 1_000_000:,.1f}"


def seconds(value: float) -> str:
    whole = max(0, round(value))
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@dataclass
class RunClock:
    """One run's progress; ``now`` is injectable (tests)."""

    total: int
    dry_run: bool = False
    unit: str = "rows"  # what the job counts (JobRules.progress_unit)
    between: str = "batches"  # where a pause takes hold (JobRules.pause_between)
    now: Clock = time.monotonic
    done: int = 0
    started: float = field(init=False)
    paused_since: float | None = None
    paused_for: float = 0.0
    bytes_done: int | None = None  # a job that moves files counts bytes too
    bytes_total: int | None = None

    def __post_init__(self) -> None:
        self.started = self.now()

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    def pause(self) -> None:
        if self.paused_since is None:
            self.paused_since = self.now()

    def resume(self) -> None:
        if self.paused_since is not None:
            self.paused_for += self.now() - self.paused_since
            self.paused_since = None

    def finish(self) -> None:
        """The run ended: a pause asked for while its last batches were in flight never
        took hold, so it is not counted as paused time."""
        self.paused_since = None

    def active_seconds(self) -> float:
        """Seconds spent writing (paused time left out)."""
        paused = self.paused_for
        if self.paused_since is not None:
            paused += self.now() - self.paused_since
        return max(0.0, self.now() - self.started - paused)

    def rate(self) -> float | None:
        active = self.active_seconds()
        return self.done / active if self.done and active > 0 else None

    def byte_rate(self) -> float | None:
        """Bytes per second of active time (None before the first byte or for rows)."""
        active = self.active_seconds()
        return self.bytes_done / active if self.bytes_done and active > 0 else None

    def eta(self) -> float | None:
        """Seconds left at the current rate (bytes when the job moves them); None while
        paused or before the first rows."""
        if self.paused:
            return None
        if self.bytes_total:
            rate = self.byte_rate()
            left = self.bytes_total - (self.bytes_done or 0)
        else:
            rate = self.rate()
            left = self.total - self.done
        return None if rate is None else max(0, left) / rate

    def label(self) -> Text:
        verb = "dry run" if self.dry_run else "writing"
        if self.total == 0:
            return Text("nothing to write: no approved row is applicable")
        text = Text(f"{verb} {self.done:,}/{self.total:,}")
        if self.bytes_total is not None:
            text = Text(f"{verb} {self.done:,}/{self.total:,} {self.unit}")
            text.append(f" · {mb(self.bytes_done or 0)}/{mb(self.bytes_total)} MB")
        if self.paused:
            what = self.unit if self.between == "items" else self.between
            text.append(f"  pausing… ({what} in flight finish; p resumes)", style="bold")
            return text
        rate, eta = self.rate(), self.eta()
        byte_rate = self.byte_rate()
        if byte_rate is not None:
            text.append(f"  {mb(byte_rate)} MB/s", style="dim")
        elif rate is not None:
            text.append(f"  {rate:,.0f} {self.unit}/s", style="dim")
        if eta is not None:
            text.append(f"  about {seconds(eta)} left", style="dim")
        return text

    def closing(self, outcomes: Mapping[str, int], stopped: str | None) -> Text:
        """``done in 12 s: applied 1,197, failed 3`` (or how it stopped)."""
        counts = ", ".join(f"{k} {v:,}" for k, v in outcomes.items() if v) or "no rows"
        took = seconds(self.active_seconds())
        paused = f" (plus {seconds(self.paused_for)} paused)" if self.paused_for >= 1 else ""
        what = "dry run done" if self.dry_run else "done"
        if stopped:
            return Text(f"stopped after {took}{paused}: {counts}; {stopped}", style="bold yellow")
        return Text(f"{what} in {took}{paused}: {counts}")
