"""Date formats as files write them, unpadded numbers included.

A format may write a number without its leading zero the way glibc's strftime and SDV's
formats do: ``%-d``, ``%-m``, ``%-H``, ``%-I`` (``1/5/2013`` is ``%-m/%-d/%Y``). Parsers
(Arrow's and Python's strptime, pandas) read unpadded numbers with the plain codes and
reject ``%-``, so they get `parsing_format`; writers use `strftime`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

UNPADDED_CODES = ("d", "m", "H", "I")
# Marks where a zero may be dropped: a control character no format writes.
_MARK = "\x01"


def parsing_format(fmt: str) -> str:
    """The format a strptime reads (``%-d`` -> ``%d``)."""
    return fmt.replace("%-", "%")


def strftime(stamps: pa.Array, fmt: str) -> pa.Array:
    """``stamps`` written with ``fmt`` by Arrow, whose strftime has no ``%-d``: the
    unpadded codes are written padded after a mark, and each mark drops the zero after it."""
    if "%-" not in fmt:
        return pc.strftime(stamps, format=fmt)
    marked = fmt
    for code in UNPADDED_CODES:
        marked = marked.replace(f"%-{code}", f"{_MARK}%{code}")
    written = pc.strftime(stamps, format=marked)
    written = pc.replace_substring_regex(written, pattern=f"{_MARK}0(\\d)", replacement="\\1")
    return pc.replace_substring(written, _MARK, "")
