"""Readers that turn a source into record batches of text (CSV, JSON) or typed (Parquet) columns.

Each reader can be iterated more than once (it reopens the source), which lets the
pipeline infer types in a first pass and convert in a second one with flat memory.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from queue import Empty, Queue
from typing import Any, Protocol, TypeVar

import pyarrow as pa
import pyarrow.csv as pacsv

from .errors import IngestError
from .options import IngestLimits, MiB
from .parquet_io import iter_batches, open_parquet
from .sniff import Sniffed
from .stream import CHUNK_BYTES, SourceOpener, Utf8Stream, open_decompressed

BATCH_ROWS = 65_536
# Parsed CSV batches held ahead of the pipeline (each a block of at most 2 MiB by default).
READ_AHEAD = 2
_END = object()
T = TypeVar("T")
JSON_BATCH_ROWS = 10_000
JSON_BATCH_BYTES = 8 * MiB
# Digits of the longest integer read from JSON (Python's own limit on int conversion).
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300


class BatchReader(Protocol):
    """`names` is complete once `batches()` has been fully iterated (JSON discovers keys)."""

    names: list[str]

    def batches(self) -> Iterator[pa.RecordBatch]: ...


class CsvReader:
    """Streams CSV/TSV through pyarrow with every column read as text.

    Blocks are parsed on pyarrow's threads. Rows parsed that way have no number, so when the
    file turns out to be malformed it is read once more, serially, to say at which line.
    """

    def __init__(self, open_source: SourceOpener, sniffed: Sniffed, limits: IngestLimits) -> None:
        self._open_source = open_source
        self._sniffed = sniffed
        self._limits = limits
        self.names = list(sniffed.header) if sniffed.header else [""] * sniffed.field_count

    def batches(self) -> Iterator[pa.RecordBatch]:
        try:
            yield from self._read(threaded=True)
        except _Unlocated as unlocated:
            # The serial read meets the same error, with its line (and pyarrow's message
            # with the row's number).
            for _ in self._read(threaded=False):
                pass
            raise unlocated.error from None

    def _read(self, *, threaded: bool) -> Iterator[pa.RecordBatch]:
        inner, _ = open_decompressed(self._open_source, self._limits)
        assert self._sniffed.encoding is not None
        stream = Utf8Stream(inner, self._sniffed.encoding, self._limits.max_line_bytes)
        invalid: list[pacsv.InvalidRow] = []
        try:
            yield from self._parse(stream, invalid, threaded)
        except IngestError:
            raise
        except (pa.ArrowException, OSError, ValueError) as exc:
            error = self._explain(exc, stream, invalid)
            # The byte stream's own errors (encoding, length, size) name their line already.
            if threaded and stream.error is None:
                raise _Unlocated(error) from exc
            raise error from exc
        finally:
            inner.close()

    def _parse(
        self, stream: Utf8Stream, invalid: list[pacsv.InvalidRow], threaded: bool
    ) -> Iterator[pa.RecordBatch]:
        keys = [f"f{i}" for i in range(self._sniffed.field_count)]

        def on_invalid(row: pacsv.InvalidRow) -> str:
            invalid.append(row)
            return "error"

        reader = pacsv.open_csv(
            stream,
            # Only serial parsing gives invalid rows their number (see `batches`). pyarrow
            # reads up to 32 blocks ahead of the parser, so the block size bounds memory (a
            # row must still fit in a block, hence twice the longest line allowed).
            read_options=pacsv.ReadOptions(
                use_threads=threaded,
                block_size=max(MiB, 2 * self._limits.max_line_bytes),
                column_names=keys,
                skip_rows=1 if self._sniffed.has_header else 0,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=self._sniffed.delimiter or ",",
                newlines_in_values=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(keys, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            ),
        )
        # Closed before the source is: its threads may still be reading ahead.
        with reader:
            yield from read_ahead(reader) if threaded else reader

    def _explain(
        self, exc: Exception, stream: Utf8Stream, invalid: list[pacsv.InvalidRow]
    ) -> IngestError:
        if stream.error is not None:
            return stream.error
        if invalid:
            row = invalid[0]
            return IngestError(
                "inconsistent_columns",
                f"{row.actual_columns} fields where the first row has {row.expected_columns}",
                line=row.number,
            )
        return IngestError("malformed_csv", f"the file cannot be parsed as CSV ({exc})")


def read_ahead(items: Iterator[T], depth: int = READ_AHEAD) -> Iterator[T]:
    """`items`, taken on a thread of their own at most `depth` ahead of the caller: pyarrow's
    CSV reader parses a block when it is asked for the batch (the caller waited 1.3 s of a
    5 s pass on 300 MB), and now parses the next ones while the caller works on this one.
    What the reader raises is raised here, in order; the thread has stopped when this
    generator ends, however it ends."""
    queue: Queue[tuple[Any, BaseException | None]] = Queue(depth)
    stop = threading.Event()

    def fill() -> None:
        try:
            for item in items:
                queue.put((item, None))
                if stop.is_set():
                    return
            queue.put((_END, None))
        except BaseException as exc:  # handed to the caller
            queue.put((None, exc))

    thread = threading.Thread(target=fill, name="ingest-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let a blocked `put` through, then it sees `stop`
            with contextlib.suppress(Empty):
                queue.get(timeout=0.05)
        thread.join()


class _Unlocated(Exception):
    """A malformed CSV met while parsing on threads, where rows have no number."""

    def __init__(self, error: IngestError) -> None:
        super().__init__(error.message)
        self.error = error


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class JsonReader:
    """Streams a JSON array of objects or JSON Lines; values become text for inference.

    Bounded like CSV: a record (a line of JSON Lines, an element of an array) may be at most
    ``max_line_bytes`` long, and a batch holds at most JSON_BATCH_ROWS records and about
    JSON_BATCH_BYTES of them.
    """

    def __init__(self, open_source: SourceOpener, sniffed: Sniffed, limits: IngestLimits) -> None:
        self._open_source = open_source
        self._sniffed = sniffed
        self._limits = limits
        self.names: list[str] = []

    def batches(self) -> Iterator[pa.RecordBatch]:
        inner, _ = open_decompressed(self._open_source, self._limits)
        assert self._sniffed.encoding is not None
        is_array = self._sniffed.format == "json"
        # An array needs no line breaks at all (json.dumps writes none): its records are
        # bounded instead of its lines.
        longest_line = self._limits.max_bytes if is_array else self._limits.max_line_bytes
        stream = Utf8Stream(inner, self._sniffed.encoding, longest_line)
        if is_array:
            records = _array_records(stream, self._limits.max_line_bytes)
        else:
            records = _line_records(stream)
        try:
            batch: list[dict[str, Any]] = []
            size = 0
            for record, record_bytes in records:
                batch.append(record)
                size += record_bytes
                if len(batch) == JSON_BATCH_ROWS or size >= JSON_BATCH_BYTES:
                    yield self._to_batch(batch)
                    batch, size = [], 0
            if batch or not self.names:
                yield self._to_batch(batch)
        finally:
            inner.close()

    def _to_batch(self, records: list[dict[str, Any]]) -> pa.RecordBatch:
        known = set(self.names)
        for record in records:
            for key in record:
                if key not in known:
                    known.add(key)
                    self.names.append(key)
        if len(self.names) > self._limits.max_columns:
            raise IngestError(
                "too_many_columns",
                f"{len(self.names):,} keys, more than the limit of {self._limits.max_columns:,}",
            )
        columns = [pa.array([_as_text(r.get(k)) for r in records], pa.string()) for k in self.names]
        return pa.RecordBatch.from_arrays(columns, names=[f"f{i}" for i in range(len(columns))])


class _NumberTooLong(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(f"{digits} digits")
        self.digits = digits


def _parse_int(text: str) -> int:
    # Python refuses to convert integers longer than this (CVE-2020-10735) with a plain
    # ValueError; say which line and what instead.
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _NumberTooLong(digits)
    return int(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int)


@contextlib.contextmanager
def _typed_json_errors(line: int) -> Iterator[None]:
    """Decoding failures other than malformed JSON, as typed errors naming the line."""
    try:
        yield
    except _NumberTooLong as exc:
        raise IngestError(
            "number_too_long",
            f"a number with {exc.digits:,} digits; numbers are read up to {MAX_INT_DIGITS:,}",
            line=line,
        ) from None
    except RecursionError:
        raise IngestError(
            "json_too_deep",
            "JSON nested too deeply (hundreds of levels); each row must be an object of values",
            line=line,
        ) from None


def _object(value: Any, line: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise IngestError("invalid_json", "expected a JSON object for each row", line=line)
    return value


def _line_records(stream: Utf8Stream) -> Iterator[tuple[dict[str, Any], int]]:
    """(record, its size in bytes) for each line of JSON Lines."""
    lines = io.BufferedReader(stream, CHUNK_BYTES)
    for number, raw in enumerate(iter(lines.readline, b""), start=1):
        if raw.strip():
            try:
                with _typed_json_errors(number):
                    value = _DECODER.decode(raw.decode("utf-8"))
            except json.JSONDecodeError as exc:
                raise IngestError("invalid_json", f"invalid JSON ({exc.msg})", line=number) from exc
            yield _object(value, number), len(raw)


def _array_records(
    stream: Utf8Stream, max_record_bytes: int
) -> Iterator[tuple[dict[str, Any], int]]:
    """Decode `[{...}, {...}]` one element at a time from a sliding text buffer; yields
    (record, its size in characters)."""
    text = codecs.getincrementaldecoder("utf-8")()
    buffer, pos, line, eof, opened = "", 0, 1, False, False
    while True:
        while pos < len(buffer):
            char = buffer[pos]
            if char in " \t\r\n" or (char == "," and opened):
                line += char == "\n"
            elif char == "[" and not opened:
                opened = True
            else:
                break
            pos += 1
        if pos < len(buffer) and not opened:
            raise IngestError("invalid_json", "expected a JSON array of objects", line=line)
        if pos < len(buffer) and buffer[pos] == "]":
            return
        try:
            with _typed_json_errors(line):
                value, end = _DECODER.raw_decode(buffer, pos)
        except json.JSONDecodeError as exc:
            if eof:
                message = f"invalid JSON ({exc.msg})" if pos < len(buffer) else "unclosed array"
                raise IngestError("invalid_json", message, line=line) from exc
            if len(buffer) - pos > max_record_bytes:
                raise IngestError(
                    "record_too_large",
                    f"a JSON record longer than the limit of {max_record_bytes:,} bytes",
                    line=line,
                ) from exc
            chunk = stream.read(CHUNK_BYTES)
            eof = not chunk
            buffer, pos = buffer[pos:] + text.decode(chunk, final=eof), 0
            continue
        yield _object(value, line), end - pos
        line += buffer.count("\n", pos, end)
        pos = end


def _corrupt_parquet(exc: Exception) -> IngestError:
    return IngestError("corrupt_parquet", f"the Parquet file cannot be read ({exc})")


class ParquetReader:
    """Copies the (possibly gzip) source to a local temporary file: Parquet needs seeking."""

    def __init__(self, open_source: SourceOpener, sniffed: Sniffed, limits: IngestLimits) -> None:
        self._spool = tempfile.NamedTemporaryFile(suffix=".parquet")  # noqa: SIM115
        inner, _ = open_decompressed(open_source, limits)
        with inner:
            shutil.copyfileobj(inner, self._spool, CHUNK_BYTES)
        self._spool.flush()
        self._limits = limits
        try:
            self._file = open_parquet(self._spool.name)
        except (pa.ArrowException, OSError) as exc:
            self.close()
            raise _corrupt_parquet(exc) from exc
        self.names = list(self._file.schema_arrow.names)
        if len(self.names) > limits.max_columns:
            self.close()
            raise IngestError(
                "too_many_columns",
                f"{len(self.names):,} columns, more than the limit of {limits.max_columns:,}",
            )

    def batches(self) -> Iterator[pa.RecordBatch]:
        # Values are bounded like CSV lines, and batches in decoded bytes (a dictionary page
        # can hold one long value repeated for every row).
        batches = iter_batches(self._file, BATCH_ROWS, max_value_bytes=self._limits.max_line_bytes)
        try:
            for batch in batches:
                yield pa.RecordBatch.from_arrays(
                    batch.columns, names=[f"f{i}" for i in range(batch.num_columns)]
                )
        except (pa.ArrowException, OSError) as exc:
            raise _corrupt_parquet(exc) from exc

    def close(self) -> None:
        self._spool.close()
