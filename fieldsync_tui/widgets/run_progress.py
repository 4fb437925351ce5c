"""Progress of a load or a write: a bar plus done/total, rows per second and ETA."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Label, ProgressBar


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0, int(seconds))
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def progress_text(
    stage: str, done: int, total: int | None, rate: float | None, eta: float | None
) -> Text:
    count = f"{done}/{total}" if total is not None else f"{done}"
    text = Text(f"{stage} {count}")
    if rate is not None:
        text.append(f"  {rate:.1f} rows/s  ETA {_eta(eta)}", style="dim")
    return text


class RunProgress(Widget):
    """Hidden until a load or write reports progress."""

    DEFAULT_CSS = """
    RunProgress {
        height: 1;
        layout: horizontal;
    }
    RunProgress > ProgressBar {
        width: 40;
    }
    RunProgress > Label {
        width: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(show_eta=False, show_percentage=True)
        yield Label(id="progress-label")

    def show_progress(
        self,
        stage: str,
        done: int,
        total: int | None = None,
        rate: float | None = None,
        eta: float | None = None,
    ) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=total, progress=done)
        self.query_one(Label).update(progress_text(stage, done, total, rate, eta))

    def show_label(self, label: Text, done: int, total: int) -> None:
        """A label worked out elsewhere (a run's rate, ETA or closing line) and the bar."""
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done if total else 1)
        self.query_one(Label).update(label)

    @property
    def label_text(self) -> str:
        return str(self.query_one(Label).content)
