"""How a CSV upload writes what typing drops, for downloads to write it the same way: the
token it writes for a missing value (`NA`, `?`) and the decimals of its number columns
(`8.0`, `7.5`: one).

The token is the table's: the most common missing-value token of its cells, counting empty
cells too (a table mixing `NA` and empty cells keeps the more common). None where empty
cells win, or where the token could not be written back safely (a quote, a delimiter, a
character a spreadsheet reads as a formula).

A column's decimals are kept where every value is a plain number (`-12.50`; no exponent,
and, as the pipeline checks by the column's type, no thousands separator, decimal comma,
unit or quotes) written with the same number of decimals, at least one; None otherwise
(`8`, `7.5`: the shortest form is what downloads write anyway). Where they vary, the fewest
decimals every value is written with is kept instead, where at least one (pandas writes a
float `5.0`, `13.1`, `5.25`: at least one): downloads write each value as short as it may be
but with at least those (`16.0`, `5.25`), never `16`. Of columns mixing forms the shortest
form stays: `8` beside `7.5` has none to keep.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

# A token written back as it is: a lone dash, a number (`-999`), or a word such as NA,
# N/A, #N/A, ?, null. Nothing a CSV reader or a spreadsheet would read otherwise.
_SAFE_TOKEN = re.compile(r"-|-?\d+(?:\.\d+)?|[A-Za-z/#?][A-Za-z0-9/#?._ ]{0,15}")


@dataclass
class _Decimals:
    low: int | None = None
    high: int | None = None
    plain: bool = True

    def observe(self, values: pa.Array) -> None:
        """`values`: a column's values, null where missing."""
        if not self.plain or values.null_count == len(values):
            return
        # An exponent (`1.5e3`) is no decimal part; the column's type rules out the rest
        # (thousands separators, decimal commas, units, quotes: see `pipeline`). A regex
        # per value made ingesting a file of numbers half as slow again.
        if pc.any(pc.match_substring(values, "e", ignore_case=True)).as_py():
            self.plain = False
            return
        point = pc.find_substring(values, ".")
        places = pc.if_else(
            pc.equal(point, -1), 0, pc.subtract(pc.subtract(pc.utf8_length(values), point), 1)
        )
        low, high = pc.min_max(places).values()
        self.low = low.as_py() if self.low is None else min(self.low, low.as_py())
        self.high = high.as_py() if self.high is None else max(self.high, high.as_py())
        # No decimals stay so whatever comes: nothing more to count.
        self.plain = self.low >= 1

    def result(self) -> int | None:
        """The decimals of every value, where they agree."""
        if not self.plain or self.low is None or self.low != self.high:
            return None
        return self.low

    def least(self) -> int | None:
        """The fewest decimals of every value, where they vary (see the module)."""
        if not self.plain or self.low is None or self.low == self.high:
            return None
        return self.low


@dataclass
class WrittenTally:
    """Counts, batch by batch, the missing-value tokens of a CSV table's cells and the
    decimals of each column's values."""

    tokens: Counter[str] = field(default_factory=Counter)
    decimals: dict[int, _Decimals] = field(default_factory=dict)
    # Each column's tokens of the batch being observed, counted in `end_batch`.
    _batch: dict[int, list[tuple[str, int]]] = field(default_factory=dict)

    def observe(
        self, index: int, trimmed: pa.Array, is_missing: pa.Array, cleaned: pa.Array
    ) -> None:
        """`trimmed`: a column's values without padding; `is_missing`: which of them are
        missing-value tokens; `cleaned`: the values with those tokens null. Columns of one
        batch may be observed at once, each on a thread of its own."""
        if pc.any(is_missing).as_py():
            counts = pc.value_counts(trimmed.filter(is_missing)).to_pylist()
            self._batch[index] = [(entry["values"], entry["counts"]) for entry in counts]
        self.decimals.setdefault(index, _Decimals()).observe(cleaned)

    def end_batch(self) -> None:
        """Counts the batch's tokens column by column, in the order of the columns (which
        token wins a tie depends on it)."""
        for index in sorted(self._batch):
            for token, count in self._batch[index]:
                self.tokens[token] += count
        self._batch.clear()

    def missing_value(self) -> str | None:
        """The table's missing-value token, None for an empty cell (see the module)."""
        if not self.tokens:
            return None
        token, _ = max(self.tokens.items(), key=lambda item: (item[1], item[0] == ""))
        return token if token and _SAFE_TOKEN.fullmatch(token) else None

    def decimals_of(self, index: int) -> int | None:
        tally = self.decimals.get(index)
        return tally.result() if tally is not None else None

    def least_decimals_of(self, index: int) -> int | None:
        tally = self.decimals.get(index)
        return tally.least() if tally is not None else None
