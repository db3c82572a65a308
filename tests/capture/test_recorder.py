"""The capture writer: fsync before acknowledging, group commit, rotation, failures."""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import threading
from pathlib import Path

import orjson
import pytest

from toolkit.capture import reader as captures
from toolkit.capture import recorder
from toolkit.capture.recorder import CaptureWriter, RecorderClosedError


def lines_in(directory: Path) -> list[bytes]:
    return [line for p in sorted(directory.iterdir()) for line in p.read_bytes().splitlines()]


def test_an_append_completes_only_after_its_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        gate.wait(5)
        real_fsync(fd)

    async def main() -> None:
        writer = CaptureWriter(tmp_path)
        monkeypatch.setattr(recorder.os, "fsync", slow_fsync)
        done = writer.append(b'{"n": 1}')
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.shield(done), 0.3)
        gate.set()
        await asyncio.wait_for(done, 5)
        await writer.aclose()

    asyncio.run(main())
    assert lines_in(tmp_path) == [b'{"n": 1}']


def test_concurrent_appends_are_group_committed(tmp_path: Path) -> None:
    async def main() -> CaptureWriter:
        writer = CaptureWriter(tmp_path)
        await asyncio.gather(*(writer.append(b'{"n": %d}' % i) for i in range(500)))
        await writer.aclose()
        return writer

    writer = asyncio.run(main())
    assert writer.records == 500 and writer.batches < 500
    assert sorted(orjson.loads(line)["n"] for line in lines_in(tmp_path)) == list(range(500))


def test_files_rotate_by_size_and_lose_nothing(tmp_path: Path) -> None:
    async def main() -> CaptureWriter:
        writer = CaptureWriter(tmp_path, max_bytes=2_000)
        for i in range(200):
            await writer.append(b'{"n": %d, "pad": "%s"}' % (i, b"x" * 40))
        await writer.aclose()
        return writer

    writer = asyncio.run(main())
    files = sorted(tmp_path.iterdir())
    assert len(files) == len(writer.files) > 5
    assert all(p.stat().st_size <= 2_000 for p in files)
    assert [orjson.loads(line)["n"] for line in lines_in(tmp_path)] == list(range(200))


def test_a_new_writer_never_appends_to_old_files(tmp_path: Path) -> None:
    async def one(n: int) -> Path:
        writer = CaptureWriter(tmp_path)
        await writer.append(b'{"n": %d}' % n)
        await writer.aclose()
        return writer.current

    first, second = asyncio.run(one(1)), asyncio.run(one(2))
    assert first != second and first.read_bytes() == b'{"n": 1}\n'


def test_a_write_error_fails_the_batch_and_the_writer_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    async def main() -> None:
        writer = CaptureWriter(tmp_path)
        monkeypatch.setattr(recorder.os, "write", full)
        with pytest.raises(OSError, match="No space"):
            await writer.append(b'{"lost": true}')
        monkeypatch.setattr(recorder.os, "write", real_write)
        await writer.append(b'{"kept": true}')
        await writer.aclose()
        with pytest.raises(RecorderClosedError):
            writer.append(b"{}")

    asyncio.run(main())
    assert lines_in(tmp_path) == [b'{"kept": true}']


def test_reader_reports_a_torn_last_line_and_keeps_the_rest(tmp_path: Path) -> None:
    good = b'{"v":1,"received_at":"2026-01-01T00:00:00Z","method":"POST","path":"/","headers":{},'
    good += b'"body":"{}","body_base64":null}\n'
    path = tmp_path / "capture-1.ndjson"
    path.write_bytes(good + b"not json\n" + good + b'{"v":1,"received_at":"2026-01')
    items = list(captures.read([tmp_path]))
    kinds = [(type(i).__name__, i.line, getattr(i, "torn", None)) for i in items]
    assert kinds == [
        ("Capture", 1, None),
        ("Problem", 2, False),
        ("Capture", 3, None),
        ("Problem", 4, True),
    ]
    assert "torn last line" in items[3].message  # type: ignore[union-attr]


def test_reader_rejects_unknown_versions_and_non_envelopes(tmp_path: Path) -> None:
    path = tmp_path / "c.ndjson"
    path.write_bytes(
        b'{"v":2,"received_at":"x","body":null,"body_base64":null}\n{"repository":"a/b"}\n'
    )
    problems = [i.message for i in captures.read([path]) if isinstance(i, captures.Problem)]
    assert problems[0].startswith("unknown capture envelope version 2")
    assert problems[1].startswith("not a capture envelope")


def test_concurrent_appends_with_rotation_keep_every_line_once(tmp_path: Path) -> None:
    async def main() -> CaptureWriter:
        writer = CaptureWriter(tmp_path, max_bytes=4_000, parallel=3)
        for start in range(0, 1_000, 100):
            await asyncio.gather(
                *(writer.append(b'{"n": %d}' % i) for i in range(start, start + 100))
            )
        await writer.aclose()
        return writer

    writer = asyncio.run(main())
    assert len(writer.files) > 3 and writer.records == 1_000
    numbers = sorted(orjson.loads(line)["n"] for line in lines_in(tmp_path))
    assert numbers == list(range(1_000))
    for path in tmp_path.iterdir():
        assert path.read_bytes().endswith(b"\n")


def _fail_opening_captures(monkeypatch: pytest.MonkeyPatch, code: int, times: int) -> list[str]:
    """Make the next `times` opens of a capture file fail with `code`; returns the attempts."""
    real_open = os.open
    attempts: list[str] = []

    def fake_open(path: object, flags: int, *args: object) -> int:
        if str(path).endswith(".ndjson"):
            attempts.append(str(path))
            if len(attempts) <= times:
                raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(recorder.os, "open", fake_open)
    return attempts


def test_a_failed_rotation_never_writes_through_a_stale_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No inode for the next file: that batch fails, and the closed descriptor is never reused.

    The kernel hands a closed descriptor's number to the next `open`; a writer that kept it
    would write capture lines into whatever file or socket now has it.
    """
    out = tmp_path / "cap"
    victim = tmp_path / "victim.txt"

    async def main() -> None:
        writer = CaptureWriter(out, max_bytes=100)
        await writer.append(b'{"n": 1, "pad": "' + b"x" * 80 + b'"}')
        _fail_opening_captures(monkeypatch, errno.ENOSPC, times=1)
        with pytest.raises(OSError, match="No space"):
            await writer.append(b'{"n": 2, "pad": "' + b"x" * 80 + b'"}')
        with victim.open("wb"):  # takes the lowest free descriptor number
            await writer.append(b'{"n": 3}')
        await writer.aclose()

    asyncio.run(main())
    assert victim.read_bytes() == b""
    assert [orjson.loads(line)["n"] for line in lines_in(out)] == [1, 3]


def test_the_writer_recovers_once_inodes_are_free_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def main() -> list[str]:
        writer = CaptureWriter(tmp_path, max_bytes=40)
        await writer.append(b'{"n": 0, "pad": "xxxxxxxxxxxxxxxxxx"}')
        attempts = _fail_opening_captures(monkeypatch, errno.ENOSPC, times=3)
        results = []
        for n in range(1, 7):
            try:
                await writer.append(b'{"n": %d, "pad": "xxxxxxxxxxxxxxxxxx"}' % n)
                results.append("ok")
            except OSError as exc:
                results.append(errno.errorcode[exc.errno or 0])
        await writer.aclose()
        assert len(attempts) >= 4
        return results

    assert asyncio.run(main()) == ["ENOSPC", "ENOSPC", "ENOSPC", "ok", "ok", "ok"]
    assert [orjson.loads(line)["n"] for line in lines_in(tmp_path)] == [0, 4, 5, 6]


@pytest.mark.parametrize("rotate", [False, True], ids=["same-file", "at-rotation"])
def test_a_deleted_capture_directory_is_recreated_and_nothing_goes_to_a_deleted_file(
    tmp_path: Path, rotate: bool
) -> None:
    """`rm -rf captures` while listening: later lines land in files that exist, not in limbo."""
    out = tmp_path / "cap"

    async def main() -> None:
        writer = CaptureWriter(out, max_bytes=30 if rotate else 1_000_000)
        await writer.append(b'{"n": 1, "pad": "xxxxxxxxxxxx"}')
        shutil.rmtree(out)
        await writer.append(b'{"n": 2, "pad": "xxxxxxxxxxxx"}')
        await writer.append(b'{"n": 3}')
        await writer.aclose()

    asyncio.run(main())
    assert [orjson.loads(line)["n"] for line in lines_in(out)] == [2, 3]


def test_after_an_fsync_error_the_file_is_never_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a failed fsync the page cache of that file cannot be trusted: start a new file."""
    real_fsync = os.fsync
    failures = [OSError(errno.EIO, "Input/output error")]

    def flaky(fd: int) -> None:
        if failures and os.path.splitext(os.readlink(f"/proc/self/fd/{fd}"))[1] == ".ndjson":
            raise failures.pop()
        real_fsync(fd)

    async def main() -> list[Path]:
        writer = CaptureWriter(tmp_path)
        await writer.append(b'{"n": 1}')
        first = writer.current
        monkeypatch.setattr(recorder.os, "fsync", flaky)
        with pytest.raises(OSError, match="Input/output"):
            await writer.append(b'{"n": 2}')
        await writer.append(b'{"n": 3}')
        await writer.aclose()
        return [first, writer.current]

    first, last = asyncio.run(main())
    assert first != last
    assert last.read_bytes() == b'{"n": 3}\n'
