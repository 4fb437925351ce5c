"""The console header: both orgs, module, trigger policies and dry-run state."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from fieldsync_tui.text import safe


@dataclass(frozen=True)
class OrgLine:
    label: str  # "A" / "B"
    name: str  # the org's name from GET /org (untrusted)
    region: str
    triggers: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeaderInfo:
    """What the header shows; built by the app from the connected orgs."""

    org_a: OrgLine
    org_b: OrgLine
    module: str
    dry_run: bool
    demo: bool = False  # the built-in simulated orgs (fieldsync --demo)


def _triggers(t: tuple[str, ...]) -> str:
    return ",".join(t) if t else "none"


def header_text(info: HeaderInfo) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for org, arrow in ((info.org_a, " → "), (info.org_b, "")):
        text.append(f"{org.label} ", style="bold")
        text.append(safe(org.name), style="bold cyan")
        text.append(f" ({safe(org.region)}, triggers: {safe(_triggers(org.triggers))})")
        text.append(arrow, style="bold")
    text.append(f"   module {safe(info.module)}", style="dim")
    if info.dry_run:
        text.append("   DRY RUN — nothing is written", style="bold reverse yellow")
    elif info.demo:
        text.append("   DEMO — writes go to the built-in simulator", style="bold magenta")
    else:
        text.append("   LIVE — writes on confirm", style="bold red")
    return text


class OrgHeader(Static):
    DEFAULT_CSS = """
    OrgHeader {
        height: 1;
    }
    """

    def show_info(self, info: HeaderInfo | None) -> None:
        self.update(header_text(info) if info else Text("Connecting…", style="dim"))
