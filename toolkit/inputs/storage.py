"""Where inputs live: local paths, `file://` and fsspec URLs, compressed files.

Local paths and `file://` URLs need only the standard library. Other URLs (`s3://`, `gs://`,
`az://`, `https://` ...) go through fsspec and the filesystem library of their protocol, which
come as optional extras; each library finds credentials its own way (environment variables,
profiles, instance roles; see docs/guides/scale.md). `.gz`, `.bz2` and `.xz` files are
decompressed with the standard library, `.zst` with zstandard (the `zstd` extra).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import unquote, urlsplit

PACKAGE = "quay-webhook-contracts"

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_EXTRAS = {
    "s3": ("s3", "s3fs"),
    "s3a": ("s3", "s3fs"),
    "gs": ("gcs", "gcsfs"),
    "gcs": ("gcs", "gcsfs"),
    "az": ("azure", "adlfs"),
    "abfs": ("azure", "adlfs"),
    "abfss": ("azure", "adlfs"),
    "http": ("http", "aiohttp"),
    "https": ("http", "aiohttp"),
}
"""URL protocol -> (extra, the module that extra installs)."""
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "lzma", ".zst": "zstd"}


class MissingExtra(Exception):
    """An optional dependency is not installed; the message names the extra that brings it."""

    def __init__(self, what: str, extra: str) -> None:
        super().__init__(what, extra)  # both in args: it pickles back from a worker
        self.what = what
        self.extra = extra

    def __str__(self) -> str:
        return f"{self.what} need the {self.extra} extra: pip install '{PACKAGE}[{self.extra}]'"


def is_url(path: str) -> bool:
    """Whether `path` is a URL (`scheme://...`) rather than a local path."""
    return _URL.match(path) is not None


def local_path(path: str) -> str:
    """The local path a `file://` URL names; any other path unchanged."""
    if path[:7].lower() == "file://":
        return unquote(urlsplit(path).path)
    return path


def is_remote(path: str) -> bool:
    """Whether `path` is read through fsspec (a URL other than `file://`)."""
    return "://" in path and is_url(path) and path[:7].lower() != "file://"


def compression(name: str) -> str | None:
    """The compression a file name's suffix says (`gzip`, `bz2`, `lzma`, `zstd`), or None."""
    dot = name.rfind(".")
    if dot <= name.rfind("/"):
        return None
    return COMPRESSIONS.get(name[dot:].lower())


def plain_name(name: str) -> str:
    """The name without its compression suffix (`x.ndjson.gz` -> `x.ndjson`)."""
    return name[: name.rfind(".")] if compression(name) else name


def require(url: str) -> None:
    """Raise MissingExtra unless the libraries that read `url` are installed."""
    protocol = protocol_of(url)
    extra, module = _EXTRAS.get(protocol, ("http", "fsspec"))
    import importlib

    for name in ("fsspec", module):
        try:
            importlib.import_module(name)
        except ImportError:
            raise MissingExtra(f"{protocol}:// URLs", extra) from None


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for a URL; instances are cached by fsspec."""
    require(url)
    from fsspec.core import url_to_fs

    fs, inner = url_to_fs(url)
    return fs, str(inner)


def open_raw(path: str) -> IO[bytes]:
    """A binary stream of a file or URL as stored (not decompressed)."""
    if is_remote(path):
        fs, inner = filesystem(path)
        # fsspec's files read in blocks of their own; the buffer adds readline(limit), which
        # they lack, and peeking.
        return io.BufferedReader(fs.open(inner, "rb"), buffer_size=1 << 16)
    return open(local_path(path), "rb")


def open_input(path: str) -> IO[bytes]:
    """A binary stream of a file or URL, decompressed as its suffix says."""
    kind = compression(path)
    raw = open_raw(path)
    if kind is None:
        return raw
    try:
        return decompressor(raw, kind)
    except BaseException:
        raw.close()
        raise


def decompressor(raw: IO[bytes], kind: str) -> IO[bytes]:
    """A stream that decompresses `raw`, and closes it when closed. Corrupt or cut-short data
    raises OSError, whichever library decompresses."""
    import lzma
    import zlib

    inner: Any
    errors: tuple[type[BaseException], ...] = (zlib.error, lzma.LZMAError, EOFError)
    if kind == "gzip":
        import gzip

        inner = gzip.GzipFile(fileobj=raw, mode="rb")
    elif kind == "bz2":
        import bz2

        inner = bz2.BZ2File(raw, "rb")
    elif kind == "lzma":
        inner = lzma.LZMAFile(raw, "rb")  # noqa: SIM115 - closed by _Decompressing
    else:
        try:
            import zstandard
        except ImportError:
            raise MissingExtra(".zst files", "zstd") from None
        inner = _ZstdFrames(raw, zstandard.ZstdDecompressor())
        errors += (zstandard.ZstdError,)
    return _Closing(_Decompressing(inner, kind, errors), raw)


class _ZstdFrames:
    """Zstandard frames one after another, decompressed; a frame cut short raises EOFError
    (zstandard's own stream reader ends quietly there)."""

    def __init__(self, raw: IO[bytes], decompressor: Any) -> None:
        self._raw = raw
        self._decompressor = decompressor
        self._frame: Any = None
        self._out = b""

    def read(self, size: int) -> bytes:
        while not self._out:
            data = self._raw.read(1 << 16)
            if not data:
                if self._frame is not None:
                    raise EOFError("the last frame is cut short")
                return b""
            while data:
                if self._frame is None:
                    self._frame = self._decompressor.decompressobj()
                self._out += self._frame.decompress(data)
                data = b""
                if self._frame.eof:
                    data = self._frame.unused_data
                    self._frame = None
        out, self._out = self._out[:size], self._out[size:]
        return out

    def close(self) -> None:
        """The raw stream is closed by _Closing."""


class _Decompressing(io.RawIOBase):
    """A decompressor's reader whose errors are raised as OSError."""

    def __init__(self, inner: Any, kind: str, errors: tuple[type[BaseException], ...]) -> None:
        self._inner = inner
        self._kind = kind
        self._errors = errors

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read(len(buffer))
        except self._errors as exc:
            raise OSError(f"not a valid {self._kind} stream: {exc}") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


class _Closing(io.BufferedReader):
    """A buffered decompressing stream that also closes the stream it reads from."""

    def __init__(self, inner: Any, raw: IO[bytes]) -> None:
        super().__init__(inner, buffer_size=1 << 16)
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def protocol_of(url: str) -> str:
    """`s3` for `s3://bucket/key`."""
    return url.split("://", 1)[0].lower()


def expand_url(url: str) -> Iterator[tuple[str, int | None, bool]]:
    """(URL, size, walked) of every object a URL names: itself, a glob's matches, or every
    object under a prefix ("directory"), walked one listing at a time in sorted order (hidden
    names skipped) like a local directory; `walked` marks those found under a prefix. A URL
    that names nothing is yielded as is, with size None."""
    fs, inner = filesystem(url)
    if any(c in inner for c in "*?["):
        matches = fs.glob(inner, detail=True)
        if not matches:
            yield url, None, False
        for name in sorted(matches):
            info = matches[name]
            if info.get("type") == "directory":
                yield from _walk(fs, name)
            else:
                yield fs.unstrip_protocol(name), info.get("size"), False
        return
    try:
        info = fs.info(inner)
    except (FileNotFoundError, OSError):
        yield url, None, False  # reading it reports the problem
        return
    if info.get("type") == "directory":
        yield from _walk(fs, inner)
    else:
        yield url, info.get("size"), False


def _walk(fs: Any, root: str) -> Iterator[tuple[str, int | None, bool]]:
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            entries = sorted(fs.ls(top, detail=True), key=lambda e: e["name"])
        except OSError:
            yield fs.unstrip_protocol(top), None, False
            continue
        dirs: list[str] = []
        for entry in entries:
            name = entry["name"].rstrip("/")
            if name.rsplit("/", 1)[-1].startswith(".") or name == top.rstrip("/"):
                continue
            if entry.get("type") == "directory":
                dirs.append(name)
            else:
                yield fs.unstrip_protocol(name), entry.get("size"), True
        stack.extend(reversed(dirs))
