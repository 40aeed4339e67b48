"""Columns constant within each group of rows sharing an id: gt's pizzaplace writes its order
number `2015-000002` on each line of an order, and every line of an order has the order's
date and time. Generation makes ids repeat about as the real ones do (`conform.id_numbers`),
but learned each line's date and time apart: the lines of one synthetic order were sold on
different days.

The rule. For an id column whose values repeat, a learned column is constant within its
groups when every group of two rows or more has one value of it (missing counting as one),
over at least ``MIN_GROUPS`` such groups, and that is no accident: were the column's values
paired at random, two rows would agree with chance ``p`` (the sum of its values' squared
shares), and all the groups' ``extra`` rows (a group's rows but its first) with chance
``p ** extra``, which must be at most ``FALSE_ALARM``. A column of one value is left out.

Mending (`GroupConstants.mend`), within the rows generated together: every row of a group
takes the columns' values of the group's first row (all of them, from one row, so that they
stay a combination the engine wrote). Rows generated apart (another chunk or shard) are
not made alike.

Bounded: ``MAX_ID_COLUMNS`` id columns, ``MAX_COLUMNS`` columns each, the first
``MAX_IDS`` ids of each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MIN_GROUPS = 10
FALSE_ALARM = 0.001
MAX_ID_COLUMNS = 5
MAX_COLUMNS = 200
MAX_IDS = 200_000


@dataclass(frozen=True)
class GroupConstants:
    """``columns`` are constant within each group of rows sharing a value of ``key``."""

    key: str
    columns: tuple[str, ...]

    @property
    def description(self) -> str:
        return f"{', '.join(self.columns)} constant within each {self.key}"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "columns": list(self.columns)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupConstants:
        return cls(key=data["key"], columns=tuple(data["columns"]))

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True for a row whose columns differ from its group's first row's."""
        columns = [c for c in self.columns if c in rows.columns]
        if self.key not in rows.columns or not columns:
            return np.zeros(len(rows), dtype=bool)
        leaders = _leaders(rows[self.key])
        present = leaders >= 0
        broken = np.zeros(len(rows), dtype=bool)
        for column in columns:
            values = rows[column].reset_index(drop=True)
            theirs = values.iloc[np.where(present, leaders, 0)].reset_index(drop=True)
            same = (values == theirs) | (values.isna() & theirs.isna())
            broken |= present & ~same.fillna(False).to_numpy(dtype=bool)
        return broken

    def mend(self, rows: pd.DataFrame) -> None:
        """Every row of a group with its group's first row's values of the columns, in place."""
        columns = [c for c in self.columns if c in rows.columns]
        if self.key not in rows.columns or not columns:
            return
        leaders = _leaders(rows[self.key])
        led = np.flatnonzero(leaders >= 0)
        if len(led) == 0:
            return
        for column in columns:
            values = rows[column].to_numpy(copy=True)
            values[led] = values[leaders[led]]
            rows[column] = pd.Series(values, index=rows.index, dtype=rows[column].dtype)


def _leaders(keys: pd.Series) -> np.ndarray:
    """For each row, the position of the first row with its key; -1 for a missing key."""
    codes, _ = pd.factorize(keys.reset_index(drop=True))
    first = np.full(codes.max(initial=-1) + 1, -1, dtype=np.int64)
    positions = np.arange(len(codes))
    present = codes >= 0
    # The first position of each code: assign in reverse, so the earliest write wins.
    first[codes[present][::-1]] = positions[present][::-1]
    return np.where(present, first[np.maximum(codes, 0)], -1)


class GroupConstantFinder:
    """The constant columns of each id column's groups, batch by batch (`add`, then `found`)."""

    def __init__(self, keys: Sequence[str], columns: Sequence[str]) -> None:
        self._keys = list(keys)[:MAX_ID_COLUMNS]
        self._columns = [c for c in columns if c not in self._keys][:MAX_COLUMNS]
        self._first: dict[str, pd.DataFrame] = {}  # per key: each id's first values
        self._varies: dict[str, set[str]] = {k: set() for k in self._keys}
        self._extra: dict[str, int] = dict.fromkeys(self._keys, 0)
        self._groups: dict[str, int] = dict.fromkeys(self._keys, 0)
        self._agree: dict[str, float] = {}  # chance two rows agree, from the first batch

    def add(self, frame: pd.DataFrame) -> None:
        columns = [c for c in self._columns if c in frame.columns]
        for column in columns:
            if column not in self._agree:
                shares = frame[column].value_counts(normalize=True, dropna=False).to_numpy()
                self._agree[column] = float(np.square(shares).sum())
        for key in [k for k in self._keys if k in frame.columns]:
            rows = frame[[key, *columns]].dropna(subset=[key])
            # Missing values are one value within a group (a text marker fits any dtype).
            marked = rows[columns].astype(object).where(rows[columns].notna(), "\x00missing")
            grouped = marked.groupby(rows[key], sort=False)
            varied = grouped.nunique() > 1
            self._varies[key] |= {c for c in columns if bool(varied[c].any())}
            first = grouped.first()
            stored = self._first.get(key)
            if stored is not None:
                both = first.index.intersection(stored.index)
                if len(both):
                    differ = first.loc[both] != stored.loc[both]
                    self._varies[key] |= {c for c in columns if bool(differ[c].any())}
                    self._extra[key] += len(both)  # each id seen again: a row of a group
                first = pd.concat([stored, first.drop(both)])
            self._first[key] = first.iloc[:MAX_IDS]
            sizes = grouped.size()
            self._extra[key] += int((sizes - 1).sum())
            self._groups[key] += int((sizes > 1).sum())

    def found(self, excluded: Sequence[str] = ()) -> tuple[GroupConstants, ...]:
        """The rules, less the columns in ``excluded`` (set from others)."""
        out = []
        for key in self._keys:
            if self._groups[key] < MIN_GROUPS:
                continue
            columns = tuple(
                c
                for c in self._columns
                if c not in self._varies[key]
                and c not in excluded
                and c in self._agree
                and self._agree[c] < 1.0
                and self._agree[c] ** self._extra[key] <= FALSE_ALARM
            )
            if columns:
                out.append(GroupConstants(key, columns))
        return tuple(out)
