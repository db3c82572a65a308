"""Durable NDJSON capture files: group commit, fsync before acknowledging, rotation by size.

Durability policy (group commit): `append(line)` returns an awaitable that completes only after
the line has been written *and* `fsync`ed. A batch is every line queued so far: a worker thread
writes it with one `write` and runs one `fsync`, then the whole batch completes. Lines that
arrive meanwhile form the next batch; up to two batches are in flight, their fsyncs
overlapping. A request is acknowledged only after its awaitable completes, so no acknowledged
request can be lost by a process crash (SIGKILL) or, on a filesystem that honours fsync, by a
power loss. A write or fsync error fails the batch instead: those requests get 503, not an
acknowledgement, and a half-written batch is truncated away.

Files are never appended to after a restart: each writer opens new files named
`<prefix>-<UTC time>-<pid>-<seq>.ndjson`, so a torn last line left by a crash stays at the end of
a file that nobody writes to again, where readers report it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class RecorderClosedError(RuntimeError):
    """The writer was closed before the line could be recorded."""


class CaptureWriter:
    """Appends NDJSON lines to rotating capture files in `directory`, durably (see module doc).

    Used from one asyncio event loop. Each batch is written and fsynced by a worker thread, so
    the loop never waits on the disk. Up to `parallel` batches are in flight at once: their
    writes are serialised, their fsyncs overlap (the filesystem commits them together).
    """

    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        prefix: str = "capture",
        fsync: bool = True,
        parallel: int = 2,
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.fsync = fsync
        self.parallel = max(1, parallel)
        self.files: list[Path] = []
        self.records = 0
        self.batches = 0
        self._seq = 0
        self._fd = -1
        self._size = 0
        self._stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._lines: list[bytes] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._inflight = 0
        self._idle: asyncio.Event | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="capture-writer")
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
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lines.append(line + b"\n")
        self._waiters.append(waiter)
        self._submit()
        return waiter

    async def drain(self) -> None:
        """Wait until everything queued so far is on disk."""
        while self._inflight or self._lines:
            if self._idle is None:
                self._idle = asyncio.Event()
            self._idle.clear()
            await self._idle.wait()

    async def aclose(self) -> None:
        """Write what is queued, then close the file."""
        await self.drain()
        self._closed = True
        self._pool.shutdown(wait=True)
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _submit(self) -> None:
        """Start a write+fsync job for everything queued, while a slot is free."""
        while self._lines and self._inflight < self.parallel:
            size = sum(map(len, self._lines))
            rotate = bool(self._size) and self._size + size > self.max_bytes
            if rotate and self._inflight:
                return  # rotate only once no job uses the current file; a completion retries
            lines, waiters = self._lines, self._waiters
            self._lines, self._waiters = [], []
            self._size = size if rotate else self._size + size
            self._inflight += 1
            job = asyncio.get_running_loop().run_in_executor(
                self._pool, self._job, b"".join(lines), rotate
            )
            job.add_done_callback(functools.partial(self._finished, waiters))

    def _finished(self, waiters: list[asyncio.Future[None]], job: asyncio.Future[None]) -> None:
        self._inflight -= 1
        error = job.exception()
        if error is None:
            self.records += len(waiters)
            self.batches += 1
        for waiter in waiters:
            if waiter.done():
                continue
            if error is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(error)
        self._submit()
        if not self._inflight and not self._lines and self._idle is not None:
            self._idle.set()

    def _job(self, data: bytes, rotate: bool) -> None:
        """Runs in a worker thread: (rotate,) append the batch, then fsync it."""
        with self._lock:
            if rotate:
                self._sync(self._fd)
                os.close(self._fd)
                self._open_next()
            fd = self._fd
            end = os.lseek(fd, 0, os.SEEK_END)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, end)  # never leave half a batch in the middle of a file
                raise
        self._sync(fd)

    def _sync(self, fd: int) -> None:
        if self.fsync:
            os.fsync(fd)

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
        self.files.append(path)
        if self.fsync:  # make the new directory entry durable too
            dir_fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
