"""Columns missing together: columns missing in exactly the same training rows, which
generation keeps missing in the same rows.

survival's pbc misses `trt`, `ascites`, `hepato`, `spiders`, `alk.phos` and `ast` for the
same 106 of its 418 patients (those outside the trial); Minneapolis police stops miss
`personSearch`, `vehicleSearch`, `preRace`, `race` and `gender` for the same 303 of 2,000
stops (those without a stop form). Engines learn each column's missing values on their own:
gaussian_copula wrote a treatment beside missing symptoms, a race beside a missing gender.

The rule: at least two learned columns whose missing values are in the same rows in every
training row, missing in at least ``MIN_MISSING`` rows and present in at least as many.
Generation keeps the group's first column (a column a condition fixes first) as the engine
wrote it; the others are missing where it is, and where it is present and they are not,
they take the values of one row of the chunk where the whole group is present (so values
that go together in the group stay together), or, without such a row, stay missing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MIN_MISSING = 10
# Columns a table's groups are looked for in (a wider table keeps its first ones).
MAX_COLUMNS = 1000


@dataclass(frozen=True)
class MissingTogether:
    columns: tuple[str, ...]
    # (category column, value): the columns are missing wherever it has that value
    # (`common.contracts.missing_when`); None: missing in the same rows.
    when: tuple[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns)} | ({"when": list(self.when)} if self.when else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MissingTogether:
        when = data.get("when")
        return cls(tuple(data["columns"]), (when[0], when[1]) if when else None)

    def mend(
        self,
        rows: pd.DataFrame,
        rng: np.random.Generator,
        frozen: Collection[str],
        barred: np.ndarray | None = None,
    ) -> None:
        """Makes the group's columns missing in the same rows of ``rows`` (see the module),
        or where its ``when`` column has its value (``barred``: rows that another such rule
        keeps missing these columns, never given the moved values)."""
        if self.when is not None:
            self._mend_when(rows, rng, frozen, barred)
            return
        columns = [c for c in self.columns if c in rows.columns]
        if len(columns) < 2:
            return
        leader = next((c for c in columns if c in frozen), columns[0])
        present = rows[leader].notna().to_numpy()
        others = [c for c in columns if c != leader and c not in frozen]
        whole = np.flatnonzero(rows[columns].notna().all(axis=1).to_numpy())
        gaps = present & rows[others].isna().any(axis=1).to_numpy()
        donor = np.full(len(rows), -1)
        if len(whole):  # one row of the chunk lends a row all its missing values
            donor[gaps] = whole[rng.integers(len(whole), size=int(gaps.sum()))]
        for column in others:
            values = rows[column].copy()
            fill = np.flatnonzero(present & values.isna().to_numpy() & (donor >= 0))
            values.iloc[fill] = values.iloc[donor[fill]].to_numpy()
            rows[column] = values.mask(~present)

    def at(self, rows: pd.DataFrame) -> np.ndarray:
        """True in the rows with the ``when`` value (none without a ``when``)."""
        if self.when is None or self.when[0] not in rows.columns:
            return np.zeros(len(rows), dtype=bool)
        return rows[self.when[0]].isin([self.when[1]]).to_numpy()

    def _mend_when(
        self,
        rows: pd.DataFrame,
        rng: np.random.Generator,
        frozen: Collection[str],
        barred: np.ndarray | None,
    ) -> None:
        """The values of the rows with the ``when`` value move to rows without it that miss
        them all; rows with it keep none (`common.contracts.missing_when`)."""
        category = self.when[0] if self.when else ""
        columns = [c for c in self.columns if c in rows.columns and c not in frozen]
        if category not in rows.columns or not columns:
            return
        at = self.at(rows)
        present = rows[columns].notna().any(axis=1).to_numpy()
        wrong = rng.permutation(np.flatnonzero(at & present))
        open_ = ~at & ~present & rows[category].notna().to_numpy()
        if barred is not None:
            open_ &= ~barred
        free = rng.permutation(np.flatnonzero(open_))
        moved = min(len(wrong), len(free))
        for column in columns:
            values = rows[column].copy()
            values.iloc[free[:moved]] = values.iloc[wrong[:moved]].to_numpy()
            rows[column] = values.mask(pd.Series(at, index=rows.index))


def mend_groups(
    rows: pd.DataFrame,
    groups: Iterable[MissingTogether],
    rng: np.random.Generator,
    frozen: Collection[str],
) -> None:
    """Mends every group in turn; a ``when`` group moves its values only to rows that no
    other ``when`` group keeps missing one of its columns (a brand moved off the runs
    before 2005 lands in none of the runs another rule keeps brandless)."""
    groups = list(groups)
    kept: dict[str, np.ndarray] = {}  # per column: the rows a `when` keeps missing it
    for group in groups:
        if group.when is not None:
            at = group.at(rows)
            for column in group.columns:
                kept[column] = kept[column] | at if column in kept else at
    for group in groups:
        barred = None
        if group.when is not None:  # its own rows are barred anyway
            barred = np.zeros(len(rows), dtype=bool)
            for column in group.columns:
                barred |= kept.get(column, barred)
        group.mend(rows, rng, frozen, barred)
    blank_when(rows, groups, frozen)


def blank_when(
    rows: pd.DataFrame, groups: Iterable[MissingTogether], frozen: Collection[str] = ()
) -> None:
    """The columns of each ``when`` group missing in its rows, moving nothing: a value
    another rule moved in (or a year a row took later) keeps no rule broken."""
    for group in groups:
        columns = [c for c in group.columns if c in rows.columns and c not in frozen]
        at = group.at(rows)
        if group.when is not None and columns and at.any():
            rows[columns] = rows[columns].mask(pd.Series(at, index=rows.index), axis=0)


class MissingTogetherFinder:
    """Groups of columns missing in the same rows, refined batch by batch (`add`, then
    `found`)."""

    def __init__(self, columns: Iterable[str]) -> None:
        self._columns = list(columns)[:MAX_COLUMNS]
        self._groups: list[list[str]] = [self._columns]
        self._missing: dict[str, int] = dict.fromkeys(self._columns, 0)
        self._rows = 0

    def add(self, frame: pd.DataFrame) -> None:
        present = [c for c in self._columns if c in frame.columns]
        missing = frame[present].isna().to_numpy()
        keys = {c: missing[:, i].tobytes() for i, c in enumerate(present)}
        for i, column in enumerate(present):
            self._missing[column] += int(missing[:, i].sum())
        refined: list[list[str]] = []
        for group in self._groups:
            split: dict[bytes | None, list[str]] = {}
            for column in group:
                split.setdefault(keys.get(column), []).append(column)
            refined.extend(split.values())
        self._groups = refined
        self._rows += len(frame)

    def found(self, excluded: Collection[str] = ()) -> tuple[MissingTogether, ...]:
        """The groups, less the columns in ``excluded`` (columns other rules set)."""
        groups = []
        for group in self._groups:
            kept = [c for c in group if c not in excluded and self._counted(c)]
            if len(kept) >= 2:
                groups.append(MissingTogether(tuple(kept)))
        return tuple(groups)

    def _counted(self, column: str) -> bool:
        missing = self._missing[column]
        return missing >= MIN_MISSING and self._rows - missing >= MIN_MISSING
