"""Synthetic numbers and dates kept within bounds (the real min/max, or a user's).

Clipping a value beyond a bound to the bound itself piles the engine's strays on one value
that the real rows hold once: ctgan (a few epochs) sent 40 of 500 synthetic emails at the
very second of the last real one (`2012-04-01T02:07:39Z`) and a third of a pizzeria's orders
on its last day. Given a random stream, a value beyond a bound takes instead one of the
chunk's own values within bounds near that end (among its ``EDGE_SHARE`` nearest the bound):
the column keeps its shape up to the bound, and a stray stays an extreme. Without values
within bounds (a narrow user bound), or without a stream, values are clipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

# Share of a chunk's values within bounds, nearest a bound, that a value beyond it is drawn
# from.
EDGE_SHARE = 0.1


def clip_to_bounds(
    rows: pd.DataFrame,
    limits: Mapping[str, tuple[float, float]],
    rng: np.random.Generator | None = None,
) -> pd.DataFrame:
    for name, (low, high) in limits.items():
        if name not in rows.columns:
            continue
        values = rows[name]
        first: object
        last: object
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            # In microseconds: a bound in 9999 is past nanoseconds' last year.
            first, last = (pd.Timestamp(np.datetime64(round(b * 1e6), "us")) for b in (low, high))
        elif pd.api.types.is_integer_dtype(values.dtype):
            first, last = math.ceil(low), math.floor(high)
        else:
            first, last = low, high
        if rng is not None:
            values = _redrawn(values, first, last, rng)
        rows[name] = values.clip(first, last)
    return rows


def _redrawn(values: pd.Series, first: object, last: object, rng: np.random.Generator) -> pd.Series:
    above = (values > last).fillna(False).to_numpy(dtype=bool)
    below = (values < first).fillna(False).to_numpy(dtype=bool)
    if not (above.any() or below.any()):
        return values
    within = values[((values >= first) & (values <= last)).fillna(False)].sort_values()
    if within.empty:
        return values
    edge = max(1, math.ceil(len(within) * EDGE_SHARE))
    values = values.copy()
    for stray, near in ((above, within.iloc[-edge:]), (below, within.iloc[:edge])):
        if stray.any():
            values.iloc[np.flatnonzero(stray)] = near.to_numpy()[
                rng.integers(len(near), size=int(stray.sum()))
            ]
    return values
