"""Detect format, compression, encoding, delimiter and header from a bounded sample."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from typing import Any

from .encodings import detect_legacy_encoding
from .errors import IngestError
from .options import IngestLimits, IngestOptions, MiB
from .stream import SourceOpener, Utf8Stream, read_sample, text_encoding

SAMPLE_BYTES = MiB
SAMPLE_RECORDS = 200
DELIMITERS = (",", ";", "\t", "|")
PARQUET_MAGIC = b"PAR1"
# Bytes below 0x20 that legitimately occur in text files.
TEXT_CONTROLS = b"\t\n\r\f\v\x1a"
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in TEXT_CONTROLS)
MAX_CONTROL_SHARE = 0.01
HTML_MARKERS = ("<!doctype html", "<html", "<head>", "<body")
DEFAULT_MISSING = ("", "?", "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "NaN", "nan")
# A lone dash: how reports and spreadsheets mark a number they do not have.
DEFAULT_MISSING += ("None", "#N/A", "-")


@dataclass(frozen=True)
class Sniffed:
    """What the sample says about the file; CSV fields are None for other formats."""

    format: str
    compressed: bool
    encoding: str | None = None
    # Whether the encoding was found from the bytes (a BOM, valid UTF-8, the detector) rather
    # than given in the options.
    encoding_detected: bool = False
    delimiter: str | None = None
    has_header: bool | None = None
    header: list[str] | None = None
    field_count: int = 0


def sniff(open_source: SourceOpener, options: IngestOptions, limits: IngestLimits) -> Sniffed:
    """Inspect the first MiB (decompressed) and decide how to read the whole file."""
    sample, compressed = read_sample(open_source, limits, SAMPLE_BYTES)
    if not sample.strip():
        raise IngestError("empty_file", "the file is empty")
    if sample.startswith(PARQUET_MAGIC) or options.format == "parquet":
        if not sample.startswith(PARQUET_MAGIC):
            raise IngestError("unsupported_format", "the file is not a Parquet file")
        return Sniffed(format="parquet", compressed=compressed)
    full = len(sample) == SAMPLE_BYTES
    encoding, detected = _choose_encoding(sample, options.encoding, full=full)
    text = _decode_sample(sample, encoding, full=full)
    if not text.strip():
        raise IngestError("empty_file", "the file is empty")
    _reject_binary(text)
    _reject_html(text)
    json_format = _json_format(text, options)
    found = {"compressed": compressed, "encoding": encoding, "encoding_detected": detected}
    if json_format == "json":
        # A JSON array needs no line breaks at all; its records are bounded as it is read.
        return Sniffed(format="json", **found)
    lines = _complete_lines(text, limits, full=full)
    if json_format:
        return Sniffed(format=json_format, **found)
    return _sniff_csv(lines, options, limits, found)


def _reject_binary(text: str) -> None:
    if "\x00" in text:
        raise IngestError("binary_content", "the file contains NUL bytes: it is binary, not text")
    data = text.encode("utf-8", "surrogatepass")
    controls = len(data.translate(None, _NOT_CONTROL))
    if controls > MAX_CONTROL_SHARE * len(data):
        raise IngestError("binary_content", "the file is binary (unprintable bytes), not text")


# Byte order marks; UTF-32's first, since its little-endian one begins like UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _choose_encoding(sample: bytes, declared: str | None, *, full: bool) -> tuple[str, bool]:
    """(encoding, whether it was detected rather than declared)."""
    if declared:
        return text_encoding(declared), False
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name, True
    if b"\x00" in sample:
        raise IngestError(
            "binary_content",
            "the file contains NUL bytes: it is binary, not text (a UTF-16 or UTF-32 file "
            "needs a byte order mark, or the encoding option)",
        )
    try:
        # A multi-byte character cut by the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=not full)
        return "utf-8", True
    except UnicodeDecodeError:
        pass
    return detect_legacy_encoding(sample[: sample.rfind(b"\n") + 1] or sample), True


def _decode_sample(sample: bytes, encoding: str, *, full: bool) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(
            sample, final=not full
        )
    except UnicodeError as exc:
        start = max(getattr(exc, "start", 0), 0)
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise IngestError(
            "invalid_encoding",
            f"bytes that are not valid {encoding} ({reason}; try another encoding option)",
            line=sample[:start].count(b"\n") + 1,
        ) from exc


def _complete_lines(text: str, limits: IngestLimits, *, full: bool) -> str:
    """The complete lines of the sample (all of it if it is the whole file), each checked
    against the line length limit."""
    data = text.encode("utf-8", "surrogatepass")
    complete = data[: data.rfind(b"\n") + 1] if full else data
    if len(data) - len(complete) > limits.max_line_bytes:
        raise IngestError(
            "line_too_long",
            f"a line longer than the limit of {limits.max_line_bytes:,} bytes",
            line=complete.count(b"\n") + 1,
        )
    stream = Utf8Stream(io.BytesIO(complete), "utf-8", limits.max_line_bytes)
    return stream.read().decode("utf-8")


def _reject_html(text: str) -> None:
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml")) or any(m in head for m in HTML_MARKERS):
        raise IngestError("html_content", "the file is an HTML/XML page, not a data table")


def _json_format(text: str, options: IngestOptions) -> str | None:
    if options.format in ("csv", "tsv"):
        return None
    first = text.lstrip()[:1]
    if first == "[":
        return "json"
    if first == "{":
        return "jsonl"
    if options.format in ("json", "jsonl"):
        raise IngestError("unsupported_format", "the file is not JSON (no leading '[' or '{')")
    return None


def _sniff_csv(
    text: str, options: IngestOptions, limits: IngestLimits, found: dict[str, Any]
) -> Sniffed:
    delimiter = options.delimiter or ("\t" if options.format == "tsv" else _detect_delimiter(text))
    records = _records(text, delimiter)
    if not records:
        raise IngestError("empty_file", "the file has no rows")
    field_count = len(records[0])
    if field_count > limits.max_columns:
        raise IngestError(
            "too_many_columns",
            f"{field_count:,} columns, more than the limit of {limits.max_columns:,}",
            line=1,
        )
    has_header = options.has_header
    if has_header is None:
        has_header = detect_header(records)
    return Sniffed(
        format="tsv" if delimiter == "\t" else "csv",
        **found,
        delimiter=delimiter,
        has_header=has_header,
        header=records[0] if has_header else None,
        field_count=field_count,
    )


def _records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            if record:
                records.append(record)
            if len(records) >= SAMPLE_RECORDS:
                break
    except csv.Error:
        pass  # a quoted field cut by the end of the sample; the records before it are enough
    return records


def _detect_delimiter(text: str) -> str:
    """The delimiter whose field count is most consistent across the sample's rows."""
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(record) for record in _records(text, delimiter)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode) / len(counts), mode)
        if mode > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _is_number(value: str) -> bool:
    try:
        float(value.strip())
    except ValueError:
        return False
    return value.strip().lower() not in ("nan", "inf", "-inf", "infinity")


def detect_header(records: list[list[str]]) -> bool:
    """A header row has no numbers, and sits above columns that do, or above distinct values."""
    first, rest = records[0], records[1:]
    if any(_is_number(value) for value in first):
        return False
    if not rest:
        return all(value.strip() for value in first)
    for index, name in enumerate(first):
        values = [row[index].strip() for row in rest if index < len(row)]
        values = [v for v in values if v not in DEFAULT_MISSING]
        if values and name.strip() and sum(map(_is_number, values)) >= 0.8 * len(values):
            return True
    # All-text table: a header names each column once and is not repeated as a value.
    distinct = len({value.strip() for value in first}) == len(first)
    repeated = any(
        index < len(row) and row[index] == name for row in rest for index, name in enumerate(first)
    )
    return distinct and not repeated and all(value.strip() for value in first)
