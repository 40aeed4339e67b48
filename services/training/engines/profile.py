"""A small summary of the training table, stored with every model.

Sampling needs it without loading the model: to validate conditions, to clip values to
the real min/max (bounds), to know what an out-of-range value (anomaly) looks like, and to
give the synthetic rows the real table's schema (`conform`): column order and types, the
categories that exist, the numbers' precision, the share of missing values, how ids are
written. Ids and PII columns are never learned: the profile keeps how to make new values
for them (an id's shape, a PII kind and a locale), never their real values.

It also keeps the rules `conform` applies (`common.contracts`): the columns another column
determines in every training row and their value for each value of the source
(`.dependencies`: Indonesia never in Europe); the combinations of two category columns the
training rows rule out (`.combinations`: lunch on a Saturday); the range of a number within
each value of a category (`.category_ranges`: no doctorate under 24); number columns that are the
sum of others (`.totals`); category columns naming the largest of some number columns
(`.leaders`); columns two columns determine together (`.pair_dependencies`: a route's
distance); text columns joining others (`.concatenations`: a car's make and model); columns
missing in the same rows (`.missing_together`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from common.contracts.category_ranges import CategoryRange
from common.contracts.combinations import ImpossibleCombinations
from common.contracts.concatenations import Concatenation
from common.contracts.date_parts import DateParts, clock_times
from common.contracts.dependencies import Dependency
from common.contracts.group_constants import GroupConstants
from common.contracts.leaders import Leader
from common.contracts.missing_together import MissingTogether
from common.contracts.pair_dependencies import PairDependency
from common.contracts.totals import Total
from common.contracts.unique_keys import UniqueKey
from common.date_formats import parsing_format
from common.durations import duration_format
from common.timestamps import NS_SECONDS, epoch_seconds
from services.training.engines.datetime_keys import datetime_key
from services.training.engines.derived import DerivedRules
from services.training.engines.fake_locale import guess_locale
from services.training.engines.id_shapes import id_shape, phone_forms, phone_shape
from services.training.engines.precision import (
    datetime_unit,
    decimals_of,
    grid_step,
    level_counts,
    levels_of,
    minute_counts,
    sentinels,
)
from services.training.engines.street_addresses import street_only

# Distinct values of a repeating id column whose row counts a profile keeps.
ID_COUNTS_KEPT = 10_000
ColumnKind = Literal["numeric", "categorical", "datetime", "other", "id", "pii"]

_KIND_BY_SDTYPE: dict[str, ColumnKind] = {
    "numerical": "numeric",
    "categorical": "categorical",
    "boolean": "categorical",
    "datetime": "datetime",
    "id": "id",
}
PII_KINDS = frozenset(
    {
        "email", "phone_number", "name", "first_name", "last_name", "address", "city",
        "postal_code", "country", "ip_address", "credit_card_number", "ssn", "url",
    }
)  # fmt: skip
# The rules a profile keeps about how columns go together, and how each is read back.
_RULES: dict[str, Any] = {
    "dependencies": Dependency,
    "impossible_combinations": ImpossibleCombinations,
    "totals": Total,
    "leaders": Leader,
    "date_parts": DateParts,
    "pair_dependencies": PairDependency,
    "concatenations": Concatenation,
    "missing_together": MissingTogether,
    "category_ranges": CategoryRange,
    "unique_keys": UniqueKey,
    "group_constants": GroupConstants,
}
_COUNTED = ("category_counts", "id_counts", "sentinels", "clock_minutes", "level_counts")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    kind: ColumnKind
    integer: bool = False
    # Numbers: the real min/max; datetimes: the same in seconds since 1970.
    minimum: float | None = None
    maximum: float | None = None
    std: float | None = None
    # Categories ordered from most to least frequent (JSON-friendly values), and their counts.
    categories: tuple[Any, ...] = ()
    category_counts: tuple[int, ...] = ()
    # The real column's Arrow type ("int64", "timestamp[ms]", "string", ...), when known.
    arrow_type: str | None = None
    # Decimal places of a float column (None: more than `precision.MAX_DECIMALS`: as they are).
    decimals: int | None = None
    # Numbers on a grid coarser than their precision (years every 5, prices in steps of
    # 0.50): every real value is `minimum` plus a whole number of `step`s, and generated
    # numbers are put on the grid too (see `precision.grid_step`, `conform`). None: no such grid.
    step: float | None = None
    # Whole numbers written as hhmm times of day (517 = 05:17; `clock_times`): how many real
    # ones are at each minute, 0 to 59, for generated ones to be times too, never 1088.
    clock_minutes: tuple[int, ...] = ()
    # At most `precision.MAX_LEVELS` whole numbers (cylinders 4, 6, 8) or repeated fractions
    # (`levels_of`): generated ones are among them. None: more of them; (): not known.
    levels: tuple[float, ...] | None = ()
    level_counts: tuple[int, ...] = ()  # a fraction column's real rows per level
    null_share: float = 0.0
    datetime_format: str | None = None
    # The coarsest unit every real datetime is a whole number of: "Y" (1 January only),
    # "M", "D", "h", "min", "s" or None (finer).
    datetime_unit: str | None = None
    # Datetimes reaching beyond nanoseconds through a few values (9999-12-31 for "open
    # ended"): those values, and the range of the others, in seconds since 1970. Learned as
    # one number line, the engines drew years between them (6438-03-18); see `conform`.
    sentinels: tuple[float, ...] = ()
    usual_range: tuple[float, float] | None = None
    # PII columns: the kind of value to fake (email, name, ..., "street_address" for an
    # address column written without town and postal code), or "text" for other columns
    # marked PII.
    pii_kind: str | None = None
    # Ids: "int" (a sequence from `minimum` by `id_step`), "uuid", ("datetime", unit) (a
    # sequence of times from `minimum` by `id_step`, both in `unit`s since 1970: months for a
    # month key such as 1981-01), or a shape such as
    # ["A", "9", "-", "x"] ("9" a digit, "A" an upper-case letter, "a" a lower-case one,
    # "x" a letter or a digit, other characters literal); `unique` is the real column's.
    id_shape: tuple[str, ...] | None = None
    # Phone columns: the forms of the real numbers and how many have each
    # (`id_shapes.phone_forms`): fakes are written in them, by their shares.
    phone_forms: tuple[tuple[str, int], ...] = ()
    id_step: int | None = None
    unique: bool = False
    # An id column whose values repeat (a reference such as manager_id): how many rows each
    # distinct value has, most first, for the first ID_COUNTS_KEPT values; the rows of any
    # further values are counted in one last entry, and made unique ids.
    id_counts: tuple[int, ...] = ()
    # The decimals every value of the upload was written with (`8.0`: 1), for CSV downloads.
    written_decimals: int | None = None
    # Where they vary, the fewest every value was written with (`5.0`, `5.25`: 1).
    least_decimals: int | None = None
    # Durations stored as seconds: the form the upload wrote them in (`common.durations`).
    duration_format: str | None = None

    @property
    def beyond_nanoseconds(self) -> bool:
        """A datetime column with values pandas' nanosecond timestamps cannot hold."""
        return self.kind == "datetime" and (
            (self.minimum is not None and self.minimum < NS_SECONDS[0])
            or (self.maximum is not None and self.maximum > NS_SECONDS[1])
        )


# The TableProfile fields holding rules found on the real rows, which generation applies.
RULE_FIELDS = (
    "dependencies", "impossible_combinations", "totals", "leaders", "date_parts",
    "pair_dependencies", "concatenations", "category_ranges",
)  # fmt: skip


@dataclass(frozen=True)
class TableProfile:
    columns: tuple[ColumnProfile, ...]
    # The locale fake PII values are made in (guessed from the real names, cities, phones).
    locale: str = "en_US"
    # Columns that another column determines in every training row (none in older models).
    dependencies: tuple[Dependency, ...] = ()
    # Combinations of two category columns the training rows rule out (none in older models).
    impossible_combinations: tuple[ImpossibleCombinations, ...] = ()
    # Number columns that are the sum of others in every training row (none in older models).
    totals: tuple[Total, ...] = ()
    # Category columns naming the largest of some number columns (none in older models).
    leaders: tuple[Leader, ...] = ()
    # Month and day columns of a date, made real dates (none in older models).
    date_parts: tuple[DateParts, ...] = ()
    # Columns that two columns determine together, and text columns joining others' values
    # (none in older models).
    pair_dependencies: tuple[PairDependency, ...] = ()
    concatenations: tuple[Concatenation, ...] = ()
    missing_together: tuple[MissingTogether, ...] = ()  # columns missing in the same rows
    category_ranges: tuple[CategoryRange, ...] = ()  # a number's range per category value
    unique_keys: tuple[UniqueKey, ...] = ()  # a name and a year no two training rows share
    group_constants: tuple[GroupConstants, ...] = ()  # an order's date on each of its lines
    # The token the upload wrote for a missing value (`NA`, `?`), for CSV downloads.
    missing_value: str | None = None

    def column(self, name: str) -> ColumnProfile | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def learned(self) -> list[str]:
        """The columns an engine learns: every one but ids and PII."""
        return [c.name for c in self.columns if c.kind not in ("id", "pii")]

    def to_dict(self) -> dict[str, Any]:
        # What `asdict` gives, without its deep copy of every category (a column of 3,000
        # codes took 10 ms): a profile is frozen and holds tuples of plain values only.
        columns = [{f.name: getattr(c, f.name) for f in fields(c)} for c in self.columns]
        return {
            "columns": columns,
            "locale": self.locale,
            "missing_value": self.missing_value,
            **{name: [rule.to_dict() for rule in getattr(self, name)] for name in _RULES},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableProfile:
        columns = []
        for c in data["columns"]:
            values = {**c, "categories": tuple(c["categories"])}
            for key in _COUNTED:
                values[key] = tuple(c.get(key) or ())
            for key in ("id_shape", "levels", "usual_range"):
                if c.get(key) is not None:
                    values[key] = tuple(c[key])
            values["phone_forms"] = tuple((f, int(n)) for f, n in c.get("phone_forms") or ())
            columns.append(ColumnProfile(**values))
        return cls(
            columns=tuple(columns),
            locale=data.get("locale") or "en_US",
            missing_value=data.get("missing_value"),
            **{
                name: tuple(kind.from_dict(rule) for rule in data.get(name) or ())
                for name, kind in _RULES.items()
            },
        )

    @property
    def derived(self) -> dict[str, str]:
        """Each column set from others (`dependencies`, `totals`, `leaders`), and what sets it."""
        derived = {c: d.source for d in self.dependencies for c in d.columns}
        derived |= {t.column: t.formula for t in self.totals}
        derived |= {c: " & ".join(d.sources) for d in self.pair_dependencies for c in d.columns}
        derived |= {c.column: " + ".join(c.parts) for c in self.concatenations}
        return derived | {x.column: ", ".join(x.columns) for x in self.leaders}


def column_kind(series: pd.Series, column_metadata: Mapping[str, Any] | None) -> ColumnKind:
    """The kind from our metadata's sdtype (PII when marked so), else from the pandas dtype."""
    meta = column_metadata or {}
    sdtype = meta.get("sdtype")
    if meta.get("pii") or sdtype in PII_KINDS:
        return "pii"
    if sdtype is not None:
        return _KIND_BY_SDTYPE.get(sdtype, "other")
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_numeric_dtype(series):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "categorical"


def columns_metadata(metadata: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Per-column metadata from either of our two shapes.

    Accepts {"columns": {col: {...}}, "primary_key": ...} (SDV's single-table layout) and the
    flat {col: {"sdtype": ...}, "primary_key": ...} layout the datasets service stores.
    """
    if isinstance(metadata.get("columns"), Mapping):
        return dict(metadata["columns"])
    return {k: v for k, v in metadata.items() if isinstance(v, Mapping)}


def build_profile(
    table: pd.DataFrame, metadata: Mapping[str, Any], schema: pa.Schema | None = None
) -> TableProfile:
    """Summarise `table` using the sdtypes in `metadata` (see `columns_metadata`); `schema`
    is the real table's Arrow schema (types are taken from `table` without it)."""
    columns_meta = columns_metadata(metadata)
    columns = []
    for name in table.columns:
        meta = columns_meta.get(name) or {}
        kind = column_kind(table[name], meta)
        if name == metadata.get("primary_key") and kind != "pii":
            kind = "id"
        profiled = _profile_column(table[name], kind, meta)
        arrow_type = _arrow_type(table[name], schema)
        columns.append(
            _replace(
                profiled,
                arrow_type=arrow_type,
                null_share=float(table[name].isna().mean()) if len(table) else 0.0,
                datetime_format=meta.get("datetime_format") if _is_time(profiled) else None,
                written_decimals=meta.get("decimals"),
                least_decimals=meta.get("least_decimals"),
                duration_format=_duration_format(schema, name),
            )
        )
    rules = DerivedRules({c.name: c.kind for c in columns})
    rules.add(table)
    found = {**rules.found(), "missing_value": metadata.get("missing_value")}
    return TableProfile(columns=tuple(columns), locale=guess_locale(table, columns), **found)


def _is_time(column: ColumnProfile) -> bool:
    """A datetime column, or a key made of times (written in the real format too)."""
    return column.kind == "datetime" or (column.id_shape or ("",))[0] == "datetime"


def _replace(column: ColumnProfile, **changes: Any) -> ColumnProfile:
    # Shares the (immutable) category tuples: `asdict` deep-copied them value by value.
    return replace(column, **changes)


def _duration_format(schema: pa.Schema | None, name: str) -> str | None:
    return duration_format(schema.field(name)) if schema and name in schema.names else None


def _arrow_type(series: pd.Series, schema: pa.Schema | None) -> str | None:
    if schema is not None and series.name in schema.names:
        return str(schema.field(series.name).type)
    try:
        return str(pa.array(series.head(1000), from_pandas=True).type)
    except (pa.ArrowException, TypeError, ValueError):
        return None


def _profile_column(series: pd.Series, kind: ColumnKind, meta: Mapping[str, Any]) -> ColumnProfile:
    name = str(series.name)
    if kind == "numeric":
        values = pd.to_numeric(series, errors="coerce").dropna()
        if values.empty:
            return ColumnProfile(name, kind)
        integer = bool(pd.api.types.is_integer_dtype(series) or (values % 1 == 0).all())
        numbers = values.to_numpy(dtype="float64")
        decimals = 0 if integer else decimals_of(numbers)
        return ColumnProfile(
            name,
            kind,
            integer=integer,
            minimum=float(values.min()),
            maximum=float(values.max()),
            std=float(values.std(ddof=0)),
            decimals=decimals,
            step=grid_step(numbers, decimals),
            clock_minutes=minute_counts(numbers) if clock_times(numbers) else (),
            levels=(levels := levels_of(numbers, integer)),
            level_counts=level_counts(numbers, levels) if levels and not integer else (),
        )
    if kind == "categorical":
        counts = series.dropna().value_counts()
        return ColumnProfile(
            name,
            kind,
            categories=tuple(_plain(v) for v in counts.index),
            category_counts=tuple(int(c) for c in counts.to_numpy()),
        )
    if kind == "datetime":
        fmt = meta.get("datetime_format")
        stamps = pd.to_datetime(series, errors="coerce", format=fmt and parsing_format(fmt))
        stamps = stamps.dropna()
        if stamps.empty:
            return ColumnProfile(name, kind)
        seconds = epoch_seconds(stamps)
        return ColumnProfile(
            name,
            kind,
            minimum=float(seconds.min()),
            maximum=float(seconds.max()),
            datetime_unit=datetime_unit(stamps),
            **sentinels(seconds),
        )
    if kind == "id":
        return _id_profile(series)
    if kind == "pii":
        sdtype = meta.get("sdtype")
        pii_kind = sdtype if sdtype in PII_KINDS else "text"
        if pii_kind == "address" and street_only(series):
            pii_kind = "street_address"
        shape, forms = phone_shape(series, pii_kind), phone_forms(series, pii_kind)
        return ColumnProfile(name, kind, pii_kind=pii_kind, id_shape=shape, phone_forms=forms)
    return ColumnProfile(name, kind)


def _id_profile(series: pd.Series) -> ColumnProfile:
    profile = _id_shape_profile(series)
    counts = series.value_counts(dropna=True).to_numpy()
    if len(counts) and counts[0] > 1:
        kept = [int(c) for c in counts[:ID_COUNTS_KEPT]]
        rest = int(counts[ID_COUNTS_KEPT:].sum())
        profile = _replace(profile, id_counts=tuple([*kept, rest] if rest else kept))
    return profile


def _id_shape_profile(series: pd.Series) -> ColumnProfile:
    name = str(series.name)
    present = series.dropna()
    unique = bool(present.is_unique and len(present) == len(series))
    if pd.api.types.is_datetime64_any_dtype(series) and not present.empty:
        return ColumnProfile(str(present.name), "id", unique=unique, **datetime_key(present))
    if pd.api.types.is_numeric_dtype(series) and not present.empty:
        numbers = np.sort(pd.to_numeric(present).to_numpy(dtype="float64"))
        steps = np.diff(np.unique(numbers))
        step = int(pd.Series(steps).mode().iloc[0]) if len(steps) else 1
        return ColumnProfile(
            name,
            "id",
            integer=True,
            minimum=float(numbers[0]),
            maximum=float(numbers[-1]),
            id_shape=("int",),
            id_step=max(step, 1),
            unique=unique,
        )
    text = present.astype(str)
    if not text.empty and text.str.match(_UUID).all():
        return ColumnProfile(name, "id", id_shape=("uuid",), unique=unique)
    return ColumnProfile(name, "id", id_shape=id_shape(text), unique=unique)


def _plain(value: Any) -> Any:
    # numpy scalars are not JSON serialisable; .item() turns them into Python values.
    return value.item() if hasattr(value, "item") else value
