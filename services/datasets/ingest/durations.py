"""Which text columns are durations written as clock readings (`38:31:00`; see
`common.durations`), observed batch by batch as `typing_rules` types a column.

The rule is conservative. Every value must be of two or three colon-separated fields, the
first of any digits and the others of two digits below 60, nearly all (all but
`MINOR_SHARE`) with the same number of fields, and the others with one field fewer. And
either some first field is above 23, so that no value can be a time of day, or the
column is named like a duration (`Pace`, `duration`, `elapsed`, `lap`, `runtime`). A
column of clock times (`11:57:40`, every hour 0 to 23) stays a time of day. Two fields
(`38:31`) also need a second field written with a leading zero somewhere (`40:05`): scores
and versions (`25:21`, `3:1`) never have one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from common.durations import DURATION_FORMAT_KEY, PATTERN, to_seconds

__all__ = ["DurationTally", "to_seconds", "written_as"]

MINOR_SHARE = 0.01
_NAMED = re.compile(r"(^|[^a-z])(pace|duration|elapsed|lap|runtime)", re.IGNORECASE)
# A batch's first values rule out most text columns at the cost of a short regex.
_PROBE = 256


@dataclass
class DurationTally:
    """Counts what decides whether one column's values are durations, and their form."""

    fits: bool = True
    fields: dict[int, int] = field(default_factory=dict)  # values by number of fields
    longest_first: int = 0  # the largest first field
    padded_first: bool = False  # a first field written `07`
    short_first: bool = False  # a first field of one digit
    padded_second: bool = False  # a second field written `05`
    zero_last: int = 0  # values of three fields whose last is `00`

    def observe(self, values: pa.Array) -> None:
        """``values``: a batch's non-null texts."""
        if not self.fits:
            return
        for part in (values[:_PROBE], values):
            if not pc.all(pc.match_substring_regex(part, PATTERN)).as_py():
                self.fits = False
                return
        parts = pc.extract_regex(values, PATTERN)
        first = pc.struct_field(parts, "h")
        colons = pc.count_substring(values, ":")
        for count, seen in zip(*pc.value_counts(colons).flatten(), strict=True):
            self.fields[count.as_py() + 1] = self.fields.get(count.as_py() + 1, 0) + seen.as_py()
        first_numbers = pc.cast(first, pa.int64())
        self.longest_first = max(self.longest_first, pc.max(first_numbers).as_py() or 0)
        lengths = pc.utf8_length(first)
        self.padded_first |= bool(
            pc.any(pc.and_(pc.starts_with(first, "0"), pc.greater(lengths, 1))).as_py()
        )
        self.short_first |= bool(pc.any(pc.equal(lengths, 1)).as_py())
        zero_last = pc.and_(pc.equal(colons, 2), pc.ends_with(values, ":00"))
        self.zero_last += pc.sum(zero_last).as_py() or 0
        self.padded_second |= bool(pc.any(pc.starts_with(pc.struct_field(parts, "m"), "0")).as_py())

    def form(self, name: str) -> str | None:
        """The column's written form (`common.durations.FORMS`), None where it is no
        duration column."""
        if not self.fits or not self.fields:
            return None
        count = max(self.fields, key=lambda k: self.fields[k])
        others = sum(self.fields.values()) - self.fields[count]
        if others > MINOR_SHARE * sum(self.fields.values()) or (others and count != 3):
            return None
        if self.longest_first <= 23 and not _NAMED.search(name):
            return None
        if count == 2 and not self.padded_second:
            return None
        first = "hh" if self.padded_first and not self.short_first else "h"
        if count == 2:
            return f"{first}:mm"
        seconds = "ss" if self.fields[3] - self.zero_last > MINOR_SHARE * self.fields[3] else "00"
        return f"{first}:mm:{seconds}"


def written_as(form: str | None) -> dict[bytes, bytes] | None:
    """Field metadata of a stored column of durations: the form the file wrote them in."""
    return {DURATION_FORMAT_KEY: form.encode()} if form else None
