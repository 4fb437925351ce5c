"""One file copied CRM attachment → temporary file → WorkDrive, with the process's peak RSS.

    .venv/bin/python bench/files_transfer.py [--mb 100] [--loopback] [--bandwidth-mbps N]
        [--json PATH]

The simulator and both clients run in this one process (in-process transport by default;
``--loopback`` serves the simulator with uvicorn on 127.0.0.1 in a thread), so the RSS rise
covers the simulator's side too. The attachment's content is generated from a seed; the
upload is stored as name + size + MD5. Printed: size, seconds for each leg, MB/s, the RSS
high-water mark before and after (``ru_maxrss``) and whether the MD5s agree end to end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fieldsync_tui.secret import Secret
from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.server import serve
from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.client import ZohoClient
from fieldsync_tui.zoho.workdrive import WorkDrive

MB = 1024 * 1024


def peak_rss_mb() -> float:
    """The process's resident-set high-water mark in MB (Linux: ru_maxrss is in KiB)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def _client(sim: Simulator, label: str, base: str, loopback: bool) -> ZohoClient:
    org = sim.org(label)
    return ZohoClient(
        label=label,
        client_id=org.client_id,
        client_secret=Secret(org.client_secret),
        refresh_token=Secret(org.refresh_token),
        accounts_url=base,
        api_url=base,
        api_url_overridden=True,
        transport=None if loopback else sim.transport(),
    )


@contextlib.contextmanager
def _base(sim: Simulator, loopback: bool) -> Iterator[str]:
    if loopback:
        with serve(sim) as url:
            yield url
    else:
        yield "http://127.0.0.1:9"


async def copy_one(sim: Simulator, base: str, loopback: bool, size: int) -> dict[str, Any]:
    org_a = sim.org("A")
    rid = org_a.add_record({"Full_Name": "Bench Files"})
    aid = org_a.attachments.add_file(rid, f"bench {size // MB} MB ✓.bin", size, seed=11)
    folder = sim.org("B").workdrive.add_folder(sim.team_folder_id, "Bench Files")
    async with (
        _client(sim, "A", base, loopback) as crm_a,
        _client(sim, "B", base, loopback) as crm_b,
    ):
        attachments, drive = CrmAttachments(crm_a), WorkDrive(crm_b)
        [attachment] = await attachments.list("Contacts", rid)
        await drive.team_folder(sim.team_folder_id)  # tokens and modules warm before measuring
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "attachment.part"
            before = peak_rss_mb()
            started = time.monotonic()
            with path.open("wb") as sink:
                download = await attachments.download("Contacts", rid, attachment, sink)
            downloaded = time.monotonic()
            uploaded = await drive.upload(folder, attachment.file_name, path)
            done = time.monotonic()
            after = peak_rss_mb()
    content = org_a.attachments.get(aid).content  # type: ignore[union-attr]
    expected = content.md5() if content is not None else ""
    return {
        "mb": size / MB,
        "transport": "loopback" if loopback else "in-process",
        "download_s": round(downloaded - started, 3),
        "upload_s": round(done - downloaded, 3),
        "mb_per_s": round(2 * size / MB / max(done - started, 1e-9), 1),
        "rss_peak_before_mb": round(before, 1),
        "rss_peak_after_mb": round(after, 1),
        "rss_rise_mb": round(after - before, 1),
        "md5_ok": download.md5 == uploaded.md5 == expected and uploaded.size == size,
        "stored_name_ok": uploaded.name == attachment.file_name,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=100, help="file size in MB (default 100)")
    parser.add_argument("--loopback", action="store_true", help="serve over 127.0.0.1")
    parser.add_argument("--bandwidth-mbps", type=float, help="cap per connection, MB/s")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    sim = Simulator(SimConfig())
    if args.bandwidth_mbps:
        sim.transfers.cap_bandwidth(args.bandwidth_mbps * MB)
    with _base(sim, args.loopback) as base:
        result = asyncio.run(copy_one(sim, base, args.loopback, args.mb * MB))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0 if result["md5_ok"] and result["stored_name_ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
