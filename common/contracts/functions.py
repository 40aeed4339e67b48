"""A number column that is a fixed function of another in every real row (ISLR's Wage:
`logwage` = ln(`wage`)), after the column's own rounding: `common.contracts.totals` stores it
as a total of one part with its ``function``, generation sets it from its part, and the
report counts the rows that break it, with the totals.

The functions looked for: ``FUNCTIONS`` (ln, log10, log2, sqrt, exp, the square and the
reciprocal). Column Y is F(X) when, in every probed row with both, Y equals F(X) to within
float rounding, or to within half of Y's last written decimal when Y is written with fewer
decimals than a computed value has. Conservatively: Y takes at least ``MIN_VALUES`` values,
its rounding is no coarser than a thousandth of its range (a column of whole numbers 1-12 is
no function of anything), X is in F's domain in every row, and neither column is part of a
linear total (`relations`). Of two columns each a function of the other (`logwage` and
`wage` = exp(`logwage`) at full precision), the one written with more decimals is set, then
the one whose function comes first in ``FUNCTIONS``; no set column is another's X.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from common.contracts.relations import RELATIVE, decimals, equal

# Name -> the function, in the order a column is preferably set by (a logarithm of a
# quantity rather than the quantity as an exponential of it).
FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "ln": np.log,
    "log10": np.log10,
    "log2": np.log2,
    "sqrt": np.sqrt,
    "square": np.square,
    "exp": np.exp,
    "reciprocal": np.reciprocal,
}
# How each is written in a description, its part standing for ``{}``.
WRITTEN = {
    "ln": "ln({})",
    "log10": "log10({})",
    "log2": "log2({})",
    "sqrt": "sqrt({})",
    "square": "{}^2",
    "exp": "exp({})",
    "reciprocal": "1/{}",
}
# Values a set column takes at least (fewer: a coincidence of a few levels).
MIN_VALUES = 20
# Rows a candidate is first tried on, before every probed row.
_SCREEN_ROWS = 32


@dataclass(frozen=True)
class Function:
    """Column ``column`` = ``function``(column ``part``) (indices), rounded to ``decimals``
    decimals when not None."""

    column: int
    part: int
    function: str
    decimals: int | None


def apply(function: str, values: np.ndarray) -> np.ndarray:
    """``function`` of ``values``; NaN outside its domain (ln of 0, 1/0)."""
    with np.errstate(all="ignore"):
        made = FUNCTIONS[function](values.astype("float64"))
    return np.where(np.isfinite(made), made, np.nan)


def matches(
    column: np.ndarray, made: np.ndarray, written: int | None, relative: float = RELATIVE
) -> np.ndarray:
    """Where ``column`` is ``made`` (unrounded), rounded to ``written`` decimals (or to
    within ``relative``, a float32 column's rounding)."""
    if written is None:
        return equal(column, made, relative)
    slack = 0.5 * 10.0**-written * (1 + 1e-6)
    with np.errstate(over="ignore", invalid="ignore"):  # exp of a large number, rounded
        return (np.abs(column - made) <= slack) | equal(column, np.round(made, written), relative)


def functions(
    values: np.ndarray,
    targets: Sequence[bool],
    tied: set[int],
    relative: Sequence[float] | None = None,
) -> list[Function]:
    """The functions among the columns of ``values`` (complete rows, one column per entry
    of ``targets``: whether it is a number column that may be set); ``tied``: the columns
    of linear totals, never either side (see the module); ``relative``: as `relations`."""
    relative = relative or [RELATIVE] * values.shape[1]
    columns = [i for i in range(values.shape[1]) if targets[i] and i not in tied]
    written = {i: decimals(values[:, i]) for i in columns}
    sets = [i for i in columns if _settable(values[:, i], written[i])]
    head = values[:_SCREEN_ROWS]
    # Every function of every column on the first rows at once: one screen per set column.
    screens = {name: apply(name, head) for name in FUNCTIONS}
    found = []
    for y in sets:
        for name, screen in screens.items():
            near = matches(head[:, [y]], screen, written[y], relative[y]).all(axis=0)
            for x in np.flatnonzero(near):
                if x == y or x not in columns:
                    continue
                made = apply(name, values[:, x])
                if matches(values[:, y], made, written[y], relative[y]).all():
                    found.append(Function(y, int(x), name, written[y]))
    rank = list(FUNCTIONS)
    found.sort(key=lambda f: (-_precision(f.decimals), rank.index(f.function), f.column))
    kept: list[Function] = []
    for candidate in found:
        if any(candidate.column in (f.column, f.part) or candidate.part == f.column for f in kept):
            continue
        kept.append(candidate)
    return kept


def _settable(column: np.ndarray, written: int | None) -> bool:
    if np.unique(column).size < MIN_VALUES:
        return False
    return written is None or 10.0**-written <= np.ptp(column) / 1_000


def _precision(written: int | None) -> int:
    return 99 if written is None else written
