"""Cheaper exact forms of the text kernels that ingestion runs on every value of every
column, each giving what the plain pyarrow kernel gives (a test compares them).

On 100 MB of CSV (adult, 15 columns of 17,000-value batches, one core): trimming 0.14 s of
CPU with ``utf8_trim_whitespace``, 0.10 s with ``ascii_trim_whitespace`` plus 0.02 s to
check that it may be used; nulling missing-value tokens 0.09 s with ``if_else``, nothing
with a validity bitmap; the leading-zero check 0.12 s, 0.04 s by looking at first bytes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Codes such as zip codes or ids keep their leading zeros, so they stay text.
LEADING_ZERO = r"^[+-]?0\d"
_ZERO_OR_SIGN = pa.array(["0", "+", "-"])
_ZERO, _PLUS, _MINUS = ord("0"), ord("+"), ord("-")


def _offsets(values: pa.Array) -> np.ndarray:
    """The value offsets of a ``string`` array (len + 1 of them, for its slice)."""
    buffer = values.buffers()[1]
    return np.frombuffer(buffer, np.int32, count=len(values) + 1, offset=4 * values.offset)


def _data(values: pa.Array) -> np.ndarray:
    buffer = values.buffers()[2]
    return np.frombuffer(buffer, np.uint8) if buffer is not None else np.empty(0, np.uint8)


def trim_whitespace(values: pa.Array) -> pa.Array:
    """``utf8_trim_whitespace``. Where every byte is ASCII, ``ascii_trim_whitespace`` does
    the same faster, except on U+001C-U+001F, which Unicode calls whitespace and ASCII
    does not: an array holding one of those is trimmed as UTF-8."""
    if values.type != pa.string():
        return pc.utf8_trim_whitespace(values)
    data = _data(values)
    if np.any((data >= 0x80) | ((data & 0xFC) == 0x1C)):
        return pc.utf8_trim_whitespace(values)
    return pc.ascii_trim_whitespace(values)


def null_where(values: pa.Array, mask: pa.Array) -> pa.Array:
    """``if_else(mask, None, values)`` for a boolean `mask` without nulls: the values are
    kept where they are, and only the validity bitmap is new."""
    if values.offset or mask.offset or mask.null_count or pa.types.is_nested(values.type):
        return pc.if_else(mask, None, values)
    keep = pc.invert(mask)
    if values.null_count:
        keep = pc.and_(keep, pc.is_valid(values))
    buffers = values.buffers()
    return pa.Array.from_buffers(values.type, len(values), [keep.buffers()[1], *buffers[1:]])


def has_leading_zero(values: pa.Array) -> bool:
    """Whether a value matches LEADING_ZERO. The regex runs only on values that could: at
    least two bytes starting with 0, or three starting with a sign (most zeros in a column
    of numbers are a lone `0`)."""
    if values.type != pa.string() or values.null_count:
        first = pc.utf8_slice_codeunits(values, 0, 1)
        return _matches(values.filter(pc.is_in(first, value_set=_ZERO_OR_SIGN)))
    offsets, data = _offsets(values), _data(values)
    lengths = np.diff(offsets)
    if len(data) == 0 or not np.any(lengths >= 2):
        return False
    first = data[np.where(lengths > 0, offsets[:-1], 0)]
    signed = (first == _PLUS) | (first == _MINUS)
    could = ((first == _ZERO) & (lengths >= 2)) | (signed & (lengths >= 3))
    if not could.any():
        return False
    return _matches(values.filter(pa.array(could)))


def _matches(maybe: pa.Array) -> bool:
    return len(maybe) > 0 and bool(pc.any(pc.match_substring_regex(maybe, LEADING_ZERO)).as_py())
