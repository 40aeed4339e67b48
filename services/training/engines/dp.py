"""Differential privacy for `tabular_argn`: mostlyai-engine's DP-SGD (Opacus, RDP accountant)
configured from `TrainParams.differential_privacy`, and what the saved model spent.

The budget covers the whole training: a share of epsilon goes to learning the value ranges
(value protection) before DP-SGD starts, the rest to DP-SGD, and mostlyai-engine stops
training before the total passes the budget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from common.timestamps import NS_SECONDS
from services.training.engines.errors import EngineError, InvalidParamsError
from services.training.engines.precision import minute_counts
from services.training.engines.profile import (
    RULE_FIELDS,
    ColumnProfile,
    TableProfile,
    build_profile,
)

if TYPE_CHECKING:
    from mostlyai.engine.domain import DifferentialPrivacyConfig

    from services.training.engines.base import TrainParams
    from services.training.engines.capabilities import Engine


@dataclass(frozen=True)
class DifferentialPrivacy:
    """A DP-SGD budget: training stops before the privacy loss passes (epsilon, delta).
    The defaults are mostlyai-engine's."""

    epsilon: float
    delta: float = 1e-5
    max_grad_norm: float = 1.0
    noise_multiplier: float = 1.5

    @classmethod
    def build(cls, value: Mapping[str, Any]) -> DifferentialPrivacy:
        """Validated from user input (keys as the fields); InvalidParamsError names the field."""
        known = {f.name for f in fields(cls)}
        for name in value:
            if name not in known:
                raise InvalidParamsError(f"differential_privacy.{name}", "unknown field")
        if value.get("epsilon") is None:
            raise InvalidParamsError("differential_privacy.epsilon", "is required")
        checked = {
            name: _bounded(f"differential_privacy.{name}", value[name], *_DP_BOUNDS[name])
            for name in known
            if value.get(name) is not None
        }
        return cls(**checked)


# Field -> (exclusive minimum, inclusive maximum). An epsilon above 100 guarantees nothing a
# user could rely on; a delta should stay well below 1/rows (1e-3 would allow leaking one row
# in a thousand outright).
_DP_BOUNDS = {
    "epsilon": (0.0, 100.0),
    "delta": (0.0, 1e-3),
    "max_grad_norm": (0.0, 100.0),
    "noise_multiplier": (0.0, 100.0),
}


def _bounded(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidParamsError(name, "must be a finite number")
    if not low < value <= high:
        raise InvalidParamsError(name, f"must be above {low:g} and at most {high:g}")
    return float(value)


# Share of epsilon spent on the value ranges (noisy histograms) when value protection is on.
# mostlyai-engine's default is a fixed 1.0, which alone would use up a budget of epsilon = 1.
VALUE_PROTECTION_SHARE = 0.1


def dp_config(params: TrainParams) -> DifferentialPrivacyConfig | None:
    """mostlyai-engine's configuration for ``params``' budget (None: train without DP)."""
    # Imported here: it imports torch, which the API role (validating params) never needs.
    from mostlyai.engine.domain import DifferentialPrivacyConfig

    dp = params.differential_privacy
    if dp is None:
        return None
    return DifferentialPrivacyConfig(
        max_epsilon=dp.epsilon,
        delta=dp.delta,
        max_grad_norm=dp.max_grad_norm,
        noise_multiplier=dp.noise_multiplier,
        value_protection_epsilon=VALUE_PROTECTION_SHARE * dp.epsilon,
    )


class PrivacyLedger:
    """Follows mostlyai-engine's progress messages: the privacy loss at the last saved
    checkpoint (the model that is kept), and at the end of training."""

    def __init__(self) -> None:
        self._checkpoint: tuple[float, float] | None = None
        self._last: tuple[float, float] | None = None

    def record(self, message: dict[str, Any]) -> None:
        eps, delta = message.get("dp_eps"), message.get("dp_delta")
        if eps is None or delta is None:
            return
        self._last = (float(eps), float(delta))
        if message.get("is_checkpoint"):
            self._checkpoint = self._last

    def spent(self, budget: DifferentialPrivacy | None) -> dict[str, float] | None:
        """(epsilon, delta) of the kept model; EngineError when it is over the budget (the
        first epoch alone spent more than the budget, and mostlyai-engine saved it anyway)."""
        if budget is None:
            return None
        spent = self._checkpoint or self._last
        if spent is None:
            raise EngineError("training reported no privacy loss; the model is not kept")
        if spent[0] > budget.epsilon:
            raise EngineError(
                f"one epoch of training already spends epsilon {spent[0]:.2f}, more than the "
                f"budget of {budget.epsilon:g}: raise epsilon or noiseMultiplier, or train on "
                "more rows"
            )
        return {"epsilon": spent[0], "delta": spent[1]}


# Rows drawn from a DP-trained model to re-derive what the platform's output post-processing
# (`conform`, bounds) uses from the data, so that it adds nothing the budget does not cover.
PROFILE_SAMPLE_ROWS = 10_000
# What a column's profile takes from those rows instead of the real table: ranges, category
# shares, missing shares, a whole-number column's few values, a number grid's step (prices
# in steps of 5: none unless the model's rows keep to one), the unit dates are whole in (the
# 1st of each month; a date format's own unit still applies). Types, formats, precision and
# id shapes are the schema's, kept.
_FROM_MODEL = (
    "minimum",
    "maximum",
    "std",
    "categories",
    "category_counts",
    "null_share",
    "levels",
    "level_counts",
    "step",
    "datetime_unit",
)


def _usual_range(seconds: pd.Series) -> tuple[float, float] | None:
    """The range of a model's dates (in seconds since 1970) that are no sentinel: within
    what pandas' nanoseconds hold."""
    numbers = pd.to_numeric(seconds, errors="coerce")
    usual = numbers[numbers.between(*NS_SECONDS)]
    return (float(usual.min()), float(usual.max())) if len(usual) else None


# Dates beyond nanoseconds that are conventions, not anyone's date: "no end" (9999-12-31),
# "no start" (0001-01-01). Any other (3015-06-01) is a real row's date, kept out of the profile.
_CONVENTIONAL_YEARS = {1, 2999, 3000, 9999}
_CONVENTIONAL_DAYS = {"01-01", "12-31"}


def _conventional(seconds: float) -> bool:
    day = np.datetime64(round(seconds), "s").astype("datetime64[D]").item()
    return day.year in _CONVENTIONAL_YEARS and day.strftime("%m-%d") in _CONVENTIONAL_DAYS


def _seconds_column(real: ColumnProfile, stats: dict[str, Any], rows: pd.Series) -> None:
    """``stats`` of a date column the engine learned as seconds (it reaches beyond
    nanoseconds): only conventional sentinels kept, the model's usual range, and a range
    still beyond nanoseconds (a model whose rows stayed within them had its seconds read as
    nanoseconds: every date 1970-01-01)."""
    kept = tuple(s for s in real.sentinels if _conventional(s))
    stats["sentinels"] = kept
    stats["usual_range"] = _usual_range(rows) if kept else None
    lows = [v for v in (stats["minimum"], *kept) if v is not None]
    highs = [v for v in (stats["maximum"], *kept) if v is not None]
    low, high = min(lows, default=NS_SECONDS[0]), max(highs, default=NS_SECONDS[1])
    if (real.maximum or 0) > NS_SECONDS[1] and high <= NS_SECONDS[1]:
        high = NS_SECONDS[1] + 1.0
    elif (real.minimum or 0) < NS_SECONDS[0] and low >= NS_SECONDS[0]:
        low = NS_SECONDS[0] - 1.0
    stats["minimum"], stats["maximum"] = low, high


def _digits_free(shape: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """A text id's shape with every digit all real ids share made any digit (`C100` of ids
    C1002345, C1009876 is their range, as an integer id's first value is); letters and
    punctuation (`EMP-`) are how the codes are written, kept."""
    if shape is None or shape[0] in ("uuid", "datetime"):
        return shape
    return tuple("9" if part.isdigit() else part for part in shape)


def _clock_minutes(numbers: pd.Series) -> tuple[int, ...]:
    """How many of a model's hhmm times (whole, 0 to 2400, minutes below 60) are at each
    minute; every minute once when it drew none (the real shares are no part of the release)."""
    values = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype="float64")
    times = values[np.isfinite(values) & (values % 1 == 0) & (values >= 0) & (values <= 2400)]
    counts = minute_counts(times[times % 100 < 60])
    return counts if sum(counts) else (1,) * 60


def private_profile(
    engine: Engine, profile: TableProfile, metadata: Mapping[str, Any], seed: int
) -> TableProfile:
    """``profile`` with every statistic of the real rows replaced by the same statistic of
    rows the DP-trained ``engine`` generates (post-processing of a DP release is DP).
    Categories keep only real ones (the model's `_RARE_` placeholder goes); an integer id
    counts from 1; a repeated reference (manager_id) gets a new id per row (how many rows
    each real id has is never learned), a text id's shared digits any digit. Every rule
    generation applies (`RULE_FIELDS`: the columns one column or a pair determines, joined
    text, totals, ...) is found in those rows too."""
    rows = engine.sample(PROFILE_SAMPLE_ROWS, seed)
    seen = build_profile(rows, metadata)
    columns = []
    for real in profile.columns:
        learned = seen.column(real.name)
        if learned is not None:
            stats = {name: getattr(learned, name) for name in _FROM_MODEL}
            real_categories = set(real.categories)
            kept = [i for i, c in enumerate(learned.categories) if c in real_categories]
            stats["categories"] = tuple(learned.categories[i] for i in kept)
            stats["category_counts"] = tuple(learned.category_counts[i] for i in kept)
            if real.beyond_nanoseconds:  # the range of the dates beside 9999-12-31 too
                _seconds_column(real, stats, rows[real.name])
            if real.clock_minutes:  # hhmm times: the minutes' shares are the model's
                stats["clock_minutes"] = _clock_minutes(rows[real.name])
            columns.append(replace(real, **stats))
        elif real.kind == "id" and real.id_step is not None:
            columns.append(replace(real, minimum=1.0, maximum=None, id_step=1, id_counts=()))
        elif real.kind == "id":  # a repeated reference's rows per id: real, never learned
            columns.append(replace(real, id_shape=_digits_free(real.id_shape), id_counts=()))
        elif real.kind == "pii":  # a phone's form, not its shared digits nor forms' shares
            columns.append(replace(real, id_shape=_digits_free(real.id_shape), phone_forms=()))
        else:
            columns.append(real)
    # The columns set from others, the combinations ruled out and the keys, as the model's
    # rows show them (the real rows' are no post-processing of the release).
    found = (*RULE_FIELDS, "missing_together", "unique_keys", "group_constants")
    derived = {name: getattr(seen, name) for name in found}
    return replace(profile, columns=tuple(columns), **derived)
