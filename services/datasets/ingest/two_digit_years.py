"""Two-digit years placed in the century the column's own years fill.

strptime's ``%y`` reads 69-99 as 1969-1999 and 00-68 as 2000-2068, whatever the column.
Birthdays of 1955 to 1985 (``3/14/55``) were then split into 1969-1985 and 2055-2068: the
table said people were born in 2060, and a model learnt two clusters and drew birthdays in
the years between (``4/2/23``), years no real row was in.

A column's two-digit years are read in the one hundred-year window they fill without a
jump: the window ends at the year written before the widest run of years that none of its
values is written in, in the latest century that keeps it at or before 2068 (strptime's
last). A column that strptime reads without a jump is read as before; written back with
``%y``, every value is written as the file wrote it.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The last year strptime's %y reads (68 -> 2068, 69 -> 1969).
STRPTIME_LAST = 2068


def years_of(parsed: pa.Array) -> set[int]:
    """The distinct years of parsed stamps (at most 100 for a two-digit year)."""
    return {y for y in pc.unique(pc.year(parsed)).to_pylist() if y is not None}


def window_end(years: set[int]) -> int | None:
    """The last year of the window the two-digit ``years`` (as strptime read them) fill;
    None where strptime read them so already."""
    if not years:
        return None
    written = sorted({y % 100 for y in years})
    # The run of unwritten years after each written one (all 100 after a lone year).
    gaps = [((written[(i + 1) % len(written)] - y) % 100 or 100, y) for i, y in enumerate(written)]
    widest = max(gap for gap, _ in gaps)
    ends = [STRPTIME_LAST - (STRPTIME_LAST - y) % 100 for gap, y in gaps if gap == widest]
    # Among runs as wide, one that strptime's reading already ends at keeps it (years that
    # tell nothing: every one of 00-99, or 70 and 20), else the latest.
    if any(max(years) <= end for end in ends):
        return None
    return max(ends)


def placed(parsed: pa.Array, end: int | None) -> pa.Array:
    """``parsed`` with the stamps after ``end`` a century earlier (29 February of a year
    that has none becomes the 28th)."""
    if end is None or not pc.any(pc.greater(pc.year(parsed), end)).as_py():
        return parsed
    stamps = parsed.to_pandas()
    later = stamps.dt.year > end
    stamps = stamps.where(~later, stamps - pd.DateOffset(years=100))
    return pa.array(stamps, type=parsed.type)
