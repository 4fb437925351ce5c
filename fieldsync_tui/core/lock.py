"""The run lock (DESIGN §6): one writer per job and state directory.

An OS file lock (``flock``, non-blocking) on ``state_dir/<name>`` (``lock.<job>``, named by
``core.guard``); the file holds JSON naming
the holder (pid, host, user, command, start time). The kernel releases the lock when its
process dies, so a lock left by a killed process is simply taken over; a lock still held by
an orphaned descriptor whose recorded pid is dead on this host is taken over too.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any


class LockHeldError(Exception):
    """Another fieldsync run holds the lock; the message names it."""

    def __init__(self, holder: dict[str, Any], path: Path) -> None:
        self.holder = holder
        self.path = path
        who = (
            f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
            f"user {holder.get('user', '?')}, command {holder.get('command', '?')!r}, "
            f"since {holder.get('since', '?')}"
        )
        super().__init__(f"another fieldsync run holds the lock {path}: {who}")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def read_holder(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class RunLock:
    """``with RunLock(state_dir, command):`` — raises :class:`LockHeldError` when held."""

    def __init__(self, state_dir: Path, command: str, *, name: str) -> None:
        self.path = Path(state_dir) / name
        self.command = command
        self.taken_over: dict[str, Any] | None = None
        """The previous holder's record when a stale lock was taken over."""
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock; LockHeldError when anyone holds it (this process included)."""
        if self._fd is not None:
            raise RuntimeError("lock already acquired")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            holder = read_holder(self.path)
            if not self._dead_on_this_host(holder):
                raise LockHeldError(holder, self.path)
            fd = self._replace_orphaned_lock()
            self.taken_over = holder
        else:
            self.taken_over = read_holder(self.path) or None  # left by a killed process
        self._write_holder(fd)
        self._fd = fd

    def _dead_on_this_host(self, holder: dict[str, Any]) -> bool:
        pid = holder.get("pid")
        return (
            holder.get("host") == socket.gethostname()
            and isinstance(pid, int)
            and pid != os.getpid()
            and not pid_alive(pid)
        )

    def _replace_orphaned_lock(self) -> int:
        # The recorded holder is dead, yet the lock is held (a descriptor inherited by an
        # orphan): start a fresh lock file; the orphan keeps only the unlinked inode.
        stale = self.path.with_name(f"{self.path.name}.stale.{os.getpid()}")
        os.replace(self.path, stale)
        with contextlib.suppress(OSError):
            stale.unlink()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            raise LockHeldError(read_holder(self.path), self.path)
        return fd

    def _write_holder(self, fd: int) -> None:
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": _user(),
            "command": self.command,
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        data = json.dumps(record).encode("utf-8")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
        os.fsync(fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
