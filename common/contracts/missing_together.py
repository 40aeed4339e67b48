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

    def to_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MissingTogether:
        return cls(tuple(data["columns"]))

    def mend(self, rows: pd.DataFrame, rng: np.random.Generator, frozen: Collection[str]) -> None:
        """Makes the group's columns missing in the same rows of ``rows`` (see the module)."""
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
