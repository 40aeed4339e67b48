"""A number column that is the sum of other number columns in every real row (an election's
`total` of each candidate's votes, an order's total of its lines), or another exact linear
formula of them (txhousing's decimal `date` = `year` + `month`/12 - 1/12): training stores
the rule and generation sets the column from its row's parts
(`services/training/engines/conform.py`), so that a synthetic row's parts make its total.

The rule. Column T is the *total* of columns P1..Pk (k >= 2) when, in every real row with T
and every part present, T equals P1 + ... + Pk (to within float rounding), and the finding
is not an accident: at least ``MIN_EXTRA_ROWS`` more such rows than there are other number
columns (fewer rows than that fit many sums exactly), T takes at least two values, and the
parts are the only 0/1 combination of the other number columns that gives T. A column that
the others add up to in two ways (a grand total beside a subtotal and its parts) is left
alone. A row missing the total or a part keeps its values as generated.

A *formula* is the same with any weights and a constant (T = c + w1 P1 + ... + wk Pk, k >= 1),
found only where no sum is and only when it is the one exact fit: the other number columns
(but constant ones) are linearly independent in the probed rows. Weights that are simple
fractions (denominators up to ``_DENOMINATOR``: 1/12, 9/5) may meet T after T's own rounding
(a date written with 3 decimals), unless T is rounded more coarsely than a thousandth of its
range (months 1-12: a near fit would pass); any other weights must meet T exactly. Of the
columns one formula links (date from year and month; year from date and month), the one
written with the most decimals, then the one with the most distinct values, is set from the
others, and a column set from others is no part of another formula. Category columns
written as numbers (a year of three values) may be parts, never set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

# Rows with every value present beyond the number of candidate parts, for a sum to count.
MIN_EXTRA_ROWS = 10
# Number columns looked at (a least-squares fit per column; wider tables are rare).
MAX_COLUMNS = 64
# Relative difference below which a sum is the total (float rounding of decimals).
_RELATIVE = 1e-9
# Complete rows the sums are fitted on (every row checks them after): 64 least-squares fits
# on a whole batch of 65,536 rows would take seconds of the training budget.
_PROBE_ROWS = 2_000
# Decimals a formula's column may be written with (its values rounded to them).
_MAX_DECIMALS = 9
# Largest denominator a formula's weight is written with when it is that fraction.
_DENOMINATOR = 100


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

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"column": self.column, "parts": list(self.parts)}
        if self.weights is not None:
            data |= {"weights": list(self.weights), "constant": self.constant}
            data["decimals"] = self.decimals
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
        )

    @property
    def formula(self) -> str:
        """The right-hand side: ``a + b + c``, or ``year + month/12 - 1/12``."""
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
        if self.weights is None:
            return present, values[:, 0], values[:, 1:].sum(axis=1)
        made = values[:, 1:] @ np.asarray(self.weights) + self.constant
        return present, values[:, 0], _rounded(made, self.decimals)

    def broken(self, rows: pd.DataFrame) -> np.ndarray:
        """True where a row has the total and every part, and they do not add up."""
        present, totals, sums = self._sums(rows)
        return present & ~_equal(totals, sums)

    def derive(self, rows: pd.DataFrame) -> None:
        """Set the total, in place, to the sum of its parts where the row has them all."""
        present, totals, sums = self._sums(rows)
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
    formula when every batch has them as numbers, never set from others."""

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
        if len(self._columns) < 3 or self._found == []:
            return
        if self._found is None:
            # In the table's order: a formula names its parts as the table has them.
            self._columns.sort(key=list(frame.columns).index)
        values = _numbers(frame, self._columns)
        if self._found is None:
            self._found = _propose(values, self._columns, self._targets)
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


def _propose(values: np.ndarray, columns: list[str], targets: frozenset[str]) -> list[Total] | None:
    """The totals of ``targets`` these rows (``values``: one column per name of
    ``columns``) show (None: too few complete rows to tell)."""
    values = values[~np.isnan(values).any(axis=1) & np.isfinite(values).all(axis=1)]
    if len(values) < len(columns) - 1 + MIN_EXTRA_ROWS:
        return None
    values = values[:_PROBE_ROWS]
    # The normal equations of every column against the others share one Gram matrix: a
    # small least-squares solve per column instead of one over every probed row.
    gram = values.T @ values
    sums, formulas = [], []
    screen = _Screen(values)
    for index, column in enumerate(columns):
        target = values[:, index]
        if column not in targets or np.unique(target).size < 2:
            continue
        rest = [i for i in range(len(columns)) if i != index]
        # The least-norm exact fit: a unique 0/1 combination comes back as it is, while two
        # ways of making the total share their weights and are no 0/1 combination.
        weights = np.linalg.lstsq(gram[np.ix_(rest, rest)], gram[rest, index], rcond=None)[0]
        ones = np.isclose(weights, 1.0, atol=1e-6)
        if ones.sum() >= 2 and (ones | np.isclose(weights, 0.0, atol=1e-6)).all():
            parts = [columns[i] for i, one in zip(rest, ones, strict=True) if one]
            if _equal(target, values[:, [columns.index(p) for p in parts]].sum(axis=1)).all():
                sums.append(Total(column=column, parts=tuple(parts)))
                continue
        formula = _formula(values, columns, index) if screen.near(index) else None
        if formula is not None:
            # The column written with the most decimals is the one computed from the others
            # (a decimal date from a year and a month), then the one with most values.
            written = _decimals(target)
            rank = (-(_MAX_DECIMALS + 1 if written is None else written), -np.unique(target).size)
            formulas.append((rank, index, formula))
    kept = sorted(formulas, key=lambda f: (f[0], f[1]))
    return sums + _unlinked(sums, [f for _, _, f in kept])


class _Screen:
    """A cheap first look at whether a column is nearly a linear formula of the others: the
    normal equations of the columns scaled to 1 (one Gram matrix for every column), which
    lose digits, so only "nearly" is asked of them and the exact fit follows."""

    def __init__(self, values: np.ndarray) -> None:
        scale = np.abs(values).max(axis=0)
        self._scaled = np.column_stack(
            [values / np.where(scale > 0, scale, 1.0), np.ones(len(values))]
        )
        self._gram = self._scaled.T @ self._scaled
        self._varying = np.ptp(values, axis=0) > 0

    def near(self, index: int) -> bool:
        rest = [i for i in np.flatnonzero(self._varying) if i != index] + [len(self._varying)]
        target = self._scaled[:, index]
        weights = np.linalg.lstsq(
            self._gram[np.ix_(rest, rest)], self._gram[rest, index], rcond=None
        )[0]
        residual = np.linalg.norm(self._scaled[:, rest] @ weights - target)
        return bool(residual <= 1e-2 * np.linalg.norm(target - target.mean()))


def _formula(values: np.ndarray, columns: list[str], index: int) -> Total | None:
    """Column ``index`` as the one exact linear formula of the others (see the module)."""
    target = values[:, index]
    rest = [i for i in range(len(columns)) if i != index and np.ptp(values[:, i]) > 0]
    if not rest:
        return None
    design = np.column_stack([values[:, rest], np.ones(len(values))])
    fit = np.linalg.lstsq(design, target, rcond=None)[0]
    decimals = _decimals(target)
    if decimals is not None and 10.0**-decimals > np.ptp(target) / 1_000:
        # Rounded as coarsely as that (months 1-12), a near fit would pass for a formula.
        decimals = None
    for weights, rounding in (
        (_simple(fit, design, target), decimals),
        (_without_noise(fit, design, target), None),
    ):
        used = [k for k in range(len(rest)) if weights[k] != 0.0]
        made = _rounded(design[:, used] @ weights[used] + weights[-1], rounding)
        if used and _equal(target, made).all():
            if np.linalg.matrix_rank(design) < design.shape[1]:
                return None
            return Total(
                column=columns[index],
                parts=tuple(columns[rest[k]] for k in used),
                weights=tuple(float(weights[k]) for k in used),
                constant=float(weights[-1]),
                decimals=rounding,
            )
    return None


def _simple(fit: np.ndarray, design: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The weights as simple fractions (1/12, 12, -1), met after the total's rounding; the
    constant is fitted again to them (a weight off by 0.0001 on a year moves it by 0.2)."""
    weights = np.array([float(Fraction(w).limit_denominator(_DENOMINATOR)) for w in fit])
    constant = float(np.mean(target - design[:, :-1] @ weights[:-1]))
    weights[-1] = float(Fraction(constant).limit_denominator(_DENOMINATOR))
    return weights


def _without_noise(fit: np.ndarray, design: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The fitted weights with those that move the total by less than rounding set to 0."""
    reach = np.abs(fit) * np.max(np.abs(design), axis=0)
    return np.where(reach <= 1e-9 * max(float(np.max(np.abs(target))), 1.0), 0.0, fit)


def _unlinked(sums: list[Total], formulas: list[Total]) -> list[Total]:
    """The formulas to keep, in order: none sets a column another one (or a sum) reads or
    sets, and none reads a column one sets."""
    taken = {c for t in sums for c in (t.column, *t.parts)}
    derived = {t.column for t in sums}
    kept = []
    for formula in formulas:
        if formula.column in taken or derived & set(formula.parts):
            continue
        kept.append(formula)
        taken |= {formula.column, *formula.parts}
        derived.add(formula.column)
    return kept


def _decimals(target: np.ndarray) -> int | None:
    """The fewest decimals every value of ``target`` is written with (None: more than
    ``_MAX_DECIMALS``, a computed value kept at full precision)."""
    for decimals in range(_MAX_DECIMALS + 1):
        if np.allclose(target, np.round(target, decimals), rtol=1e-13, atol=0.0):
            return decimals
    return None


def _rounded(values: np.ndarray, decimals: int | None) -> np.ndarray:
    return values if decimals is None else np.round(values, decimals)


def _term(weight: float, name: str) -> str:
    fraction = Fraction(weight).limit_denominator(_DENOMINATOR)
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


def _numbers(rows: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    return np.column_stack(
        [pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
         for c in columns]
    )  # fmt: skip


def _equal(totals: np.ndarray, sums: np.ndarray) -> np.ndarray:
    scale = np.maximum(np.abs(totals), np.abs(sums))
    return np.abs(totals - sums) <= _RELATIVE * np.maximum(scale, 1.0)
