"""A list condition on a date or number column met value by value.

Lists are met as rules: rows are drawn until their value is one of the list's. A column of
categories or a few whole numbers (`levels`) is drawn at a few values, and hits them; a date
or number one is drawn at dozens to thousands, and missed: ChickWeight's chicks 1 and 2 on
diet 1 came 1 row in 90; `{"dob": ["1970-05-05", "1971-01-01"]}` failed after
114,300 rows drawn for 300 (18 s with tabular_argn). Such a list's rows are split among its
values (a seeded draw, equal shares), each share drawn with its value fixed, as a fixed
condition is, then the rows are shuffled together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from services.training.engines.obeying import ONE_OF, RowChecks, obeying
from services.training.engines.profile import TableProfile

# A draw of `count` rows (round `round_`) with these values fixed too, its rows numbered
# from the chunk's first row plus the offset.
DrawWith = Callable[[Mapping[str, Any], int], Callable[[int, int], pd.DataFrame]]


def listed_column(profile: TableProfile, valid: Mapping[str, Any]) -> tuple[str, list] | None:
    """The first list condition on a date or number column (more than a few whole numbers),
    with its values."""
    for name, condition in valid.items():
        column = profile.column(name)
        if column is None or not (isinstance(condition, Mapping) and set(condition) == {ONE_OF}):
            continue
        if column.kind == "datetime" or (column.kind == "numeric" and not column.levels):
            return name, list(condition[ONE_OF])
    return None


def drawn(
    draw_with: DrawWith,
    size: int,
    checks: RowChecks,
    listed: tuple[str, list] | None,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """``size`` rows that pass ``checks``, those of a ``listed`` column's values drawn by value."""
    if listed is None:
        return obeying(draw_with({}, 0), size, checks)
    name, values = listed
    counts = rng.multinomial(size, np.full(len(values), 1 / len(values)))
    parts, offset = [], 0
    for value, count in zip(values, counts, strict=True):
        if count:
            parts.append(obeying(draw_with({name: value}, offset), int(count), checks))
            offset += int(count)
    rows = pd.concat(parts, ignore_index=True)
    return rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)
