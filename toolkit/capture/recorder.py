"""Durable NDJSON capture files: group commit, fsync before acknowledging, rotation by size.

Durability policy (group commit): `append(line)` returns an awaitable that completes only after
the line has been written *and* `fsync`ed. A batch is every line queued so far: a worker thread
writes it with one `write` and runs one `fsync`, then the whole batch completes. Lines that
arrive meanwhile form the next batch; up to two batches are in flight, their fsyncs
overlapping. A request is acknowledged only after its awaitable completes, so no acknowledged
request can be lost by a process crash (SIGKILL) or, on a filesystem that honours fsync, by a
power loss. A write or fsync error fails the batch instead: those requests get 503, not an
acknowledgement, and a half-written batch is truncated away.

Recovery: a descriptor is closed only once no job uses it, and the writer forgets it before
closing it, so it never writes through a number the kernel has handed to another file or socket.
When the next file cannot be created (no inode, no directory) the batch fails and the next batch
tries again, re-creating the capture directory if it was deleted. After an fsync error the file
is abandoned (its page cache can no longer be trusted) and the next batch starts a new one. A
file found unlinked after its fsync (its directory was deleted) does not count: the batch is
written again to a new file before it is acknowledged.

Files are never appended to after a restart: each writer opens new files named
`<prefix>-<UTC time>-<pid>-<seq>.ndjson`, so a torn last line left by a crash stays at the end of
a file that nobody writes to again, where readers report it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class RecorderClosedError(RuntimeError):
    """The writer was closed before the line could be recorded."""


SPACE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT})
"""Write errors after which the file is kept (truncated back): the disk is at fault, not it."""


@dataclass(eq=False)
class _File:
    """One open capture file, closed once retired and unused."""

    fd: int
    path: Path
    users: int = 0
    retired: bool = False


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
        self._file: _File | None = None
        self._size = 0
        self._stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._lines: list[bytes] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._inflight = 0
        self._idle: asyncio.Event | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="capture-writer")
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
        with self._lock:
            self._retire(self._file)

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
        """Runs in a worker thread: (rotate,) append the batch to a linked file, then fsync it."""
        for _attempt in range(2):
            with self._lock:
                if rotate:
                    self._retire(self._file)
                    rotate = False
                file = self._file or self._open_next()
                file.users += 1
                try:
                    self._write(file, data)
                except BaseException:
                    self._release(file)
                    raise
            try:
                self._sync(file.fd)
                unlinked = os.fstat(file.fd).st_nlink == 0
            except BaseException:
                with self._lock:
                    self._release(file, retire=True)
                raise
            with self._lock:
                self._release(file, retire=unlinked)
            if not unlinked:
                return
            # The file was deleted (with its directory?) before the batch was durable in a file
            # anyone can read: write the batch again, to a new file.
        raise OSError(errno.ENOENT, "capture files are deleted as soon as they are written")

    def _write(self, file: _File, data: bytes) -> None:
        """Append `data`; on failure leave no half batch behind (and abandon a broken file)."""
        end = os.lseek(file.fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(file.fd, view) :]
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(file.fd, end)  # never leave half a batch in the middle of a file
            if exc.errno not in SPACE_ERRORS:
                self._retire(file)
            raise

    def _release(self, file: _File, *, retire: bool = False) -> None:
        """A job is done with `file` (lock held)."""
        file.users -= 1
        if retire or file.retired:
            self._retire(file)

    def _retire(self, file: _File | None) -> None:
        """Stop writing to `file`; close it once no job uses it (lock held). Idempotent."""
        if file is None:
            return
        file.retired = True
        if self._file is file:
            self._file = None
        if not file.users and file.fd >= 0:
            fd, file.fd = file.fd, -1  # forget the number before the kernel can reuse it
            os.close(fd)

    def _sync(self, fd: int) -> None:
        if self.fsync:
            os.fsync(fd)

    def _open_next(self) -> _File:
        """Create the next file (and the directory, if it is gone); raises OSError when it can't."""
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:  # a name already taken (same second, reused pid) is skipped, never reopened
            self._seq += 1
            name = f"{self.prefix}-{self._stamp}-{os.getpid()}-{self._seq:04d}.ndjson"
            path = self.directory / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
                break
            except FileExistsError:
                continue
        try:
            if self.fsync:  # make the new directory entry durable too
                dir_fd = os.open(self.directory, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except OSError:
            os.close(fd)
            raise
        self.files.append(path)
        self._file = _File(fd, path)
        return self._file
