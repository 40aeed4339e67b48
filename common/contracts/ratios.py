"""A number column that is the ratio or the product of two others in every real row
(Stat2Data's Marathon: a run's `Pace` is its `Time` / `Miles`, to the second; `PaceMin` is
`TimeMin` / `Miles` to 3 decimals), after the rounding its written form gives it:
`common.contracts.totals` stores it as a total of two parts with a ``function`` of
``OPERATIONS``, generation sets it from its parts, and the report counts the rows that break
it, with the totals.

The rule. Column A is B / C (or B * C) when, in every probed row with all three, A meets the
ratio to within the rounding of the three as written: half a unit of A's last decimal, plus
the ratio times the relative rounding of each part written with decimals (a part written in
whole numbers is taken as exact: a count, seconds). Conservatively: A takes at least
``MIN_VALUES`` values and is rounded no more coarsely than a thousandth of its range (as a
function's column), each part takes two values at least, and a divisor is never 0. Category
columns written as numbers and the columns of linear totals or functions are never set.

Of the three columns of one relation (`Pace` = `Time` / `Miles`, `Time` = `Pace` * `Miles`,
`Miles` = `Time` / `Pace`: one fact), the one set is the one written most finely for its
size (the grid its values lie on, over their median size), among those its parts make
after its own rounding alone first: `Pace` to the second beside `Miles` in twentieths, not
`Time` (`Pace` * `Miles` meets it only within the rounding of `Miles`). A set column is never
a part of another relation kept. A relation met after the column's own rounding alone is
checked so (the report counts a pace off by a second); one met only within its parts'
rounding too is checked within it (`PaceMin` = `TimeMin` / `Miles`, `TimeMin` itself rounded
to 3 decimals).

Bounded: the first ``MAX_COLUMNS`` number columns (in the table's order) are tried, so at
most 32 x 31 ordered pairs per column set, on the first ``SCREEN_ROWS`` rows at once, before
every probed row: a table of 200 number columns costs what one of 32 does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from common.contracts.relations import RELATIVE, decimals, equal

OPERATIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "ratio": np.divide,
    "product": np.multiply,
}
# How each is written in a description, its parts standing for ``{}``.
WRITTEN = {"ratio": "{}/{}", "product": "{}*{}"}
# Number columns looked at: ordered pairs of them are the candidates of each set column.
MAX_COLUMNS = 32
# Values a set column takes at least (fewer: a coincidence of a few levels).
MIN_VALUES = 20
# Rows every candidate pair is first tried on, all at once.
SCREEN_ROWS = 32
# A float's own error beyond the written rounding.
_SLACK = 1 + 1e-6


@dataclass(frozen=True)
class Ratio:
    """Column ``column`` = ``operation``(``parts``) (indices), rounded to ``decimals``."""

    column: int
    parts: tuple[int, int]
    operation: str
    decimals: int | None
    # Met only within the parts' rounding too, not within the column's alone.
    loose: bool = False


def combine(operation: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``left`` / ``right`` or ``left`` * ``right``; NaN where there is none (a divisor of 0)."""
    with np.errstate(all="ignore"):
        made = OPERATIONS[operation](left.astype("float64"), right.astype("float64"))
    return np.where(np.isfinite(made), made, np.nan)


def within(
    column: np.ndarray,
    made: np.ndarray,
    parts: Sequence[np.ndarray],
    written: Sequence[int | None],
    relative: float = RELATIVE,
) -> np.ndarray:
    """Where ``column`` is ``made`` (unrounded) to within the rounding of the three as
    written: ``written`` holds the decimals of the column, then of each part (see the
    module)."""
    share = _share(parts, written[1:])
    with np.errstate(invalid="ignore"):
        slack = (_half(written[0]) + np.abs(made) * share) * _SLACK
        return (np.abs(column - made) <= slack) | equal(column, made, relative)


def written_decimals(values: np.ndarray) -> int | None:
    """The decimals a column's present values are written with (None: full precision)."""
    present = values[np.isfinite(values)]
    return decimals(present) if len(present) else None


def ratios(
    values: np.ndarray,
    targets: Sequence[bool],
    tied: set[int],
    relative: Sequence[float] | None = None,
) -> list[Ratio]:
    """The ratios and products among the columns of ``values`` (complete rows, one column
    per entry of ``targets``: whether it is a number column that may be set); ``tied``: the
    columns of linear totals and functions, never set; ``relative``: as `relations`."""
    relative = relative or [RELATIVE] * values.shape[1]
    columns = [i for i in range(values.shape[1]) if targets[i]][:MAX_COLUMNS]
    columns = [i for i in columns if np.unique(values[:, i]).size >= 2]
    written = {i: decimals(values[:, i]) for i in columns}
    sets = [i for i in columns if i not in tied and _settable(values[:, i], written[i])]
    if not sets or len(columns) < 3:
        return []
    pairs = [
        (b, c, operation)
        for b in columns
        for c in columns
        if b != c
        for operation in OPERATIONS
        if operation == "ratio" or b < c
    ]
    head = values[:SCREEN_ROWS]
    screen = np.column_stack([combine(op, head[:, b], head[:, c]) for b, c, op in pairs])
    share = np.column_stack(
        [_share((head[:, b], head[:, c]), (written[b], written[c])) for b, c, _ in pairs]
    )
    found = []
    for a in sets:
        with np.errstate(invalid="ignore"):  # a part of 0: no ratio there
            slack = (_half(written[a]) + np.abs(screen) * share) * _SLACK
            near = (np.abs(head[:, [a]] - screen) <= slack).all(axis=0)
        for k in np.flatnonzero(near):
            b, c, operation = pairs[k]
            if a in (b, c):
                continue
            made = combine(operation, values[:, b], values[:, c])
            parts = (values[:, b], values[:, c])
            strict = (written[a], None, None)
            if within(values[:, a], made, parts, strict, relative[a]).all():
                found.append(Ratio(a, (b, c), operation, written[a]))
            elif within(values[:, a], made, parts, (written[a], written[b], written[c])).all():
                found.append(Ratio(a, (b, c), operation, written[a], loose=True))
    return _kept(found, values, written)


def _kept(found: list[Ratio], values: np.ndarray, written: dict[int, int | None]) -> list[Ratio]:
    """One set column per relation, none another's part: one its parts make after its own
    rounding alone before one they make within theirs too, then the finest written for its
    size."""
    fineness = {r.column: _fineness(values[:, r.column], written[r.column]) for r in found}
    found.sort(
        key=lambda r: (r.loose, fineness[r.column], r.column, r.operation != "ratio", r.parts)
    )
    kept: list[Ratio] = []
    for candidate in found:
        if any(
            candidate.column in (r.column, *r.parts) or r.column in candidate.parts for r in kept
        ):
            continue
        kept.append(candidate)
    return kept


def _half(places: int | None) -> float:
    return 0.0 if places is None else 0.5 * 10.0**-places


def _share(parts: Sequence[np.ndarray], written: Sequence[int | None]) -> np.ndarray:
    """The relative rounding of the parts written with decimals, row by row."""
    share = np.zeros(len(parts[0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for part, places in zip(parts, written, strict=True):
            if places:
                share = share + _half(places) / np.abs(part)
    return share


def _settable(column: np.ndarray, written: int | None) -> bool:
    if np.unique(column).size < MIN_VALUES:
        return False
    return written is None or 10.0**-written <= np.ptp(column) / 1_000


def _fineness(column: np.ndarray, written: int | None) -> float:
    """The grid a column's values lie on over their median size: 1 s over a pace of 7 min
    rather than a time in whole minutes (60 s) over 40 min; 0 for values at full precision."""
    size = float(np.median(np.abs(column)))
    if written is None or size == 0:
        return 0.0 if written is None else np.inf
    scaled = np.rint(np.abs(column) * 10.0**written)
    if scaled.max() >= 2.0**53:
        return 10.0**-written / size
    step = np.gcd.reduce(scaled.astype(np.int64)) * 10.0**-written
    return float(step) / size
