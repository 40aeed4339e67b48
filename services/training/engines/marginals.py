"""An empirical marginal distribution for SDV's Gaussian copula.

SDV fits one parametric distribution (beta, gamma, truncnorm, ...) to every numerical
column. Real columns are often none of these: a spike of zeros (84 % of glass's barium,
92 % of adult's capital gain), a standardised measurement that sits at its minimum for half
the rows (mammography), integer scores, two humps. A continuous parametric marginal cannot
put 84 % of the rows on one value, so every such column came out with a shape far from the
real one (KS complement 0.16-0.70).

`EmpiricalUnivariate` is the column's own distribution, smoothed: its inverse CDF
interpolates linearly between at most `MAX_NODES` quantiles of the training values, each
step at least `MIN_ROWS_PER_NODE` rows wide, so

- a value that holds a share of the rows (a point mass) comes out with that share;
- between distinct values, new values are interpolated (no row is copied by the marginal);
- nothing outside the real [min, max] is ever produced.

Ties get a randomised probability integral transform when the copula is fitted (each tied
value is spread uniformly over its probability interval, as SDV's own `UniformEncoder`
does for categories), so the copula's correlations are not distorted by the point masses.
The randomness comes from numpy's global generator, which the engine seeds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from copulas.univariate.base import BoundedType, ParametricType, Univariate

# At most this many quantiles are kept per column: the inverse CDF is exact to within
# 1 / (MAX_NODES - 1) of probability, and the model stores a summary of each column.
MAX_NODES = 512
# Each step between two quantiles spans at least this many training rows, so that no single
# real value (an outlier of a small table) is a node the model pins its output to; a value
# shared by this many rows or more (a point mass) still comes out as itself. Five is
# mostlyai-engine's rare-value threshold, and conform's (`RARE_COUNT`).
MIN_ROWS_PER_NODE = 5


class EmpiricalUnivariate(Univariate):
    """The empirical distribution of a column, linear between its quantiles."""

    PARAMETRIC = ParametricType.NON_PARAMETRIC
    BOUNDED = BoundedType.BOUNDED

    def __init__(self, random_state: Any = None) -> None:
        super().__init__(random_state=random_state)
        self._nodes = np.zeros(0)
        self._levels = np.zeros(0)

    def fit(self, X: Any) -> None:
        values = np.sort(np.asarray(X, dtype="float64"))
        values = values[np.isfinite(values)]
        if values.size == 0:
            values = np.zeros(1)
        count = int(np.clip(values.size // MIN_ROWS_PER_NODE + 1, 2, MAX_NODES))
        self._levels = np.linspace(0.0, 1.0, count)
        # "inverted_cdf" picks real order statistics, so a point mass stays exactly on
        # its value (linear interpolation between quantiles would smear its edges).
        self._nodes = np.quantile(values, self._levels, method="inverted_cdf")
        self.fitted = True

    def _set_params(self, params: dict[str, Any]) -> None:
        self._nodes = np.asarray(params["nodes"], dtype="float64")
        self._levels = np.linspace(0.0, 1.0, len(self._nodes))
        self.fitted = True

    def _get_params(self) -> dict[str, Any]:
        return {"nodes": self._nodes.tolist()}

    def _bounds(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The probability interval [F(x-), F(x)] of each x (one point between nodes)."""
        nodes, levels = self._nodes, self._levels
        if len(nodes) == 1:
            return np.zeros(len(x)), np.ones(len(x))
        left = np.searchsorted(nodes, x, side="left")
        right = np.searchsorted(nodes, x, side="right")
        # Between two distinct nodes: linear in x.
        inside = np.clip(right, 1, len(nodes) - 1)
        low, high = nodes[inside - 1], nodes[inside]
        width = np.where(high > low, high - low, 1.0)
        share = np.clip((x - low) / width, 0.0, 1.0)
        interpolated = levels[inside - 1] + share * (levels[inside] - levels[inside - 1])
        tied = right - left > 0
        lower = np.where(tied, levels[np.clip(left, 0, len(nodes) - 1)], interpolated)
        upper = np.where(tied, levels[np.clip(right - 1, 0, len(nodes) - 1)], interpolated)
        lower = np.where(x <= nodes[0], 0.0, lower)
        upper = np.where(x >= nodes[-1], 1.0, upper)
        return lower, upper

    def cumulative_distribution(self, X: Any) -> np.ndarray:
        self.check_fit()
        x = np.asarray(X, dtype="float64")
        lower, upper = self._bounds(x)
        return lower + np.random.uniform(size=x.shape) * (upper - lower)

    def percent_point(self, U: Any) -> np.ndarray:
        self.check_fit()
        return np.interp(np.asarray(U, dtype="float64"), self._levels, self._nodes)

    def probability_density(self, X: Any) -> np.ndarray:
        self.check_fit()
        x = np.asarray(X, dtype="float64")
        if len(self._nodes) == 1:
            return (x == self._nodes[0]).astype("float64")
        gaps = np.diff(self._nodes)
        steps = np.diff(self._levels)
        density = np.where(gaps > 0, steps / np.where(gaps > 0, gaps, 1.0), 0.0)
        index = np.clip(np.searchsorted(self._nodes, x, side="right") - 1, 0, len(gaps) - 1)
        inside = (x >= self._nodes[0]) & (x <= self._nodes[-1])
        return np.where(inside, density[index], 0.0)

    def sample(self, n_samples: int = 1) -> np.ndarray:
        self.check_fit()
        return self.percent_point(np.random.uniform(size=n_samples))
