"""A number column that is a unit conversion of another (Stat2Data's Marathon: `TimeMin` is
the run's `Time`, a duration stored in seconds, in hours-and-fractions: `Time` / 3600,
written with 3 decimals), found by `common.contracts.relations` beside its simple fractions.

The factors are those of common units whose ratio is no fraction of small terms: seconds,
minutes, hours and days; milli- and kilo-; miles, feet, yards, inches and kilometres; pounds,
ounces and kilograms; gallons and litres (``FACTORS``, each both ways). A column is such a
conversion when one part times a factor, with no constant, meets it in every probed row after
its own rounding (the rounding no coarser than a thousandth of its range, as for any formula
with rounding). The factor is matched to within ``TOLERANCE`` of the fitted weight, then used
exactly.
"""

from __future__ import annotations

import numpy as np

_ONE_WAY = (
    60.0,  # minutes, seconds
    3_600.0,  # hours, seconds
    86_400.0,  # days, seconds
    1_440.0,  # days, minutes
    24.0,  # days, hours
    1_000.0,  # kilo-, milli-
    1.609344,  # km per mile
    0.3048,  # m per foot
    0.9144,  # m per yard
    2.54,  # cm per inch
    5_280.0,  # feet per mile
    0.45359237,  # kg per pound
    28.349523125,  # g per ounce
    3.785411784,  # litres per US gallon
)
FACTORS = tuple(sorted({*_ONE_WAY, *(1.0 / f for f in _ONE_WAY)}))
TOLERANCE = 1e-3


def converted(fit: np.ndarray, design: np.ndarray) -> np.ndarray | None:
    """``fit`` (a least-squares fit: one weight per column of ``design``, the constant last)
    as one part times a factor of ``FACTORS``, every other weight 0; None when its largest
    weight (by its reach over the rows) is no factor."""
    reach = np.abs(fit[:-1]) * np.max(np.abs(design[:, :-1]), axis=0)
    if not len(reach) or not np.isfinite(reach).all():
        return None
    part = int(np.argmax(reach))
    weight = float(fit[part])
    factor = next((f for f in FACTORS if abs(abs(weight) - f) <= TOLERANCE * f), None)
    if factor is None or weight < 0:
        return None
    weights = np.zeros_like(fit)
    weights[part] = factor
    return weights
