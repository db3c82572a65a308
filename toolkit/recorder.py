"""Durable NDJSON capture files: group commit, fsync before acknowledging, rotation by size.

Durability policy (group commit): `append(line)` returns an awaitable that completes only after
the line has been written *and* `fsync`ed. A single writer thread takes every line queued so far
as one batch, writes it with one `write`, runs one `fsync`, then completes the whole batch; lines
that arrive during an fsync form the next batch. A request is acknowledged only after its
awaitable completes, so no acknowledged request can be lost by a process crash (SIGKILL) or, on a
filesystem that honours fsync, by a power loss. A write or fsync error fails the batch instead.

Files are never appended to after a restart: each writer opens new files named
`<prefix>-<UTC time>-<pid>-<seq>.ndjson`, so a torn last line left by a crash stays at the end of
a file that nobody writes to again, where readers report it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class RecorderClosedError(RuntimeError):
    """The writer was closed before the line could be recorded."""


@dataclass
class _Pending:
    lines: list[bytes] = field(default_factory=list)
    waiters: list[asyncio.Future[None]] = field(default_factory=list)


class CaptureWriter:
    """Appends NDJSON lines to rotating capture files in `directory`, durably (see module doc)."""

    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        prefix: str = "capture",
        fsync: bool = True,
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.fsync = fsync
        self.files: list[Path] = []
        self.records = 0
        self.batches = 0
        self._seq = 0
        self._fd = -1
        self._size = 0
        self._stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._pending = _Pending()
        self._cond = threading.Condition()
        self._closing = False
        directory.mkdir(parents=True, exist_ok=True)
        self._open_next()
        self._thread = threading.Thread(target=self._run, name="capture-writer", daemon=True)
        self._thread.start()

    @property
    def current(self) -> Path:
        """The file being written."""
        return self.files[-1]

    def append(self, line: bytes) -> asyncio.Future[None]:
        """Queue one line (without its newline); the future completes once it is on disk."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        with self._cond:
            if self._closing:
                raise RecorderClosedError("the capture writer is closed")
            self._pending.lines.append(line + b"\n")
            self._pending.waiters.append(waiter)
            self._cond.notify()
        return waiter

    def close(self) -> None:
        """Write what is queued, then stop the thread and close the file."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending.lines and not self._closing:
                    self._cond.wait()
                batch, self._pending = self._pending, _Pending()
                if not batch.lines and self._closing:
                    return
            error: BaseException | None = None
            try:
                self._write(b"".join(batch.lines))
                self.records += len(batch.lines)
                self.batches += 1
            except OSError as exc:
                error = exc
            _complete(batch.waiters, error)

    def _write(self, data: bytes) -> None:
        if self._size and self._size + len(data) > self.max_bytes:
            self._sync()
            os.close(self._fd)
            self._open_next()
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._size += len(data)
        self._sync()

    def _sync(self) -> None:
        if self.fsync:
            os.fsync(self._fd)

    def _open_next(self) -> None:
        self._seq += 1
        name = f"{self.prefix}-{self._stamp}-{os.getpid()}-{self._seq:04d}.ndjson"
        path = self.directory / name
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        self._size = 0
        self.files.append(path)
        if self.fsync:  # make the new directory entry durable too
            dir_fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def _complete(waiters: list[asyncio.Future[None]], error: BaseException | None) -> None:
    """Resolve a batch's futures on their event loop(s), one callback per loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for waiter in waiters:
        by_loop.setdefault(waiter.get_loop(), []).append(waiter)
    for loop, futures in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            loop.call_soon_threadsafe(_resolve, futures, error)


def _resolve(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in futures:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
