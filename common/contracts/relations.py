"""The exact linear relations among number columns (`common.contracts.totals` states the rule
and turns them into totals and formulas): each column that the columns before it make
exactly, by a search over the columns from the one least fit to be set to the one most fit.

A column that the others make exactly is set from them; any other is *free*. Taking the
columns one by one (category columns written as numbers first: they are set only as a sum
or mean of others; then the fewest decimals, the smallest, the fewest values), each is
fitted on the free columns so far (plus a constant) and is set where that fit is exact in
every probed row, else joins the free ones; where it is nearly made of them but not exactly,
or not as a mean, a free column that it and the others make as a mean is set in its stead
(a mean written with 9 decimals, whose largest part is no exact formula of it). Every
exact linear relation among the columns then holds once the set columns are made from the
free ones (they are a basis of the relations: us-employment's
`nonfarm` = `private` + `government` = `goods_producing` + `service_providing` both hold),
and no fit is ambiguous (the free columns are independent).

A set column made of a larger set of free columns is then written, where that is exact,
with the set columns whose free columns it contains (`nonfarm` = `private` + `government`
rather than twelve sub-sectors): the relations come in an order of setting, each after
every set column it reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from common.contracts.conversions import converted

# Relative difference below which two numbers are one (float rounding of decimals).
RELATIVE = 1e-9
# The same for a column stored as float32 (a Parquet file's `float`): its values keep 24 bits,
# so a sum or a logarithm written in it is off by up to a unit in its last place (6e-8).
RELATIVE_FLOAT32 = 2.5e-7
# Decimals a formula's column may be written with (its values rounded to them).
MAX_DECIMALS = 9
# Largest denominator a formula's weight is written with when it is that fraction.
DENOMINATOR = 100
# Free columns tried as the one made when a column is nearly, not exactly, made of them.
MAX_SWAPS = 8


@dataclass(frozen=True)
class Relation:
    """Column ``column`` = ``constant`` + the ``weights`` times columns ``parts`` (indices),
    rounded to ``decimals`` decimals when not None, in every probed row."""

    column: int
    parts: tuple[int, ...]
    weights: tuple[float, ...]
    constant: float
    decimals: int | None

    def made(self, values: np.ndarray) -> np.ndarray:
        made = values[:, list(self.parts)] @ np.asarray(self.weights) + self.constant
        return rounded(made, self.decimals)

    def holds(self, values: np.ndarray, relative: float = RELATIVE) -> bool:
        return bool(equal(values[:, self.column], self.made(values), relative).all())


def relations(
    values: np.ndarray, targets: Sequence[bool], relative: Sequence[float] | None = None
) -> list[Relation]:
    """The relations of the columns of ``values`` (complete rows, one column per entry of
    ``targets``: whether it may be set), in their order of setting (see the module);
    ``relative``: each column's rounding (``RELATIVE``, or ``RELATIVE_FLOAT32``)."""
    relative = relative or [RELATIVE] * values.shape[1]
    screen = _Screen(values)
    order = sorted(
        np.flatnonzero(np.ptp(values, axis=0) > 0),
        key=lambda i: (bool(targets[i]), *_fitness(values[:, i]), -i),
    )
    free: list[int] = []
    found: list[Relation] = []
    for index in order:
        near = free and screen.near(index, free)
        relation = _fit(values, index, free, relative[index]) if near else None
        if near and (relation is None or not _averaged(relation)):
            # A mean of the free columns and this one, rather than this one made of a mean
            # less the other parts (weights of 3 and -1 that multiply their rounding).
            swapped = _swapped(values, index, free, found, targets, relative)
            if swapped is not None and (relation is None or _averaged(swapped)):
                relation = swapped
                free[free.index(relation.column)] = index
                found.append(relation)
                continue
        if relation is None:
            free.append(index)
        elif targets[index] or _averaged(relation):
            found.append(relation)
        # else: a category column the free ones make otherwise (one-hot's last column is 1
        # less the others): neither set nor free.
    chained = [_chained(r, found, values, relative[r.column]) for r in found]
    # Each after every set column it reads: those read have fewer free columns.
    order_of = {r.column: (len(r.parts), k) for k, r in enumerate(found)}
    return _in_order(sorted(chained, key=lambda r: order_of[r.column]))


def _in_order(found: list[Relation]) -> list[Relation]:
    """``found`` with each relation after those setting a column it reads, else as given
    (hfi's `pf_ss` reads `pf_ss_disappearances`, the mean of five scores)."""
    left, done, ordered = list(found), set(), []
    setting = {r.column for r in found}
    while left:
        ready = next(
            (r for r in left if not (set(r.parts) & setting) - done), left[0]
        )  # a cycle cannot be: each relation is exact on the free columns
        left.remove(ready)
        done.add(ready.column)
        ordered.append(ready)
    return ordered


def _swapped(
    values: np.ndarray,
    index: int,
    free: list[int],
    found: Sequence[Relation],
    targets: Sequence[bool],
    relative: Sequence[float],
) -> Relation | None:
    """A free column that ``index`` and the other free ones make exactly, where ``index``
    is not made of them after its own rounding: hfi's `pf_ss_disappearances` is the mean of
    five scores written with 9 decimals, so the largest score is no exact formula of the mean
    and the others, but the mean is of them. Those the near fit weighs most first (at most
    ``MAX_SWAPS`` tries); a set column reading the one made is set after it (`_in_order`)."""
    design = np.column_stack([values[:, free], np.ones(len(values))])
    reach = np.abs(np.linalg.lstsq(design, values[:, index], rcond=None)[0][:-1])
    reach *= np.abs(values[:, free]).max(axis=0)
    used = [free[k] for k in np.argsort(-reach, kind="stable") if reach[k] > 1e-6]
    for j in used[:MAX_SWAPS]:
        rest = [k for k in free if k != j] + [index]
        relation = _fit(values, j, sorted(rest), relative[j])
        if relation is not None and index in relation.parts and (targets[j] or _averaged(relation)):
            return relation
    return None


def _averaged(relation: Relation) -> bool:
    """A category column written as numbers that is a sum or mean of others (hfi's
    `pf_movement` of three movement scores, each of 5 levels): set like a number column, as
    its value always lies within what its parts make."""
    return relation.constant == 0 and all(w > 0 for w in relation.weights)


def _fitness(column: np.ndarray) -> tuple[int, float, int]:
    """How fit a column is to be set from others, the fittest largest: the column written
    with the most decimals (a decimal date of a year and a month), then the largest (a
    total of parts that are not negative), then the one with the most values."""
    written = decimals(column)
    return (
        MAX_DECIMALS + 1 if written is None else written,
        float(np.mean(np.abs(column))),
        int(np.unique(column).size),
    )


class _Screen:
    """A cheap first look at whether a column is nearly a linear formula of some others: the
    normal equations of the columns scaled to 1 (one Gram matrix for every fit), which lose
    digits, so only "nearly" is asked of them and the exact fit follows."""

    def __init__(self, values: np.ndarray) -> None:
        scale = np.abs(values).max(axis=0)
        self._scaled = np.column_stack(
            [values / np.where(scale > 0, scale, 1.0), np.ones(len(values))]
        )
        self._gram = self._scaled.T @ self._scaled

    def near(self, index: int, free: Sequence[int]) -> bool:
        rest = [*free, self._scaled.shape[1] - 1]
        target = self._scaled[:, index]
        weights = np.linalg.lstsq(
            self._gram[np.ix_(rest, rest)], self._gram[rest, index], rcond=None
        )[0]
        residual = np.linalg.norm(self._scaled[:, rest] @ weights - target)
        return bool(residual <= 1e-2 * np.linalg.norm(target - target.mean()))


def _fit(values: np.ndarray, index: int, free: Sequence[int], relative: float) -> Relation | None:
    """Column ``index`` as the one exact linear formula of the ``free`` columns: weights that
    are simple fractions (1/12, 9/5) may meet it after its own rounding unless that rounding
    is coarser than a thousandth of its range (months 1-12: a near fit would pass); any
    other weights must meet it exactly."""
    target = values[:, index]
    design = np.column_stack([values[:, list(free)], np.ones(len(values))])
    fit = np.linalg.lstsq(design, target, rcond=None)[0]
    written = decimals(target)
    if written is not None and 10.0**-written > np.ptp(target) / 1_000:
        written = None
    simple = _simple(fit, design, target)
    # Unrounded first: rows written with one decimal in the probe are no rounding of a
    # mean that other rows write with nine (hfi's `pf_association_prof`: 8.333333333).
    candidates = [(simple, None), (simple, written), (_without_noise(fit, design, target), None)]
    unit = converted(fit, design)
    if unit is not None:  # a unit conversion (seconds to hours), after its own rounding
        candidates.append((unit, written))
    for weights, rounding in candidates:
        used = [k for k in range(len(free)) if weights[k] != 0.0]
        made = rounded(design[:, used] @ weights[used] + weights[-1], rounding)
        if used and equal(target, made, relative).all():
            if np.linalg.matrix_rank(design) < design.shape[1]:
                return None
            # In the table's order: a formula names its parts as the table has them.
            used.sort(key=lambda k: free[k])
            return Relation(
                column=index,
                parts=tuple(free[k] for k in used),
                weights=tuple(float(weights[k]) for k in used),
                constant=float(weights[-1]),
                decimals=rounding,
            )
    return None


def _simple(fit: np.ndarray, design: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The weights as simple fractions (1/12, 12, -1), met after the total's rounding; the
    constant is fitted again to them (a weight off by 0.0001 on a year moves it by 0.2)."""
    weights = np.array([float(Fraction(w).limit_denominator(DENOMINATOR)) for w in fit])
    constant = float(np.mean(target - design[:, :-1] @ weights[:-1]))
    weights[-1] = float(Fraction(constant).limit_denominator(DENOMINATOR))
    return weights


def _without_noise(fit: np.ndarray, design: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The fitted weights with those that move the total by less than rounding set to 0."""
    reach = np.abs(fit) * np.max(np.abs(design), axis=0)
    return np.where(reach <= 1e-9 * max(float(np.max(np.abs(target))), 1.0), 0.0, fit)


def _chained(
    relation: Relation, found: Sequence[Relation], values: np.ndarray, relative: float
) -> Relation:
    """``relation`` written with the set columns whose free columns (with proportional
    weights) it contains, the largest first, where that holds in every probed row."""
    terms = dict(zip(relation.parts, relation.weights, strict=True))
    constant = relation.constant
    for other in sorted(found, key=lambda r: -len(r.parts)):
        if other is relation or not set(other.parts) < set(terms):
            continue
        share = terms[other.parts[0]] / other.weights[0]
        if not all(
            np.isclose(terms[p], share * w, rtol=1e-12, atol=0.0)
            for p, w in zip(other.parts, other.weights, strict=True)
        ):
            continue
        for part in other.parts:
            del terms[part]
        terms[other.column] = share
        constant -= share * other.constant
    if len(terms) == len(relation.parts) and set(terms) == set(relation.parts):
        return relation
    parts = tuple(sorted(terms))
    written = replace(
        relation,
        parts=parts,
        weights=tuple(terms[p] for p in parts),
        constant=0.0 if abs(constant) < RELATIVE else constant,
    )
    return written if written.holds(values, relative) else relation


def decimals(target: np.ndarray) -> int | None:
    """The fewest decimals every value of ``target`` is written with (None: more than
    ``MAX_DECIMALS``, a computed value kept at full precision)."""
    for count in range(MAX_DECIMALS + 1):
        if np.allclose(target, np.round(target, count), rtol=1e-13, atol=0.0):
            return count
    return None


def rounded(values: np.ndarray, decimals: int | None) -> np.ndarray:
    return values if decimals is None else np.round(values, decimals)


def equal(totals: np.ndarray, sums: np.ndarray, relative: float = RELATIVE) -> np.ndarray:
    """Where each total is its sum to within ``relative`` of the larger of the two, and of
    at least 1 (a total of 0 next to a sum of 1e-17), or of the totals' own size where
    they are all smaller: capacitances of 3e-12 farads are no square of anything within 1e-9."""
    scale = np.maximum(np.abs(totals), np.abs(sums))
    with np.errstate(invalid="ignore"):
        size = np.nanmax(np.abs(totals)) if np.isfinite(totals).any() else 1.0
    floor = min(1.0, float(size)) if size > 0 else 1.0
    return np.abs(totals - sums) <= relative * np.maximum(scale, floor)
