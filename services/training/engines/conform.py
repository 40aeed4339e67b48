"""Synthetic rows in the real table's schema, with nothing a user should never see.

Every engine's output goes through `conform` before it is stored (and so before it is exported or
evaluated):

- columns in the real order, with the real types (`int64` where an engine gave `Int64`);
- ids made anew, unique where the real ones are, in their real shape (integers from the real
  minimum by the real step; `AB-1234`-like codes with the same characters; UUIDs);
- PII columns (never learned) filled with fake values of their kind in the profile's locale, one
  fake person per row (name and email agree: `fake_pii`);
- categorical values restricted to the real categories: a placeholder (`_RARE_`) or an invented
  value is replaced by a real one drawn by frequency among those not rare;
- numbers rounded to the real column's precision, dates to the resolution of their format; hhmm
  times of day (517 = 05:17) stay times (never 1088); a day past its month's last (31 February, in
  month and day columns: the profile's `date_parts`) is that last day;
- missing values at least as frequent as in the real column, and in the same rows for columns
  missing in the same real rows (`missing_together`); columns missing wherever a category has
  one value (`missing_when`) stay missing there after every other mending (a country's year
  is made unique first, so that a row's year is its last);
- a column that another column determines in every real row (continent, iso code and centroid by
  country: the profile's `dependencies`) set from its source's value, so that every row is a real
  combination (a source value without a mapping leaves the row as generated);
- no row with a combination of two category columns that the training rows rule out (lunch on a
  Saturday: the profile's `impossible_combinations`): one of its two values is swapped with another
  row's where both then hold allowed ones, else drawn again from the training rows that have the
  other (never a column a request fixes to one value, `pinned`), before the columns set
  from others (leaders, dependencies, totals) are set; nor a number outside its category's range
  (a doctorate of 21: `category_ranges`): it takes another row's;
- a column two columns determine together (a route's distance: `pair_dependencies`) set from the
  pair, a pair the real rows never had redrawn from real ones first; a text column joining others
  (`concatenations`: make = manufacturer + " " + model) written from them, its parts first taken
  from its own value where they join into no real one (a model beside another maker);
- names unique in every real row (colleges) made anew, never a real one (`unique_labels`);
- columns constant within each group of rows sharing an id (an order's date and time on each
  of its lines: `group_constants`) taken from the group's first row, within a chunk.

`arrow_rows.to_arrow` then writes a conformed chunk with the real Arrow types.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.category_ranges import mend_ranges
from common.contracts.combinations import mend_rows
from common.contracts.missing_together import MissingTogether, blank_when, mend_groups
from common.contracts.unique_keys import distinct_keys
from common.date_formats import parsing_format
from common.timestamps import from_epoch_seconds, naive_microseconds
from services.training.engines.datetime_keys import datetime_ids
from services.training.engines.fake_pii import fake_pii
from services.training.engines.precision import on_clock, to_levels
from services.training.engines.profile import ID_COUNTS_KEPT, ColumnProfile, TableProfile
from services.training.engines.unique_labels import invent_unique_labels
from services.training.templates import columns as template_columns

# A category seen fewer times than this is rare: placeholders are replaced by others.
RARE_COUNT = 5
_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_ALPHABETS = {"9": _DIGITS, "A": _UPPER, "a": _LOWER, "x": _DIGITS + _UPPER}
# Ids are a permutation of at most this many codes (the rest of a long id is fixed).
_ID_CODES = 2**40


def conform(
    rows: pd.DataFrame,
    profile: TableProfile,
    *,
    first_row: int,
    seed: int,
    frozen: Collection[str] = (),
    pinned: Collection[str] | None = None,
) -> pd.DataFrame:
    """`rows` (an engine's output for rows `first_row`.. of a run) in the real schema;
    ``frozen`` columns (conditioned on) keep the engine's values, but for a pair the real
    rows never had: it is redrawn on a frozen column not ``pinned`` (conditioned on a list or
    range, not one value; default: all frozen ones are pinned)."""
    n, pinned = len(rows), (frozen if pinned is None else pinned)
    rng = np.random.default_rng([seed, first_row, 15])
    numbers = np.arange(first_row, first_row + n, dtype=np.int64)
    data: dict[str, pd.Series] = {}
    for column in profile.columns:
        if column.kind == "id":
            values = new_ids(column, id_numbers(column, numbers, rng), column_key(seed, column))
        elif column.kind == "pii":
            continue  # made below, agreeing with the row's other columns (its gender)
        elif column.name in rows.columns:
            # A condition's value stands, a level or not (`cyl=5` asked for is kept).
            kept = replace(column, levels=()) if column.name in frozen else column
            values = _learned(rows[column.name].reset_index(drop=True), kept, rng)
        else:
            values = pd.Series([None] * n, dtype=object)
        data[column.name] = _with_missing(values, column, rng)
    fakes = fake_pii(profile, n, rng, numbers, learned=data)
    for column in profile.columns:
        if column.kind == "pii":
            data[column.name] = _with_missing(fakes[column.name], column, rng)
    out = pd.DataFrame({c.name: data[c.name] for c in profile.columns}, index=pd.RangeIndex(n))
    keys = [k for k in profile.unique_keys if k.time not in {*frozen, *profile.derived}]
    times = {c.name: (c.categories, c.category_counts) for c in profile.columns}
    if keys:
        # A country once a year (`unique_keys`) first, so that the rules reading a year
        # (missing values, combinations, ranges) hold for the year a row ends with; again
        # below, for a name set from another column.
        distinct_keys(out, keys, times, np.random.default_rng([seed, first_row, 26]))
    together = np.random.default_rng([seed, first_row, 21])  # a stream of its own
    mend_groups(out, profile.missing_together, together, frozen)
    if profile.impossible_combinations:
        # A stream of its own; a column conditioned on a list or range is mended too.
        mending = np.random.default_rng([seed, first_row, 17])
        mend_rows(out, profile.impossible_combinations, mending, pinned)
    if profile.category_ranges:  # no doctorate under 24; a stream of its own
        ranging = np.random.default_rng([seed, first_row, 24])
        mend_ranges(out, profile.category_ranges, ranging, pinned)
    if profile.concatenations:
        # A joined column's parts as a real value spells them (not "Subaru Swift"), before
        # the columns set from a part (a maker's origin) are set.
        categories = {c.name: c.categories for c in profile.columns if c.kind == "categorical"}
        joining = np.random.default_rng([seed, first_row, 19])  # a stream of its own
        for concatenation in profile.concatenations:
            concatenation.keep_real(out, categories, joining, frozen)
    if profile.pair_dependencies:
        # Pairs the real rows never had (a route that never flies) redrawn from real ones,
        # before a source's own dependants are set from it; a stream of its own.
        redrawing = np.random.default_rng([seed, first_row, 18])
        for pair in profile.pair_dependencies:
            pair.redraw(out, redrawing, pinned)
    for group in profile.group_constants:  # an order's lines on its date (before dependants)
        group.mend(out)
    for dates in profile.date_parts:
        dates.mend(out)
    # The leader first: it may be the source of a dependency (a winner's party).
    for leader in profile.leaders:
        leader.derive(out)
    for dependency in profile.dependencies:
        dependency.derive(out)
    for pair in profile.pair_dependencies:
        pair.derive(out)
    for concatenation in profile.concatenations:
        concatenation.derive(out)
    for total in profile.totals:
        total.derive(out)
    # A name set from another column (a country from its code) may repeat a key anew.
    distinct_rows(out, profile, frozen, np.random.default_rng([seed, first_row, 25]))
    # Names unique in every real row made anew (`unique_labels`); a stream of its own.
    invent_unique_labels(out, profile, np.random.default_rng([seed, first_row, 20]), frozen)
    for name in (c for c in rows.columns if c not in data):
        out[name] = rows[name].to_numpy()
    return out


def distinct_rows(
    rows: pd.DataFrame, profile: TableProfile, frozen: Collection[str], rng: np.random.Generator
) -> None:
    """Keys (a country once a year) made unique in ``rows``, in place (within a chunk drawn
    in several rounds too); then a value a mending moved into a row a `when` keeps empty is
    dropped, and the columns set from it set again."""
    if keys := [k for k in profile.unique_keys if k.time not in {*frozen, *profile.derived}]:
        times = {c.name: (c.categories, c.category_counts) for c in profile.columns}
        distinct_keys(rows, keys, times, rng)
    if any(g.when for g in profile.missing_together):
        blank_when(rows, _with_dependants(profile), frozen)
        for pair in profile.pair_dependencies:
            pair.derive(rows)
        for total in profile.totals:
            total.derive(rows)


def regroup(rows: pd.DataFrame, profile: TableProfile) -> None:
    """Rows drawn in several rounds and numbered again (`renumber_ids`): each new group of
    an id alike again (`group_constants`), and the columns set from those set again."""
    if not profile.group_constants:
        return
    for group in profile.group_constants:
        group.mend(rows)
    for dependency in profile.dependencies:
        dependency.derive(rows)
    for total in profile.totals:
        total.derive(rows)


def _with_dependants(profile: TableProfile) -> list[MissingTogether]:
    """The `when` groups, each with the columns a pair of its columns sets (a widow's
    inheritance set from a daughter's): missing where the group is."""
    groups = []
    for group in (g for g in profile.missing_together if g.when is not None):
        pairs = [p for p in profile.pair_dependencies if set(p.sources) & set(group.columns)]
        dependants = tuple(c for p in pairs for c in p.columns if c not in group.columns)
        groups.append(MissingTogether((*group.columns, *dependants), group.when))
    return groups


def renumber_ids(
    rows: pd.DataFrame, profile: TableProfile, *, first_row: int, seed: int
) -> pd.DataFrame:
    """The id columns of rows drawn in several rounds made again as ``conform`` makes them
    for rows ``first_row``.. (each round's rows were numbered from ``first_row``)."""
    numbers = np.arange(first_row, first_row + len(rows), dtype=np.int64)
    rng = np.random.default_rng([seed, first_row, 16])
    for column in profile.columns:
        if column.kind == "id" and column.name in rows.columns:
            missing = rows[column.name].isna().to_numpy()
            ids = new_ids(column, id_numbers(column, numbers, rng), column_key(seed, column))
            rows[column.name] = ids.mask(missing)
    return rows


def column_key(seed: int, column: ColumnProfile) -> int:
    """The key of a column's ids: two id columns of one shape do not get the same ids."""
    digest = zlib.crc32(column.name.encode())
    return int(np.random.SeedSequence([seed, digest]).generate_state(1)[0])


def id_numbers(column: ColumnProfile, numbers: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which id each row gets: its own row number where the real ids are distinct; for a
    column whose ids repeat (manager_id), one of as many ids as the real column has, each
    about as often as its real counterpart (a value of the counted tail: a new id)."""
    if not column.id_counts:
        return numbers
    counts = np.asarray(column.id_counts, dtype=np.float64)
    drawn = rng.choice(len(counts), size=len(numbers), p=counts / counts.sum())
    if len(column.id_counts) > ID_COUNTS_KEPT:
        tail = drawn == ID_COUNTS_KEPT
        drawn[tail] = ID_COUNTS_KEPT + 1 + numbers[tail]
    return drawn.astype(np.int64)


# --- learned columns ---------------------------------------------------------------------


def _learned(values: pd.Series, column: ColumnProfile, rng: np.random.Generator) -> pd.Series:
    if column.kind == "categorical":
        return _categories(values, column, rng)
    if column.kind == "numeric":
        return _numbers(values, column, rng)
    if column.kind == "datetime":
        return _dates(values, column)
    return values


def _category_key(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    return str(value).strip().lower() if isinstance(value, str) else str(value)


def _categories(values: pd.Series, column: ColumnProfile, rng: np.random.Generator) -> pd.Series:
    """Every value a real category; placeholders and invented values drawn anew from the
    categories that are not rare, by their frequency."""
    if not column.categories:
        return pd.Series([None] * len(values), dtype=object)
    real = {_category_key(c): c for c in column.categories}
    present = values.notna().to_numpy()
    mapped = [
        real.get(_category_key(v)) if ok else None for v, ok in zip(values, present, strict=True)
    ]
    out = pd.Series(mapped, dtype=object)
    unknown = present & out.isna().to_numpy()
    if unknown.any():
        out[unknown] = _draw_categories(column, rng, int(unknown.sum()))
    return out


def _draw_categories(column: ColumnProfile, rng: np.random.Generator, size: int) -> np.ndarray:
    counts = np.asarray(column.category_counts or [1] * len(column.categories), dtype="float64")
    frequent = counts >= RARE_COUNT
    if frequent.any():
        counts = np.where(frequent, counts, 0.0)
    choices = np.empty(len(column.categories), dtype=object)
    choices[:] = list(column.categories)
    return choices[rng.choice(len(choices), size=size, p=counts / counts.sum())]


def _numbers(values: pd.Series, column: ColumnProfile, rng: np.random.Generator) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    if column.duration_format and not column.duration_format.endswith(":ss"):
        # Whole minutes (`38:31:00`), as downloads write them: a column set from this one
        # (`TimeMin` = `Time`/3600) then agrees with what a user reads.
        numbers = (numbers / 60).round() * 60
    if column.step and column.minimum is not None:
        numbers = column.minimum + ((numbers - column.minimum) / column.step).round() * column.step
    if column.clock_minutes:
        bounds = (column.minimum, column.maximum)
        return on_clock(numbers.round(0), column.clock_minutes, bounds, rng)
    if column.levels:  # never 7 cylinders, nor 13.424525 years of schooling
        return to_levels(numbers, column.levels, column.level_counts)
    if column.integer:
        return numbers.round(0)
    if column.decimals is not None:
        return numbers.round(column.decimals)
    return numbers


def _dates(values: pd.Series, column: ColumnProfile) -> pd.Series:
    if column.beyond_nanoseconds:  # learned as seconds since 1970
        stamps = from_epoch_seconds(_to_sentinels(values, column))
    else:
        stamps = naive_microseconds(pd.to_datetime(values, errors="coerce"))
    return floor_to_unit(stamps, coarser(column.datetime_unit, format_unit(column.datetime_format)))


def _to_sentinels(seconds: pd.Series, column: ColumnProfile) -> pd.Series:
    """Seconds outside the range of a column's usual dates moved to the nearest real
    sentinel (9999-12-31) or end of that range: no real date lies between them."""
    if not column.sentinels:
        return seconds
    numbers = pd.to_numeric(seconds, errors="coerce").to_numpy(dtype="float64")
    landmarks = np.array(sorted({*column.sentinels, *(column.usual_range or ())}))
    outside = np.isfinite(numbers)
    if column.usual_range is not None:
        low, high = column.usual_range
        outside &= (numbers < low) | (numbers > high)
    nearest = np.abs(numbers[outside, None] - landmarks[None, :]).argmin(axis=1)
    numbers[outside] = landmarks[nearest]
    return pd.Series(numbers, index=seconds.index)


_UNITS = ("Y", "M", "D", "h", "min", "s")


def format_unit(fmt: str | None) -> str | None:
    """The finest unit `fmt` writes: 'D' for '%Y-%m-%d', 'M' for '%Y-%m', ..."""
    if not fmt:
        return None
    fmt = parsing_format(fmt)  # "%-d" writes days too
    for unit, codes in (
        ("s", ("%S", "%f", "%s", "%T")),
        ("min", ("%M",)),
        ("h", ("%H", "%I")),
        ("D", ("%d", "%j", "%e")),
        ("M", ("%m", "%b", "%B")),
    ):
        if any(code in fmt for code in codes):
            return unit
    return "Y"


def coarser(first: str | None, second: str | None) -> str | None:
    units = [u for u in (first, second) if u in _UNITS]
    return min(units, key=_UNITS.index) if units else None


def floor_to_unit(stamps: pd.Series, unit: str | None) -> pd.Series:
    """Timestamps cut to whole `unit`s (the real column's resolution)."""
    if unit is None:
        return stamps
    if unit in ("Y", "M"):  # numpy's casts floor, in any year (pandas' periods stop in 2262)
        floored = stamps.to_numpy().astype(f"datetime64[{unit}]").astype(stamps.dtype)
        return pd.Series(floored, index=stamps.index)
    return stamps.dt.floor(unit)


def _with_missing(values: pd.Series, column: ColumnProfile, rng: np.random.Generator) -> pd.Series:
    """At least the real share of missing values (engines tend to drop rare nulls)."""
    if column.null_share <= 0 or values.empty:
        return values
    present = np.flatnonzero(values.notna().to_numpy())
    wanted = round(column.null_share * len(values)) - (len(values) - len(present))
    if wanted <= 0 or not len(present):
        return values
    values = values.astype(object) if values.dtype == bool else values.copy()
    chosen = rng.choice(present, size=min(wanted, len(present)), replace=False)
    values.iloc[chosen] = None
    return values


def new_ids(column: ColumnProfile, numbers: np.ndarray, seed: int) -> pd.Series:
    """Ids in the real id column's format, distinct for distinct ``numbers``."""
    shape = column.id_shape or ("x",) * 8
    if shape == ("int",):
        start = int(column.minimum or 1)
        return pd.Series(start + numbers * (column.id_step or 1), dtype="int64")
    if shape[0] == "datetime":
        return datetime_ids(column, numbers)
    if shape == ("uuid",):
        return pd.Series(template_columns.uuid_strings(numbers, seed).to_pylist(), dtype=object)
    return pd.Series(shaped_ids(shape, numbers, seed), dtype=object)


def shaped_ids(shape: tuple[str, ...], numbers: np.ndarray, key: int) -> list[str]:
    """Distinct ids of `shape` for distinct row numbers: the last positions write a keyed
    permutation of the row number (positions are added when the shape cannot write enough
    ids); leading positions beyond 2**40 codes get one fixed character each."""
    parts = list(shape)
    slots: list[int] = []
    capacity = 1
    for index in reversed(range(len(parts))):
        if parts[index] in _ALPHABETS and capacity < _ID_CODES:
            slots.append(index)
            capacity *= len(_ALPHABETS[parts[index]])
    while capacity <= int(numbers.max(initial=0)):
        parts.append("9")
        slots.insert(0, len(parts) - 1)
        capacity *= 10
    fixed = np.random.default_rng([key, 1])
    for index, part in enumerate(parts):
        if part in _ALPHABETS and index not in slots:
            parts[index] = _ALPHABETS[part][fixed.integers(len(_ALPHABETS[part]))]
    codes = template_columns.permute(numbers, capacity, key) if capacity > 1 else numbers * 0
    columns: list[list[str]] = [[part] * len(numbers) for part in parts]
    remainder = [int(c) for c in codes]
    for index in slots:
        alphabet = _ALPHABETS[parts[index]]
        columns[index] = [alphabet[r % len(alphabet)] for r in remainder]
        remainder = [r // len(alphabet) for r in remainder]
    return ["".join(chars) for chars in zip(*columns, strict=True)]
