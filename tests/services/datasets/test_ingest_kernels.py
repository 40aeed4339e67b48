"""The cheaper kernels of ingestion give exactly what the plain pyarrow kernels give, on the
values that make them take another path: non-ASCII text, the four ASCII control
characters Unicode calls whitespace, nulls, empty values, slices, signs and lone zeros.
CSV batches parsed ahead come in order, with the reader's error, and leave no thread."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from services.datasets.ingest.reader import read_ahead
from services.datasets.ingest.text_kernels import (
    LEADING_ZERO,
    has_leading_zero,
    null_where,
    trim_whitespace,
)

PIECES = ["", " ", "\t", "\x1c", "\x1f", "\u00a0", "\u3000", "a", "0", "7", "+", "-", ".", "é"]
# Every string of up to three pieces: leading, trailing and inner whitespace of each kind.
VALUES = ["".join(p) for n in range(4) for p in itertools.product(PIECES, repeat=n)]


def _arrays(values: list[str | None]) -> list[pa.Array]:
    """The values as they are, with nulls, sliced, and each one alone."""
    array = pa.array(values, pa.string())
    with_nulls = pa.array([None if i % 5 == 0 else v for i, v in enumerate(values)], pa.string())
    alone = [pa.array([v], pa.string()) for v in values[:400]]
    return [array, with_nulls, array.slice(3, len(values) - 7), with_nulls.slice(1), *alone]


def _ascii_only(values: list[str]) -> list[str]:
    return [v for v in values if v.isascii() and not any("\x1c" <= c <= "\x1f" for c in v)]


@pytest.mark.parametrize("values", [VALUES, _ascii_only(VALUES)], ids=["any", "ascii"])
def test_trimming_is_utf8_trimming(values: list[str]) -> None:
    for array in _arrays(values):
        assert trim_whitespace(array).equals(pc.utf8_trim_whitespace(array))


def test_the_control_characters_unicode_calls_whitespace_are_trimmed() -> None:
    trimmed = trim_whitespace(pa.array(["\x1c7\x1f", " 8 "]))
    assert trimmed.to_pylist() == ["7", "8"]


def test_nulling_is_if_else() -> None:
    for array in _arrays(VALUES):
        mask = pc.is_in(array, value_set=pa.array(["", "-", "a"]))
        expected = pc.if_else(mask, None, array)
        got = null_where(array, mask)
        got.validate(full=True)
        assert got.equals(expected)
        assert got.null_count == expected.null_count


@pytest.mark.parametrize("values", [VALUES, ["0", "1", "0", "+0", "-0", "0.5", "10"]])
def test_leading_zeros_are_found_as_the_regex_finds_them(values: list[str]) -> None:
    for array in _arrays(values):
        expected = bool(pc.any(pc.match_substring_regex(array, LEADING_ZERO)).as_py())
        assert has_leading_zero(array.drop_null()) is expected
        assert has_leading_zero(array) is expected


@pytest.mark.parametrize(
    ("value", "leading"),
    [("007", True), ("-01", True), ("+00", True), ("0", False), ("-0", False), ("0.7", False)],
)
def test_codes_with_leading_zeros(value: str, leading: bool) -> None:
    assert has_leading_zero(pa.array(["12", value, "3"])) is leading


def _read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ingest-read-ahead"]


def test_batches_read_ahead_come_in_order_then_the_readers_error() -> None:
    def items() -> Iterator[int]:
        yield from range(5)
        raise ValueError("row 6 is malformed")

    got: list[int] = []
    with pytest.raises(ValueError, match="row 6"):
        got.extend(read_ahead(items()))
    assert got == [0, 1, 2, 3, 4]
    assert _read_ahead_threads() == []


def test_a_caller_that_stops_early_stops_the_reading_thread() -> None:
    batches = read_ahead(itertools.count())
    assert [next(batches) for _ in range(3)] == [0, 1, 2]
    batches.close()
    assert _read_ahead_threads() == []
