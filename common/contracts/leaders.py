"""A category column whose value, in every real row, names the number column with the
largest value (an election's `winner` among the `Coderre`, `Bergeron` and `Joly` vote
columns): training stores the rule and generation sets the category from its row's numbers
(`services/training/engines/conform.py`), so no synthetic row names a loser as its winner.

The rule. Category column C *names the leader* of number columns N1..Nk (k >= 2) when C's
values are exactly those column names (at least two of them), and in every real row with C
and every Ni present, C names one of the columns with the row's largest value; at least
``MIN_ROWS`` such rows. A row missing C or a number keeps its values as generated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# Rows with the category and every number present, for the rule to count.
MIN_ROWS = 20


@dataclass(frozen=True)
class Leader:
    """``column`` names the largest of ``columns`` in every real row that has them all."""

    column: str
    columns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "columns": list(self.columns)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Leader:
        return cls(column=data["column"], columns=tuple(data["columns"]))

    @property
    def description(self) -> str:
        return f"{self.column} = the largest of {', '.join(self.columns)}"

    def _rows(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows with the category and every number present, each row's position of the
        named column in ``columns`` (-1: none), and whether each column is the row's largest."""
        numbers = np.column_stack(
            [
                pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
                for c in self.columns
            ]
        )
        named = rows[self.column].astype(object)
        present = named.notna().to_numpy() & ~np.isnan(numbers).any(axis=1)
        position = {name: index for index, name in enumerate(self.columns)}
        chosen = np.array([position.get(str(v), -1) for v in named], dtype=np.int64)
        filled = np.where(present[:, None], numbers, 0.0)
        largest = filled == filled.max(axis=1)[:, None]
        return present, chosen, largest

    def checked(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row has the category and every number."""
        return self._rows(rows)[0]

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row has the category and every number, and names no largest one."""
        present, chosen, largest = self._rows(rows)
        named_largest = np.take_along_axis(largest, np.maximum(chosen, 0)[:, None], axis=1)[:, 0]
        return present & ((chosen < 0) | ~named_largest)

    def derive(self, rows: pd.DataFrame) -> None:
        """Set the category, in place, to the first largest column where it names none."""
        wrong = self.broken(rows)
        if not wrong.any():
            return
        _, _, largest = self._rows(rows)
        names = np.array(self.columns, dtype=object)[largest.argmax(axis=1)]
        values = rows[self.column].to_numpy(dtype=object, copy=True)
        values[wrong] = names[wrong]
        rows[self.column] = pd.Series(values, index=rows.index).astype(rows[self.column].dtype)


class LeaderFinder:
    """Finds the leaders of a table read whole or in batches (`add` each, then `leaders`);
    ``categories`` and ``numbers`` are the columns allowed as C and as the Ni. A column name
    first met after rows were checked without it ends the rule (those rows' largest value
    was taken among fewer columns)."""

    def __init__(self, categories: Sequence[str], numbers: Sequence[str]) -> None:
        self._numbers = list(numbers)
        self._seen: dict[str, set[str]] = {c: set() for c in categories}
        self._rows: dict[str, int] = dict.fromkeys(categories, 0)
        self._broken: set[str] = set()

    def add(self, frame: pd.DataFrame) -> None:
        if len(self._numbers) < 2:
            return
        for column, seen in self._seen.items():
            if column in self._broken:
                continue
            values = frame[column].dropna().unique()
            if len(values) > len(self._numbers):  # more values than columns to name
                self._broken.add(column)
                continue
            before = len(seen)
            seen.update(str(v) for v in values)
            grew = len(seen) > before and self._rows[column] > 0
            if grew or not seen <= set(self._numbers):
                self._broken.add(column)
                continue
            if len(seen) < 2:
                continue
            leader = self._leader(column)
            if leader.broken(frame).any():
                self._broken.add(column)
                continue
            self._rows[column] += int(leader.checked(frame).sum())

    def _leader(self, column: str) -> Leader:
        named = tuple(n for n in self._numbers if n in self._seen[column])
        return Leader(column, named)

    def leaders(self) -> list[Leader]:
        return [
            self._leader(column)
            for column, seen in self._seen.items()
            if column not in self._broken and len(seen) >= 2 and self._rows[column] >= MIN_ROWS
        ]


def find_leaders(
    frame: pd.DataFrame, categories: Sequence[str], numbers: Sequence[str]
) -> list[Leader]:
    """The leaders of a whole table (see the module's rule)."""
    finder = LeaderFinder(categories, numbers)
    finder.add(frame)
    return finder.leaders()
