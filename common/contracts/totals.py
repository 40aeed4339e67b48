"""A number column that is the sum of other number columns in every real row (an election's
`total` of each candidate's votes, an order's total of its lines): training stores the rule
and generation sets the total from its row's parts (`services/training/engines/conform.py`),
so that a synthetic row's parts add up to its total.

The rule. Column T is the *total* of columns P1..Pk (k >= 2) when, in every real row with T
and every part present, T equals P1 + ... + Pk (to within float rounding), and the finding
is not an accident: at least ``MIN_EXTRA_ROWS`` more such rows than there are other number
columns (fewer rows than that fit many sums exactly), T takes at least two values, and the
parts are the only 0/1 combination of the other number columns that gives T. A column that
the others add up to in two ways (a grand total beside a subtotal and its parts) is left
alone. A row missing the total or a part keeps its values as generated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# Rows with every value present beyond the number of candidate parts, for a sum to count.
MIN_EXTRA_ROWS = 10
# Number columns looked at (a least-squares fit per column; wider tables are rare).
MAX_COLUMNS = 64
# Relative difference below which a sum is the total (float rounding of decimals).
_RELATIVE = 1e-9
# Complete rows the sums are fitted on (every row checks them after): 64 least-squares fits
# on a whole batch of 65,536 rows would take seconds of the training budget.
_PROBE_ROWS = 2_000


@dataclass(frozen=True)
class Total:
    """``column`` is the sum of ``parts`` in every real row that has them all."""

    column: str
    parts: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "parts": list(self.parts)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Total:
        return cls(column=data["column"], parts=tuple(data["parts"]))

    @property
    def description(self) -> str:
        return f"{self.column} = {' + '.join(self.parts)}"

    def _sums(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows with the total and every part present, the totals and the parts' sums."""
        values = _numbers(rows, [self.column, *self.parts])
        present = ~np.isnan(values).any(axis=1)
        return present, values[:, 0], values[:, 1:].sum(axis=1)

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row has the total and every part, and they do not add up."""
        present, totals, sums = self._sums(rows)
        return present & ~_equal(totals, sums)

    def derive(self, rows: pd.DataFrame) -> None:
        """Set the total, in place, to the sum of its parts where the row has them all."""
        present, totals, sums = self._sums(rows)
        if not present.any():
            return
        totals = totals.copy()
        totals[present] = sums[present]
        before = rows[self.column]
        if pd.api.types.is_integer_dtype(before.dtype) and not np.isnan(totals).any():
            rows[self.column] = np.rint(totals).astype(before.dtype)
        else:
            rows[self.column] = totals


class TotalFinder:
    """Finds the totals of a table read whole or in batches (`add` each, then `totals`):
    the first batch with enough complete rows proposes them, every batch must keep them."""

    def __init__(self, columns: Sequence[str]) -> None:
        self._columns = list(columns)[:MAX_COLUMNS]
        self._found: list[Total] | None = None
        self._complete = 0

    def add(self, frame: pd.DataFrame) -> None:
        if len(self._columns) < 3 or self._found == []:
            return
        values = _numbers(frame, self._columns)
        if self._found is None:
            self._found = _propose(values, self._columns)
            if self._found is None:
                return
        self._found = [t for t in self._found if not t.broken(frame).any()]
        self._complete += int((~np.isnan(values).any(axis=1)).sum())

    def totals(self) -> list[Total]:
        if not self._found or self._complete < len(self._columns) - 1 + MIN_EXTRA_ROWS:
            return []
        return list(self._found)


def find_totals(frame: pd.DataFrame, columns: Sequence[str]) -> list[Total]:
    """The totals of a whole table (see the module's rule)."""
    finder = TotalFinder(columns)
    finder.add(frame)
    return finder.totals()


def _propose(values: np.ndarray, columns: list[str]) -> list[Total] | None:
    """The totals these rows (``values``: one column per name of ``columns``) show (None:
    too few complete rows to tell)."""
    values = values[~np.isnan(values).any(axis=1) & np.isfinite(values).all(axis=1)]
    if len(values) < len(columns) - 1 + MIN_EXTRA_ROWS:
        return None
    values = values[:_PROBE_ROWS]
    # The normal equations of every column against the others share one Gram matrix: a
    # small least-squares solve per column instead of one over every probed row.
    gram = values.T @ values
    found = []
    for index, column in enumerate(columns):
        target = values[:, index]
        if np.unique(target).size < 2:
            continue
        rest = [i for i in range(len(columns)) if i != index]
        # The least-norm exact fit: a unique 0/1 combination comes back as it is, while two
        # ways of making the total share their weights and are no 0/1 combination.
        weights = np.linalg.lstsq(gram[np.ix_(rest, rest)], gram[rest, index], rcond=None)[0]
        ones = np.isclose(weights, 1.0, atol=1e-6)
        if ones.sum() < 2 or not (ones | np.isclose(weights, 0.0, atol=1e-6)).all():
            continue
        parts = [columns[i] for i, one in zip(rest, ones, strict=True) if one]
        if _equal(target, values[:, [columns.index(p) for p in parts]].sum(axis=1)).all():
            found.append(Total(column=column, parts=tuple(parts)))
    return found


def _numbers(rows: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    return np.column_stack(
        [pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
         for c in columns]
    )  # fmt: skip


def _equal(totals: np.ndarray, sums: np.ndarray) -> np.ndarray:
    scale = np.maximum(np.abs(totals), np.abs(sums))
    return np.abs(totals - sums) <= _RELATIVE * np.maximum(scale, 1.0)
