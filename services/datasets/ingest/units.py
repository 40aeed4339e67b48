"""Numbers that all carry the same currency or percent sign (`4,95 €`, `$1,250.00`,
`12,5 %`): the sign is found on a column's first value and dropped before typing."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

# A currency or percent sign before or after a number, the same on every value of a column.
_UNIT = re.compile(
    r"^(?P<before>[€$£¥]\s?)?[+-]?\d[\d.,]*(?P<after>\s?(?:[€$£¥%]|EUR|USD|GBP|CHF))?$"
)


def unit_of(value: str) -> tuple[str, str] | None:
    """The sign (before, after) a value is written with, None for none."""
    match = _UNIT.match(value)
    if not match or not (match.group("before") or match.group("after")):
        return None
    return match.group("before") or "", match.group("after") or ""


def strip_unit(values: pa.Array, unit: tuple[str, str]) -> pa.Array:
    """The values without the sign before and after them."""
    before, after = unit
    stop = -len(after) if after else None
    return pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(values, len(before), stop))
