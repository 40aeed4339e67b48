"""A number column that is the sum of other number columns in every real row (an election's
`total` of each candidate's votes, an order's total of its lines), or another exact linear
formula of them (txhousing's decimal `date` = `year` + `month`/12 - 1/12): training stores
the rule and generation sets the column from its row's parts
(`services/training/engines/conform.py`), so that a synthetic row's parts make its total.

The rule. Every exact linear relation among the number columns counts: a column that the
others make in every real row with it and them all present (to within float rounding) is
set from them, and the finding is not an accident: at least ``MIN_EXTRA_ROWS`` more such
rows than there are other number columns (fewer rows than that fit many sums exactly), and
the column takes at least two values. Two number columns are enough (Fahrenheit = 9/5
Celsius + 32). A column most rows leave empty (a bonus paid to 1 employee in 100) is left
out of the search (``ENOUGH_ROWS``), so that the others have rows to be found on. "Within
float rounding" is within a float32 column's own rounding for such a column (a Parquet
file's `float`: ``RELATIVE_FLOAT32``), else ``RELATIVE``.
`common.contracts.relations` finds them: a basis of
the relations, each solved for one column, the one written with the most decimals, then the
largest, then the one with the most distinct values, so that when those columns are set
every relation holds (us-employment's `nonfarm` = `private` + `government` =
`goods_producing` + `service_providing`). A column made of the parts of another set column
is written with that column (`nonfarm` = `private` + `government`, `private` =
`goods_producing` + `private_service_providing`): the totals come in their order of setting,
each after those it reads. A row missing the total or a part keeps its values as generated.

A *total* is a sum (T = P1 + ... + Pk, k >= 2); any other weights and a constant make a
*formula* (T = c + w1 P1 + ... + wk Pk, k >= 1). Weights that are simple fractions
(denominators up to ``DENOMINATOR``: 1/12, 9/5) may meet T after T's own rounding (a date
written with 3 decimals), unless T is rounded more coarsely than a thousandth of its range
(months 1-12: a near fit would pass); any other weights must meet T exactly. Category
columns written as numbers (a year of three values) may be parts, and are set only as a sum
or mean of other columns (hfi's `pf_movement` of three movement scores).

A *function* is a total of one part with a ``function`` (Wage's `logwage` = ln(`wage`)), found
among the number columns no linear relation links (`common.contracts.functions` states its
rule); it is set, checked and listed like the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.functions import WRITTEN, apply, functions, matches
from common.contracts.ratios import OPERATIONS, combine, ratios, within, written_decimals
from common.contracts.ratios import WRITTEN as WRITTEN_RATIOS
from common.contracts.relations import DENOMINATOR, RELATIVE, RELATIVE_FLOAT32, Relation, relations
from common.contracts.relations import equal as _equal
from common.contracts.relations import rounded as _rounded

# Rows with every value present beyond the number of candidate parts, for a sum to count.
MIN_EXTRA_ROWS = 10
# Number columns looked at (a least-squares fit per column; wider tables are rare).
MAX_COLUMNS = 64
# Complete rows the search wants: while fewer (and fewer than half the rows) have every number
# column, the column present in the fewest rows is left out, one at a time (a bonus paid in
# 1 row in 100 left no row to find Wage's logwage = ln(wage) on).
ENOUGH_ROWS = 100
# Complete rows the sums are fitted on (every row checks them after): 64 least-squares fits
# on a whole batch of 65,536 rows would take seconds of the training budget.
_PROBE_ROWS = 2_000
# Largest denominator of a weight written as a fraction (`Time/3600`).
_WRITTEN_DENOMINATOR = 100_000


@dataclass(frozen=True)
class Total:
    """``column`` is the sum of ``parts`` in every real row that has them all (with
    ``weights`` and ``constant``: ``constant`` + the weighted sum, written with ``decimals``
    decimals when not None)."""

    column: str
    parts: tuple[str, ...]
    weights: tuple[float, ...] | None = None
    constant: float = 0.0
    decimals: int | None = None
    # A function of the one part instead (`common.contracts.functions`: "ln", "sqrt", ...),
    # or of the two (`common.contracts.ratios`: "ratio", "product").
    function: str | None = None
    # A ratio met only within its parts' rounding too (`common.contracts.ratios`).
    loose: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"column": self.column, "parts": list(self.parts)}
        if self.weights is not None:
            data |= {"weights": list(self.weights), "constant": self.constant}
            data["decimals"] = self.decimals
        if self.function is not None:
            data |= {"function": self.function, "decimals": self.decimals}
        if self.loose:
            data["loose"] = True
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Total:
        weights = data.get("weights")
        return cls(
            column=data["column"],
            parts=tuple(data["parts"]),
            weights=None if weights is None else tuple(float(w) for w in weights),
            constant=float(data.get("constant", 0.0)),
            decimals=data.get("decimals"),
            function=data.get("function"),
            loose=bool(data.get("loose", False)),
        )

    @property
    def formula(self) -> str:
        """The right-hand side: ``a + b + c``, ``year + month/12 - 1/12`` or ``ln(wage)``."""
        if self.function in OPERATIONS:
            return WRITTEN_RATIOS[self.function].format(*self.parts)
        if self.function is not None:
            return WRITTEN[self.function].format(self.parts[0])
        if self.weights is None:
            return " + ".join(self.parts)
        terms = [_term(w, p) for w, p in zip(self.weights, self.parts, strict=True)]
        if self.constant:
            terms.append(_term(self.constant, ""))
        text = " ".join(terms).lstrip("+ ")
        return f"-{text[2:]}" if text.startswith("- ") else text

    @property
    def description(self) -> str:
        return f"{self.column} = {self.formula}"

    def _sums(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows with the total and every part present, the totals and the parts' sums."""
        values = _numbers(rows, [self.column, *self.parts])
        present = ~np.isnan(values).any(axis=1)
        if self.function in OPERATIONS:  # unrounded: `within` allows for the rounding
            return present, values[:, 0], combine(self.function, values[:, 1], values[:, 2])
        if self.function is not None:  # unrounded: `matches` allows for the rounding
            return present, values[:, 0], apply(self.function, values[:, 1])
        if self.weights is None:
            return present, values[:, 0], values[:, 1:].sum(axis=1)
        made = values[:, 1:] @ np.asarray(self.weights) + self.constant
        return present, values[:, 0], _rounded(made, self.decimals)

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row has the total and every part, and they do not add up."""
        present, totals, sums = self._sums(rows)
        (relative,) = _relative(rows, [self.column])
        if self.function in OPERATIONS:
            parts = _numbers(rows, self.parts)
            places = [self.decimals, *(written_decimals(parts[:, k]) for k in range(2))]
            if not self.loose:  # met after the column's own rounding alone
                places[1:] = [None, None]
            made = within(totals, sums, (parts[:, 0], parts[:, 1]), places, relative)
            return present & ~made
        if self.function is not None:
            return present & ~matches(totals, sums, self.decimals, relative)
        return present & ~_equal(totals, sums, relative)

    def derive(self, rows: pd.DataFrame) -> None:
        """Set the total, in place, to the sum of its parts where the row has them all."""
        present, totals, sums = self._sums(rows)
        if self.function is not None:  # a part outside the function's domain: as generated
            sums = _rounded(sums, self.decimals)
            present &= ~np.isnan(sums)
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
    the first batch with enough complete rows proposes them, every batch must keep them.
    ``coded``: category columns that may hold numbers (a year of three values), parts of a
    formula when every batch has them as numbers, set only as a sum or mean of others."""

    def __init__(self, columns: Sequence[str], coded: Sequence[str] = ()) -> None:
        self._columns = list(columns)[:MAX_COLUMNS]
        self._targets = frozenset(self._columns)
        self._columns += list(coded)[: MAX_COLUMNS - len(self._columns)]
        self._found: list[Total] | None = None
        self._complete = 0

    def add(self, frame: pd.DataFrame) -> None:
        texts = {c for c in self._columns if c not in self._targets and not _numeric(frame[c])}
        if texts:
            self._columns = [c for c in self._columns if c not in texts]
            if self._found:
                self._found = [t for t in self._found if not texts & set(t.parts)]
        # Two columns make a formula or a function (Fahrenheit = 9/5 Celsius + 32).
        if len(self._columns) < 2 or self._found == []:
            return
        if self._found is None:
            # In the table's order: a formula names its parts as the table has them.
            self._columns.sort(key=list(frame.columns).index)
            self._columns = _filled(frame, self._columns)
        values = _numbers(frame, self._columns)
        if self._found is None:
            relative = _relative(frame, self._columns)
            self._found = _propose(values, self._columns, self._targets, relative)
            if self._found is None:
                return
        self._found = [t for t in self._found if not t.broken(frame).any()]
        self._complete += int((~np.isnan(values).any(axis=1)).sum())

    def totals(self) -> list[Total]:
        if not self._found or self._complete < len(self._columns) - 1 + MIN_EXTRA_ROWS:
            return []
        return list(self._found)


def find_totals(
    frame: pd.DataFrame, columns: Sequence[str], coded: Sequence[str] = ()
) -> list[Total]:
    """The totals of a whole table (see the module's rule)."""
    finder = TotalFinder(columns, coded)
    finder.add(frame)
    return finder.totals()


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _filled(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """``columns`` less the sparsest, one at a time, while fewer than ``ENOUGH_ROWS`` rows,
    and fewer than half the rows, have every one of them (and more than two are left)."""
    usable = np.isfinite(_numbers(frame, columns))
    wanted = min(ENOUGH_ROWS, len(frame) // 2)
    kept = list(range(len(columns)))
    for sparsest in np.argsort(usable.sum(axis=0), kind="stable"):
        if len(kept) <= 2 or usable[:, kept].all(axis=1).sum() >= wanted:
            break
        kept.remove(int(sparsest))
    return [columns[i] for i in kept]


def _propose(
    values: np.ndarray, columns: list[str], targets: frozenset[str], relative: list[float]
) -> list[Total] | None:
    """The totals of ``targets`` these rows (``values``: one column per name of
    ``columns``, each rounded within ``relative``) show, in their order of setting (None:
    too few complete rows to tell)."""
    values = values[~np.isnan(values).any(axis=1) & np.isfinite(values).all(axis=1)]
    if len(values) < len(columns) - 1 + MIN_EXTRA_ROWS:
        return None
    values = values[:_PROBE_ROWS]
    settable = [c in targets for c in columns]
    found = relations(values, settable, relative)
    tied = {i for r in found for i in (r.column, *r.parts)}
    made = [
        Total(columns[f.column], (columns[f.part],), decimals=f.decimals, function=f.function)
        for f in functions(values, settable, tied, relative)
    ]
    tied |= {i for t in made for i in (columns.index(t.column), columns.index(t.parts[0]))}
    divided = [
        Total(
            columns[r.column],
            (columns[r.parts[0]], columns[r.parts[1]]),
            decimals=r.decimals,
            function=r.operation,
            loose=r.loose,
        )
        for r in ratios(values, settable, tied, relative)
    ]
    return [_total(r, columns) for r in found] + made + divided


def _total(relation: Relation, columns: list[str]) -> Total:
    """A relation of column indices as a total of named columns (a plain sum when it is one)."""
    parts = tuple(columns[i] for i in relation.parts)
    if len(parts) >= 2 and relation.constant == 0 and set(relation.weights) == {1.0}:
        return Total(column=columns[relation.column], parts=parts)
    return Total(
        column=columns[relation.column],
        parts=parts,
        weights=relation.weights,
        constant=relation.constant,
        decimals=relation.decimals,
    )


def _term(weight: float, name: str) -> str:
    fraction = Fraction(weight).limit_denominator(DENOMINATOR)
    if float(fraction) != weight:  # a unit's factor (1/3600: seconds to hours)
        fraction = Fraction(weight).limit_denominator(_WRITTEN_DENOMINATOR)
    exact = float(fraction) == weight
    size = abs(fraction) if exact else abs(weight)
    sign = "-" if weight < 0 else "+"
    if not name:
        return f"{sign} {_fraction(size)}"
    if size == 1:
        return f"{sign} {name}"
    if exact and size.denominator != 1 and size.numerator == 1:
        return f"{sign} {name}/{size.denominator}"
    return f"{sign} {_fraction(size) if exact else f'{size:g}'}·{name}"


def _fraction(value: Fraction | float) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(value)
    return f"{value:g}"


def _relative(rows: pd.DataFrame, columns: Sequence[str]) -> list[float]:
    """Each column's rounding: a float32 column's values keep 24 bits (`relations`)."""
    narrow = (np.dtype("float32"), np.dtype("float16"))
    return [RELATIVE_FLOAT32 if rows[c].dtype in narrow else RELATIVE for c in columns]


def _numbers(rows: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    return np.column_stack(
        [pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
         for c in columns]
    )  # fmt: skip
