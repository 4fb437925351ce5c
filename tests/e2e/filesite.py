"""A small files-job world for end-to-end tests: Org A records with attachments, Org B's
team folder with sub-folders, built by hand per test; ``fieldsync files --auto`` run as a
subprocess against the simulator on a loopback socket."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.files_config import FilesConfig
from fieldsync_tui.simulator.server import serve
from fieldsync_tui.simulator.workdrive import ACTIVE

from .conftest import clean_environ, write_env_file

KB = 1024


@dataclass
class FilesSite:
    sim: Simulator
    dir: Path
    env: dict[str, str]
    n: int = 0
    uploads: list[str] = field(default_factory=list)

    # ---- building ----------------------------------------------------------------
    @property
    def cfg(self) -> SimConfig:
        return self.sim.config

    @property
    def drive(self) -> Any:
        return self.sim.org("B").workdrive

    @property
    def root(self) -> str:
        return self.sim.team_folder_id

    def record(self, name: str, **values: Any) -> str:
        c = self.cfg
        fields = {c.name_field: name}
        for key, api in (("url", c.url_field), ("folder_id", c.folder_field)):
            if key in values:
                fields[api] = values.pop(key)
        if values.pop("files_ticked", False):
            fields[c.files.files_checkbox_field] = True
        if values.pop("fields_ticked", False):
            fields[c.checkbox_field] = True
        fields.update(values)
        return self.sim.org("A").add_record(fields)

    def attach(self, rid: str, name: str, size: int = 2 * KB) -> str:
        self.n += 1
        return self.sim.org("A").attachments.add_file(rid, name, size, seed=1000 + self.n)

    def link(self, rid: str, title: str = "Shared", url: str = "https://example.com/x") -> str:
        return self.sim.org("A").attachments.add_link(rid, title, url)

    def folder(self, name: str, modified_ms: int | None = None) -> str:
        return self.drive.add_folder(self.root, name, modified_ms=modified_ms)

    def put_file(self, folder_id: str, name: str, size: int) -> str:
        return self.drive.add_file(folder_id, name, size, md5="")

    # ---- reading -------------------------------------------------------------------
    def a(self, rid: str) -> dict[str, Any]:
        rec = self.sim.org("A").get(rid)
        assert rec is not None
        return rec

    def ticked(self, rid: str) -> bool:
        return self.a(rid).get(self.cfg.files.files_checkbox_field) is True

    def files_in(self, folder_id: str) -> dict[str, tuple[int, str]]:
        """Active files of a folder: name → (size, md5)."""
        out = {}
        for item in self.drive.children(folder_id):
            if not item.is_folder and item.status == ACTIVE:
                out[item.name] = (item.size, item.md5)
        return out

    def md5_of(self, attachment_id: str) -> str:
        att = self.sim.org("A").attachments.get(attachment_id)
        assert att is not None and att.content is not None
        md5: str = att.content.md5()
        return md5

    def permalink(self, folder_id: str) -> str:
        from fieldsync_tui.simulator.wd_render import permalink

        return permalink(self.drive.get(folder_id))

    def upload_calls(self) -> int:
        return sum(
            1 for c in self.sim.stats.calls if c.method == "POST" and c.path.endswith("/upload")
        )

    # ---- running -------------------------------------------------------------------
    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "fieldsync_tui", *args]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = self.argv("files", "--auto", "--env-file", str(self.dir / ".env"), *args)
        return subprocess.run(
            cmd, capture_output=True, text=True, cwd=self.dir, env=clean_environ(), timeout=timeout
        )

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args),
            capture_output=True,
            text=True,
            cwd=self.dir,
            env=clean_environ(),
            timeout=60,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        cmd = self.argv("files", "--auto", "--env-file", str(self.dir / ".env"), *args)
        return subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.dir,
            env=clean_environ(),
        )

    def report(self, name: str = "report.json") -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.dir / name).read_text(encoding="utf-8"))
        return data


def nfc_lower(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


@pytest.fixture
def files_site(tmp_path: Path) -> Iterator[Any]:
    with ExitStack() as stack:
        count = 0

        def factory(files: FilesConfig | None = None, **env: str) -> FilesSite:
            nonlocal count
            count += 1
            sim = Simulator(SimConfig(seed=3, files=files or FilesConfig()))
            url = stack.enter_context(serve(sim))
            folder = tmp_path / f"files{count}"
            folder.mkdir()
            values = {**sim.env(url), "ZOHO_RETRY_SECONDS": "3", **env}
            write_env_file(folder / ".env", values)
            return FilesSite(sim, folder, values)

        yield factory


def on_call(
    site: FilesSite,
    monkeypatch: pytest.MonkeyPatch,
    matches: Callable[[Any], bool],
    action: Callable[[int], None],
) -> None:
    """Call ``action(n)`` in the simulator as it records the n-th call ``matches`` accepts
    (after the call was applied, before its answer is sent)."""
    original = site.sim.stats.record
    count = 0
    lock = threading.Lock()

    def record(call: Any) -> None:
        nonlocal count
        original(call)
        if not matches(call):
            return
        with lock:
            count += 1
            n = count
        action(n)

    monkeypatch.setattr(site.sim.stats, "record", record)


def is_upload(call: Any) -> bool:
    return bool(call.method == "POST" and call.path.endswith("/upload"))


def is_put(call: Any) -> bool:
    return bool(call.method == "PUT")
