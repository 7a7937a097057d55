"""The output lock: one build at a time writes a folder, and the lock names who holds it.

The lock of ``build/`` is the file ``.build.newsdigest-lock`` beside it, locked with a POSIX
record lock (``fcntl.lockf``). The operating system releases such a lock when its process
ends, however it ends, so a killed build never leaves a lock that blocks the next one, and
forked worker processes do not inherit it. While held, the file holds JSON naming the
holder (pid, host, start time, command) and, during the last step of a build, the folder
swap it is making (``outputs.py`` finishes that swap if the build died in it).

A build that ends removes the file; finding one with content that nobody holds therefore
means the last holder died: ``Acquired.stale`` is that holder's record, for a message and
the clean-up. Another process holding the lock makes ``OutputLock.acquire`` fail at once
with ``LockHeld`` (exit code 75, ``errors.EXIT_LOCKED``), never wait.

All reads and writes of the file go through the one descriptor that holds the lock: a
POSIX lock is released when its process closes *any* descriptor of the file.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import EXIT_LOCKED, NewsdigestError

SUFFIX = ".newsdigest-lock"
# POSIX locks do not exclude the process that holds them: a second lock of the same file
# in this process is refused here instead (and would release the first when closed).
_held: set[str] = set()
_held_guard = threading.Lock()


class LockHeld(NewsdigestError):
    """Another build is writing the same folder (exit code 75: try again when it ends)."""

    exit_code = EXIT_LOCKED


def lock_path(folder: Path) -> Path:
    """Where the lock of ``folder`` lives: beside it, so that it survives the folder's swap."""
    return folder.parent / f".{folder.name}{SUFFIX}"


def describe(holder: dict[str, Any]) -> str:
    """'pid 42 on host, since 2026-12-01 10:00:03 UTC (newsdigest build ...)'."""
    if not holder:
        return "a process that has not written its name yet"
    text = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
    if holder.get("started"):
        text += f", since {holder['started']}"
    if holder.get("command"):
        text += f" ({holder['command']})"
    return text


@dataclass
class Acquired:
    """A held lock. ``stale``: the record a dead holder left (None when the file was new)."""

    folder: Path
    path: Path
    fd: int
    stale: dict[str, Any] | None
    record: dict[str, Any]
    keep: bool = False  # leave the file (and its record) for the next holder

    def write(self, **fields: Any) -> None:
        """Add ``fields`` to the holder's record (the swap in progress, say), durably."""
        self.record.update(fields)
        data = json.dumps(self.record, sort_keys=True).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)
        os.fsync(self.fd)

    def release(self) -> None:
        """Remove the file, then unlock it (in that order: see ``OutputLock.acquire``)."""
        try:
            if not self.keep:
                self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            with _held_guard:
                _held.discard(str(self.path))


class OutputLock:
    """``with OutputLock(folder).acquire() as held:`` (or ``acquire()`` / ``release()``)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = lock_path(folder)

    def acquire(self) -> Acquired:
        key = str(self.path)
        with _held_guard:
            if key in _held:
                raise LockHeld(self._held_message({"pid": os.getpid(), "host": _host()}))
            _held.add(key)
        try:
            return self._acquire()
        except BaseException:
            with _held_guard:
                _held.discard(key)
            raise

    def _acquire(self) -> Acquired:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read(fd)
                os.close(fd)
                raise LockHeld(self._held_message(holder)) from None
            # The holder we waited on may have removed the file before unlocking it: then
            # this descriptor is of a file nobody else will open again. Start over.
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        stale = _read(fd) or None
        held = Acquired(self.folder, self.path, fd, stale, {})
        held.write(
            pid=os.getpid(),
            host=_host(),
            started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            command=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
        )
        return held

    def _held_message(self, holder: dict[str, Any]) -> str:
        return (
            f"{self.folder}: another build is writing it: {describe(holder)}. "
            f"Try again when it has finished (lock: {self.path})"
        )


def _read(fd: int) -> dict[str, Any]:
    """The record in the lock file ({} when empty or not JSON: a write cut short)."""
    size = os.fstat(fd).st_size
    try:
        data = json.loads(os.pread(fd, size, 0).decode()) if size else {}
    except ValueError:
        return {"unreadable": True}
    return data if isinstance(data, dict) else {"unreadable": True}


def _host() -> str:
    return socket.gethostname()
