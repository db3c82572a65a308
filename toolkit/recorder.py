"""Durable NDJSON capture files: group commit, fsync before acknowledging, rotation by size.

Durability policy (group commit): `append(line)` returns an awaitable that completes only after
the line has been written *and* `fsync`ed. One flush at a time takes every line queued so far as
a batch, writes it with one `write` and runs one `fsync` (in a worker thread), then completes the
whole batch; lines that arrive during an fsync form the next batch. A request is acknowledged
only after its awaitable completes, so no acknowledged request can be lost by a process crash
(SIGKILL) or, on a filesystem that honours fsync, by a power loss. A write or fsync error fails
the batch instead: those requests get 503, not an acknowledgement.

Files are never appended to after a restart: each writer opens new files named
`<prefix>-<UTC time>-<pid>-<seq>.ndjson`, so a torn last line left by a crash stays at the end of
a file that nobody writes to again, where readers report it.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class RecorderClosedError(RuntimeError):
    """The writer was closed before the line could be recorded."""


class CaptureWriter:
    """Appends NDJSON lines to rotating capture files in `directory`, durably (see module doc).

    Used from one asyncio event loop. The file work (write, fsync, rotation) runs in one worker
    thread, one batch at a time, so the loop never waits on the disk.
    """

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
        self._lines: list[bytes] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-writer")
        directory.mkdir(parents=True, exist_ok=True)
        self._open_next()

    @property
    def current(self) -> Path:
        """The file being written."""
        return self.files[-1]

    def append(self, line: bytes) -> asyncio.Future[None]:
        """Queue one line (without its newline); the future completes once it is on disk."""
        if self._closed:
            raise RecorderClosedError("the capture writer is closed")
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._lines.append(line + b"\n")
        self._waiters.append(waiter)
        if self._flusher is None:
            self._flusher = loop.create_task(self._flush())
        return waiter

    async def drain(self) -> None:
        """Wait until everything queued so far is on disk."""
        while self._flusher is not None:
            await asyncio.shield(self._flusher)

    async def aclose(self) -> None:
        """Write what is queued, then close the file."""
        await self.drain()
        self._closed = True
        self._pool.shutdown(wait=True)
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._lines:
                lines, waiters = self._lines, self._waiters
                self._lines, self._waiters = [], []
                try:
                    await loop.run_in_executor(self._pool, self._write, b"".join(lines))
                except OSError as exc:
                    for waiter in waiters:
                        if not waiter.done():
                            waiter.set_exception(exc)
                    continue
                self.records += len(lines)
                self.batches += 1
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)
        finally:
            self._flusher = None

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
        while True:  # a name already taken (same second, reused pid) is skipped, never reopened
            self._seq += 1
            name = f"{self.prefix}-{self._stamp}-{os.getpid()}-{self._seq:04d}.ndjson"
            path = self.directory / name
            try:
                self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
                break
            except FileExistsError:
                continue
        self._size = 0
        self.files.append(path)
        if self.fsync:  # make the new directory entry durable too
            dir_fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
