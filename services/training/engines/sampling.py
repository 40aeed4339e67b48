"""Chunked sampling with conditions, anomaly injection and min/max bounds.

Memory stays flat for any count: rows are produced `chunk_rows` at a time, and chunk
`i` depends only on (model, seed, i), so a run is reproducible and any chunk can be
regenerated on its own.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.rules import Rule
from services.training.engines.artifact import LoadedModel
from services.training.engines.base import InvalidConditionError, InvalidParamsError
from services.training.engines.bounded import clip_to_bounds
from services.training.engines.conform import conform, distinct_rows, regroup, renumber_ids
from services.training.engines.listed_values import drawn, listed_column
from services.training.engines.mapped_conditions import narrowed, refuse_unmapped
from services.training.engines.obeying import (
    ONE_OF,
    OR_MISSING,
    RANGE_OPERATORS,
    RowChecks,
    bound_number,
)
from services.training.engines.orders import keep_orders
from services.training.engines.profile import ColumnProfile, TableProfile
from services.training.engines.ruled_out import refuse_ruled_out
from services.training.engines.unique_labels import WHOLE_RUN, Shard, made_once

ANOMALY_COLUMN = "is_anomaly"
Bounds = Mapping[str, tuple[float | None, float | None]]

# Anomalous numbers land this many standard deviations beyond the real min or max.
_ANOMALY_MIN_SIGMAS, _ANOMALY_MAX_SIGMAS = 3.0, 6.0
# Share of the least frequent categories used as "rare" replacements.
_RARE_CATEGORY_SHARE = 0.1
# Probability that an anomalous row has each further column perturbed (one always is).
_EXTRA_COLUMN_PROBABILITY = 0.2
# The most columns a request conditions on, and values a list condition allows.
MAX_CONDITIONS = 50
MAX_CONDITION_VALUES = 1_000


def sample_chunks(
    artifact: Path | str | LoadedModel,
    n: int,
    seed: int,
    *,
    conditions: Mapping[str, Any] | None = None,
    anomaly_ratio: float = 0.0,
    mark_anomalies: bool = False,
    anomaly_column: str = ANOMALY_COLUMN,
    enforce_bounds: bool = True,
    bounds: Bounds | None = None,
    chunk_rows: int = 100_000,
    rules: Sequence[Rule] = (),
    first_row: int = 0,
    shard: Shard = WHOLE_RUN,
) -> Iterator[pd.DataFrame]:
    """Yield `n` synthetic rows in DataFrames of at most `chunk_rows` rows: the run's rows
    `first_row`.. (a multiple of `chunk_rows`), its unique names those `shard` owns. A shard
    of a job is then exactly its rows of the job unsplit, ids and emails included, but for
    the names, which no shard makes twice nor makes if another may.

    `artifact` is an artifact path or an already loaded model. Conditions fix column
    values or bound them (a range or a list of values; see `obeying`, which also makes every
    row obey the dataset's `rules`, drawing again what breaks one); every chunk is put in
    the real table's schema (`conform.conform`: ids, fake PII, real categories, precision,
    missing values); bounds (the training min/max, or
    `bounds` overrides) clip numeric and datetime columns; then `anomaly_ratio` of the rows
    are perturbed (anomalies deliberately leave the bounds) and flagged in the
    `anomaly_column` column (default `is_anomaly`) when `mark_anomalies`.

    Anomalies are made after the rules are met, and may break them (that is their point).

    Raises InvalidParamsError for bad counts/ratios/bounds and InvalidConditionError
    for conditions on unknown columns or with values the model cannot produce.
    """
    _validate_counts(n, chunk_rows, anomaly_ratio)
    with contextlib.ExitStack() as stack:
        model = artifact if isinstance(artifact, LoadedModel) else LoadedModel(Path(artifact))
        if model is not artifact:
            stack.callback(model.close)
        profile = model.manifest.profile
        valid = validate_conditions(profile, conditions)
        fixed = {k: v for k, v in valid.items() if not isinstance(v, dict)}
        frozen = _conditioned(profile, valid)
        # A list or range condition allows several values: a pair of sources never seen
        # together is redrawn there too (rows off the condition are then drawn again).
        pinned = frozen - {k for k, v in valid.items() if isinstance(v, dict)}
        limits = resolve_bounds(profile, bounds) if enforce_bounds else {}
        checks = RowChecks(rules, _row_conditions(profile, valid, limits))
        limits = {k: v for k, v in limits.items() if k not in _checked_totals(profile)}
        names_used: dict[str, set[str]] = {}  # unique names made so far in the run
        listed = listed_column(profile, valid)
        first = first_row // chunk_rows
        for index, start in enumerate(range(first_row, first_row + n, chunk_rows), first):
            options = {"seed": seed, "index": index, "frozen": frozen, "pinned": pinned}
            draw_with = functools.partial(_draw_with, model, fixed, limits, start=start, **options)
            by_value = np.random.default_rng([seed, index, 22])
            count = min(chunk_rows, first_row + n - start)
            rows = drawn(draw_with, count, checks, listed, by_value)
            if checks:  # rows of several rounds, each conformed apart
                rows = renumber_ids(rows, profile, first_row=start, seed=seed)
                regroup(rows, profile)
                distinct_rows(rows, profile, frozen, np.random.default_rng([seed, index, 25]))
            names = np.random.default_rng([seed, index, 21])
            made_once(rows, profile, names, names_used, frozen, shard)
            rng = np.random.default_rng([seed, index, 1])
            yield inject_anomalies(
                rows,
                profile,
                anomaly_ratio,
                rng,
                mark=mark_anomalies,
                frozen=set(fixed),
                column=anomaly_column,
            )


def _row_conditions(
    profile: TableProfile, valid: Mapping[str, Any], limits: Mapping[str, tuple[float, float]]
) -> dict[str, Any]:
    """The conditions checked on every row: ranges and lists, the fixed values of columns
    set from other columns (the engine gets the value, but the row's source or parts set
    the column: rows where they give another value are drawn again), and the bounds of a
    total never missing (clipping it would break its sum: rows whose parts add up beyond
    them are drawn again). A fixed day of the month is one of those columns too."""
    ranges = {k: v for k, v in valid.items() if isinstance(v, dict)}
    # A day is set to its month's last where the month has no such day (31 February).
    derived = set(profile.derived) | {parts.day for parts in profile.date_parts}
    ranges.update({k: {ONE_OF: [v]} for k, v in valid.items() if k in derived and k not in ranges})
    for name in _checked_totals(profile):
        if name in limits and name not in ranges:
            ranges[name] = {"gte": limits[name][0], "lte": limits[name][1], OR_MISSING: True}
    return ranges


def _conditioned(profile: TableProfile, valid: Mapping[str, Any]) -> set[str]:
    """The columns conditioned on, and the sources of those a dependency sets: mending a
    row's impossible combination (`conform`) changes none of them."""
    sources = {d.source for d in profile.dependencies if set(d.columns) & set(valid)}
    return set(valid) | sources


def _checked_totals(profile: TableProfile) -> set[str]:
    """The totals whose bounds are checked on rows, not clipped (a missing total passes):
    clipping hfi's `pf_religion_harassment` (3 x religion less two of its parts, missing in
    7 % of rows) broke its formula in 86 of 300 rows."""
    return {t.column for t in profile.totals}


def _draw_with(
    model: LoadedModel,
    fixed: Mapping[str, Any],
    limits: Mapping[str, tuple[float, float]],
    extra: Mapping[str, Any],
    offset: int,
    *,
    start: int,
    **options: Any,
) -> Callable[[int, int], pd.DataFrame]:
    """A chunk's draw with ``extra`` values fixed too, numbered from ``start + offset``."""
    return functools.partial(
        _draw, model, {**fixed, **extra}, limits, start=start + offset, **options
    )


def _draw(
    model: LoadedModel,
    fixed: Mapping[str, Any],
    limits: Mapping[str, tuple[float, float]],
    count: int,
    round_: int,
    *,
    seed: int,
    index: int,
    start: int,
    frozen: set[str],
    pinned: set[str],
) -> pd.DataFrame:
    """``count`` rows of chunk ``index`` (draw ``round_`` of it), in the real schema and
    bounds."""
    round_seed = chunk_seed(seed, index, round_) if round_ else chunk_seed(seed, index)
    rows = model.engine.sample(count, round_seed, _as_learned(fixed, model.manifest.profile))
    # A further round fills its missing values and fake PII from a stream of its own (its
    # ids are made again for the rows kept: `renumber_ids`).
    conform_seed = round_seed if round_ else seed
    rows = conform(
        rows.reset_index(drop=True),
        model.manifest.profile,
        first_row=start,
        seed=conform_seed,
        frozen=frozen,
        pinned=pinned,
    )
    # A stream of its own: strays take values near the bound, not the bound itself.
    rows = clip_to_bounds(rows, limits, np.random.default_rng([round_seed, 29]))
    profile = model.manifest.profile
    rows = keep_orders(rows, model.manifest.orders, profile, frozen | set(fixed), seed=round_seed)
    regroup(rows, profile)  # an order's lines on its date again, after the clipping
    return rows


def _as_learned(fixed: Mapping[str, Any], profile: TableProfile) -> dict[str, Any] | None:
    """Fixed values as the engine learned them: a date of a column reaching beyond
    nanoseconds (9999-12-31) in seconds since 1970."""
    learned = {}
    for name, value in fixed.items():
        column = profile.column(name)
        beyond = column is not None and column.beyond_nanoseconds
        learned[name] = bound_number(str(value)) if beyond else value
    return learned or None


def chunk_seed(seed: int, index: int, *more: int) -> int:
    """An independent 32-bit seed for chunk `index` of a run seeded with `seed` (and for a
    further draw of that chunk, `more` naming it)."""
    return int(np.random.SeedSequence([seed, index, *more]).generate_state(1)[0])


def _validate_counts(n: int, chunk_rows: int, anomaly_ratio: float) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InvalidParamsError("count", "must be a non-negative integer")
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows <= 0:
        raise InvalidParamsError("chunk_rows", "must be a positive integer")
    if not 0.0 <= anomaly_ratio <= 1.0:
        raise InvalidParamsError("anomalies.ratio", "must be between 0 and 1")


def validate_conditions(
    profile: TableProfile, conditions: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Return conditions converted to the training values' types, or raise InvalidConditionError.

    A value fixes the column; a mapping of ``gt``/``gte``/``lt``/``lte`` bounds a numeric or
    datetime column; a list (or ``{"in": [...]}``, as returned) allows one of its values."""
    fixed: dict[str, Any] = {}
    if len(conditions or {}) > MAX_CONDITIONS:
        raise InvalidConditionError("conditions", f"at most {MAX_CONDITIONS} columns")
    for name, value in (conditions or {}).items():
        column = profile.column(name)
        if column is None:
            raise InvalidConditionError(name, f"unknown column (known: {', '.join(profile.names)})")
        if column.kind in ("id", "pii"):
            what = "an id" if column.kind == "id" else "a PII column"
            raise InvalidConditionError(
                name, f"{what}: its values are made anew, never learned, so they take no condition"
            )
        if value is None:
            raise InvalidConditionError(name, "a condition needs a value")
        if isinstance(value, Mapping) and set(value) == {ONE_OF}:
            fixed[name] = _one_of(column, value[ONE_OF])  # the form this returns
        elif isinstance(value, Mapping):
            fixed[name] = _range_condition(column, value)
        elif isinstance(value, list | tuple):
            fixed[name] = _one_of(column, value)
        else:
            fixed[name] = _condition_value(column, value)
    refuse_unmapped(profile, fixed)
    refuse_ruled_out(profile.impossible_combinations, fixed)
    return narrowed(profile, fixed)


def _one_of(column: ColumnProfile, values: Any) -> dict[str, list[Any]]:
    if not isinstance(values, list | tuple) or not 1 <= len(values) <= MAX_CONDITION_VALUES:
        raise InvalidConditionError(
            column.name, f"a list of values takes 1 to {MAX_CONDITION_VALUES} values"
        )
    if any(isinstance(v, Mapping | list | tuple) or v is None for v in values):
        raise InvalidConditionError(column.name, "a list of values takes plain values")
    return {ONE_OF: [_condition_value(column, v) for v in values]}


def _range_condition(column: ColumnProfile, spec: Mapping[str, Any]) -> dict[str, Any]:
    if not spec or not set(spec) <= set(RANGE_OPERATORS):
        raise InvalidConditionError(column.name, "a range takes gt, gte, lt and lte only")
    if {"gt", "gte"} <= set(spec) or {"lt", "lte"} <= set(spec):
        raise InvalidConditionError(column.name, "give gt or gte, lt or lte, not both")
    if column.kind not in ("numeric", "datetime"):
        raise InvalidConditionError(
            column.name, "a range bounds a numeric or datetime column; give a list of values"
        )
    bounds = {op: _range_bound(column, op, bound) for op, bound in spec.items()}
    numbers = {op: bound_number(bound) for op, bound in bounds.items()}
    low = max((numbers[op] for op in ("gt", "gte") if op in numbers), default=-math.inf)
    high = min((numbers[op] for op in ("lt", "lte") if op in numbers), default=math.inf)
    if low > high or (low == high and ("gt" in numbers or "lt" in numbers)):
        raise InvalidConditionError(column.name, "the range is empty")
    below = column.minimum is not None and high < column.minimum
    if below or (column.maximum is not None and low > column.maximum):
        raise InvalidConditionError(column.name, "the range misses every training value")
    return bounds


def _range_bound(column: ColumnProfile, operator: str, bound: Any) -> float | str:
    if column.kind == "datetime":
        try:
            bound_number(bound if isinstance(bound, str) else "")
        except ValueError:
            raise InvalidConditionError(
                column.name, f"{operator}: {bound!r} is not an ISO 8601 datetime"
            ) from None
        return bound
    if isinstance(bound, bool) or not isinstance(bound, int | float) or not math.isfinite(bound):
        raise InvalidConditionError(column.name, f"{operator}: {bound!r} is not a number")
    return bound


def _condition_value(column: ColumnProfile, value: Any) -> Any:
    if column.kind == "categorical":
        # Values may arrive as strings (GraphQL) for categories stored as numbers.
        for category in column.categories:
            if category == value or str(category) == str(value):
                return category
        raise InvalidConditionError(
            column.name, f"value {value!r} never occurs in the training data"
        )
    if column.kind == "numeric":
        return _numeric_condition(column, value)
    if column.kind == "datetime":
        # ISO 8601 within the training dates: `garbage` gave rows without a date, `12345`
        # 1970-01-01, `true` a crash. Beyond nanoseconds, given in seconds (`_as_learned`).
        seconds = bound_number(_range_bound(column, "value", value))
        low, high = column.minimum, column.maximum
        if low is not None and high is not None and not low <= seconds <= high:
            raise InvalidConditionError(column.name, f"{value!r} is outside the training dates")
        # As rows' dates are compared (`value_keys`: 1970-05-05T00:00:00), in UTC.
        return value if column.beyond_nanoseconds else pd.Timestamp(seconds, unit="s").isoformat()
    return value


def _numeric_condition(column: ColumnProfile, value: Any) -> float | int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidConditionError(column.name, f"{value!r} is not a number") from None
    if column.minimum is None or column.maximum is None:
        raise InvalidConditionError(column.name, "the column has no values to condition on")
    if not column.minimum <= number <= column.maximum:
        raise InvalidConditionError(
            column.name,
            f"{value!r} is outside the training range [{column.minimum:g}, {column.maximum:g}]",
        )
    if column.integer:
        if not number.is_integer():
            raise InvalidConditionError(column.name, f"{value!r} is not an integer")
        return int(number)
    return number


def resolve_bounds(
    profile: TableProfile, overrides: Bounds | None
) -> dict[str, tuple[float, float]]:
    """Bounds per numeric column (the training min/max unless overridden) and per datetime
    column (the training range, in seconds since 1970)."""
    limits = {
        c.name: (c.minimum, c.maximum)
        for c in profile.columns
        if c.kind in ("numeric", "datetime") and c.minimum is not None and c.maximum is not None
    }
    for name, (low, high) in (overrides or {}).items():
        if name not in limits:
            raise InvalidParamsError(f"bounds.{name}", "not a numeric column of the model")
        real_low, real_high = limits[name]
        low = real_low if low is None else low
        high = real_high if high is None else high
        if low > high:
            raise InvalidParamsError(f"bounds.{name}", "minimum is greater than maximum")
        limits[name] = (low, high)
    return limits


def inject_anomalies(
    rows: pd.DataFrame,
    profile: TableProfile,
    ratio: float,
    rng: np.random.Generator,
    *,
    mark: bool,
    frozen: set[str],
    column: str = ANOMALY_COLUMN,
) -> pd.DataFrame:
    """Perturb round(ratio * len(rows)) random rows; flag them in `column` if `mark`."""
    count = round(ratio * len(rows))
    chosen = np.sort(rng.choice(len(rows), size=count, replace=False))
    columns = [c for c in profile.columns if _perturbable(c, rows) and c.name not in frozen]
    if columns and count:
        primary = rng.integers(len(columns), size=count)
        for position, profiled in enumerate(columns):
            extra = rng.random(count) < _EXTRA_COLUMN_PROBABILITY
            targets = chosen[(primary == position) | extra]
            if len(targets):
                _perturb(rows, profiled, targets, rng)
    if mark:
        flags = np.zeros(len(rows), dtype=bool)
        flags[chosen] = True
        rows[column] = flags
    return rows


def _perturbable(column: ColumnProfile, rows: pd.DataFrame) -> bool:
    if column.name not in rows.columns:
        return False
    if column.kind == "numeric":
        return column.minimum is not None and column.maximum is not None
    return column.kind == "categorical" and len(column.categories) >= 2


def _perturb(
    rows: pd.DataFrame, column: ColumnProfile, targets: np.ndarray, rng: np.random.Generator
) -> None:
    position = rows.columns.get_loc(column.name)
    if column.kind == "categorical":
        rare_count = max(1, math.ceil(len(column.categories) * _RARE_CATEGORY_SHARE))
        rare = np.array(column.categories[-rare_count:], dtype=object)
        rows.iloc[targets, position] = rare[rng.integers(len(rare), size=len(targets))]
        return
    assert column.minimum is not None and column.maximum is not None
    spread = column.std or max(abs(column.maximum), 1.0)
    distance = rng.uniform(_ANOMALY_MIN_SIGMAS, _ANOMALY_MAX_SIGMAS, size=len(targets)) * spread
    above = rng.random(len(targets)) < 0.5
    values = np.where(above, column.maximum + distance, column.minimum - distance)
    if pd.api.types.is_integer_dtype(rows[column.name].dtype):
        values = np.round(values).astype(np.int64)
    rows.iloc[targets, position] = values
