"""The console header: both orgs, module, trigger policies and dry-run state."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from fieldsync_tui.text import safe

from .flow import Flow


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
    job: str = "fields"
    notes: tuple[str, ...] = ()  # the job's options an operator must see (--tick-empty)
    writes: str | None = None  # what a confirmed apply writes, when not the field sync's


def _triggers(t: tuple[str, ...]) -> str:
    return ",".join(t) if t else "none"


def safety_flag(info: HeaderInfo) -> tuple[Text, Text]:
    """The flag (what a confirmed apply writes to) and its one-line explanation."""
    if info.dry_run:
        return Text(" DRY RUN ", style="bold reverse yellow"), Text("nothing is written")
    if info.demo:
        return Text(" DEMO ", style="bold reverse magenta"), Text("writes go to the simulator")
    return Text(" LIVE ", style="bold reverse red"), Text("Zoho is written on confirm")


def mode_sentence(info: HeaderInfo) -> Text:
    """What ``y`` in the apply dialog does, in the header's words."""
    if info.dry_run:
        return Text("DRY RUN: nothing is written to Zoho.", style="bold yellow")
    if info.writes is not None:
        where = "DEMO (the built-in simulated orgs)" if info.demo else "LIVE"
        return Text(
            f"{where}: {safe(info.writes)}.", style="bold magenta" if info.demo else "bold red"
        )
    if info.demo:
        return Text(
            "DEMO: the built-in simulated Org B is written and simulated Org A ticked.",
            style="bold magenta",
        )
    return Text(
        f"LIVE: Org B ({safe(info.org_b.name)}) is written and Org A "
        f"({safe(info.org_a.name)}) ticked.",
        style="bold red",
    )


def header_units(info: HeaderInfo) -> list[Text]:
    """The header as units that wrap between, never inside: the safety flag comes first."""
    flag, why = safety_flag(info)
    flag.append_text(Text(" "))
    flag.append_text(why)
    out = [flag]
    for org, arrow in ((info.org_a, ""), (info.org_b, "→ ")):
        unit = Text(arrow, style="bold", end="")
        unit.append(f"{org.label} ", style="bold")
        unit.append(safe(org.name), style="bold cyan")
        unit.append(f" ({safe(org.region)})")
        out.append(unit)
    if info.job != "fields":
        out.append(Text.assemble(("job ", "dim"), (safe(info.job), "bold")))
    out.append(Text.assemble(("module ", "dim"), safe(info.module)))
    out.append(
        Text.assemble(
            ("triggers ", "dim"),
            f"A {safe(_triggers(info.org_a.triggers))} · B {safe(_triggers(info.org_b.triggers))}",
        )
    )
    out += [Text(safe(note), style="bold") for note in info.notes]
    return out


def header_text(info: HeaderInfo) -> Text:
    """The header on one line (for tests and logs); the widget wraps between units."""
    return Text("  ").join(header_units(info))


class OrgHeader(Static):
    DEFAULT_CSS = """
    OrgHeader {
        height: auto;
    }
    """

    def show_info(self, info: HeaderInfo | None) -> None:
        self.update(Flow(header_units(info)) if info else Text("Connecting…", style="dim"))
