"""Byte streams for ingestion: size limits, gzip on the fly, and transcoding to checked UTF-8.

Everything here reads in bounded chunks so memory never grows with the file size.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections import deque
from collections.abc import Callable
from typing import BinaryIO

import numpy as np

from .errors import IngestError
from .options import IngestLimits, MiB

SourceOpener = Callable[[], BinaryIO]

GZIP_MAGIC = b"\x1f\x8b"
# Bytes read from the source at once. Below the worker's malloc mmap threshold
# (``process.MMAP_THRESHOLD_BYTES``), so that the read buffers, the decoded text and the
# line checks' arrays come from the heap and are reused; at 1 MiB each of them was a fresh
# mapping, zeroed page by page (300 MB of CSV: 400,000 page faults, 1.5 CPU-s).
CHUNK_BYTES = MiB // 4


class _LimitedReader(io.RawIOBase):
    """Counts the bytes read from `inner` and fails once they exceed `max_bytes`."""

    def __init__(self, inner: BinaryIO, max_bytes: int, what: str) -> None:
        self._inner = inner
        self._max_bytes = max_bytes
        self._what = what
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._read_inner(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _read_inner(self, size: int) -> bytes:
        try:
            data = self._inner.read(size)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise IngestError(
                "truncated_gzip", f"the gzip stream is truncated or corrupt ({exc})"
            ) from exc
        self.bytes_read += len(data)
        if self.bytes_read > self._max_bytes:
            raise IngestError(
                "too_large",
                f"the {self._what} is larger than the limit of {self._max_bytes:,} bytes",
            )
        return data


def open_decompressed(open_source: SourceOpener, limits: IngestLimits) -> tuple[BinaryIO, bool]:
    """Open the source, decompressing gzip transparently; returns (stream, was_gzip).

    The limit applies to the uploaded bytes and again to the decompressed bytes, so a
    small gzip bomb is refused like a big file.
    """
    raw = io.BufferedReader(_LimitedReader(open_source(), limits.max_bytes, "file"), CHUNK_BYTES)
    if raw.peek(2)[:2] != GZIP_MAGIC:
        return _lines_at_lf(raw), False
    inflated = gzip.GzipFile(fileobj=raw, mode="rb")
    limited = _LimitedReader(inflated, limits.max_bytes, "decompressed file")
    return _lines_at_lf(io.BufferedReader(limited, CHUNK_BYTES)), True


PARQUET_MAGIC = b"PAR1"


class _CrLines(io.RawIOBase):
    """The lines of a file that ends them with CR alone (classic Mac OS; Excel for Mac's
    "CSV (Macintosh)") ended with LF, as every later step splits lines at LF: such a file
    was one line, refused as "the file has no rows". A byte for a byte, so sizes, limits
    and line numbers stay as they were."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer)).replace(b"\r", b"\n")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _lines_at_lf(stream: io.BufferedReader) -> BinaryIO:
    """``stream`` as it is, or read through :class:`_CrLines` when its start has CR and no
    LF. Not for a file with NUL bytes in its start (UTF-16 and UTF-32 text, whose other
    characters can hold the byte 0x0D; binary files) nor for Parquet."""
    head = stream.peek(CHUNK_BYTES)[:CHUNK_BYTES]
    if b"\r" not in head or b"\n" in head or b"\0" in head or head.startswith(PARQUET_MAGIC):
        return stream
    return io.BufferedReader(_CrLines(stream), CHUNK_BYTES)


def text_encoding(name: str) -> str:
    """The codec name of the text encoding ``name``; IngestError("invalid_encoding") for an
    unknown name and for codecs that are not character encodings (hex, base64, rot13, zlib:
    Python registers them as codecs too, and they fail on bytes in their own ways)."""
    try:
        info = codecs.lookup(name)
    except LookupError as exc:
        raise IngestError("invalid_encoding", f"unknown encoding {name!r}") from exc
    # CodecInfo marks the non-text codecs; str.encode and bytes.decode refuse them the same way.
    if not getattr(info, "_is_text_encoding", True):
        raise IngestError(
            "invalid_encoding",
            f"{name!r} is not a character encoding but a binary or text transform; "
            "name the file's character encoding, e.g. utf-8, utf-16, cp1252 or shift_jis",
        )
    return info.name


def read_sample(open_source: SourceOpener, limits: IngestLimits, size: int) -> tuple[bytes, bool]:
    """The first `size` decompressed bytes (fewer at end of file), and whether it was gzip."""
    stream, was_gzip = open_decompressed(open_source, limits)
    with stream:
        chunks: list[bytes] = []
        remaining = size
        while remaining > 0:
            chunk = stream.read(remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    return b"".join(chunks), was_gzip


class Utf8Stream(io.RawIOBase):
    """Reads `inner`, decodes it strictly from `encoding` and yields UTF-8 bytes.

    It also counts physical lines so that encoding errors and over-long lines are reported
    with the line number a user sees in an editor. The first error is kept in `error`
    because parsers that call `read` (pyarrow) may wrap the exception they get.
    """

    def __init__(self, inner: BinaryIO, encoding: str, max_line_bytes: int) -> None:
        self._inner = inner
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self._passthrough = codecs.lookup(encoding).name == "utf-8"
        self._max_line_bytes = max_line_bytes
        self._encoding = encoding
        # Transcoded bytes not read yet, as they came (joined only into what `read` returns).
        self._pending: deque[bytes] = deque()
        self._held = 0
        self._eof = False
        self.lines_done = 0
        self._line_len = 0
        self.error: IngestError | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self._eof and (size < 0 or self._held < size):
            self._fill()
        if size < 0 or size >= self._held:
            size = self._held
        parts, taken = [], 0
        while taken < size:
            part = self._pending.popleft()
            if taken + len(part) > size:
                cut = size - taken
                self._pending.appendleft(part[cut:])
                part = part[:cut]
            parts.append(part)
            taken += len(part)
        self._held -= taken
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _fill(self) -> None:
        try:
            chunk = self._inner.read(CHUNK_BYTES)
            self._eof = not chunk
            out = self._transcode(chunk)
            if out:
                self._pending.append(out)
                self._held += len(out)
        except IngestError as exc:
            self.error = self.error or exc
            raise

    def _transcode(self, chunk: bytes) -> bytes:
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeError as exc:
            # UnicodeDecodeError, or UnicodeError from the utf-16/utf-32 codecs when the file
            # does not start with a byte order mark.
            start = max(getattr(exc, "start", 0), 0)
            line = self.lines_done + chunk[:start].count(b"\n") + 1
            raise IngestError(
                "invalid_encoding",
                f"bytes that are not valid {self._encoding} ({_reason(exc)}; "
                "try another encoding option)",
                line=line,
            ) from exc
        # Valid UTF-8 passes through as read, except a BOM that the decoder dropped.
        out = chunk if self._passthrough else text.encode("utf-8")
        self._check_lines(out)
        return out

    def _check_lines(self, data: bytes) -> None:
        newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        if newlines.size == 0:
            self._line_len += len(data)
            self._fail_if_long(self._line_len, self.lines_done + 1)
            return
        lengths = np.diff(newlines, prepend=-1) - 1
        lengths[0] += self._line_len
        longest = int(np.argmax(lengths))
        self._fail_if_long(int(lengths[longest]), self.lines_done + longest + 1)
        self.lines_done += int(newlines.size)
        self._line_len = len(data) - int(newlines[-1]) - 1
        self._fail_if_long(self._line_len, self.lines_done + 1)

    def _fail_if_long(self, length: int, line: int) -> None:
        if length > self._max_line_bytes:
            raise IngestError(
                "line_too_long",
                f"a line longer than the limit of {self._max_line_bytes:,} bytes",
                line=line,
            )


def _reason(exc: UnicodeError) -> str:
    return exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
