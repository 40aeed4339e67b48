"""The checks of one field of a schema (type, distribution, parameters, bounds, categories,
patterns, derivation, foreign key), collecting every problem with its field path."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from common.contracts.template_schema import FieldSpec, Schema
from services.training.templates import columns
from services.training.templates.expressions import (
    Expression,
    ExpressionError,
)
from services.training.templates.limits import (
    MAX_ABS_INT,
    MAX_DECIMALS,
    MAX_PATTERN_LENGTH,
    MAX_POISSON_LAM,
    MAX_VALUE_LENGTH,
    MAX_WORDS,
)
from services.training.templates.ordering import cycles, field_expression, parents
from services.training.templates.strings import RegexError, check_regex

DEFAULT_MAX_ROWS = 100_000_000


_NUMERIC = {"int", "float"}


MOMENTS = {"date", "datetime"}


_DISTRIBUTION_TYPES = {
    "uniform": _NUMERIC,
    "normal": _NUMERIC,
    "lognormal": _NUMERIC,
    "poisson": _NUMERIC,
    "exponential": _NUMERIC,
    "sequence": {"int"},
    "weighted": {"category"},
}


UNIQUE_TYPES = {"int", "category", "date", "datetime", "uuid", "email", "username", "string"}


_FK_MODES = {"random", "sequential"}


_POSITIVE_PARAMS = ("std", "sigma", "lam", "scale")


INT64_MAX = 2**63 - 1


@dataclass
class Checker:
    schema: Schema
    count: int | None
    reference_date: dt.date
    max_rows: int = DEFAULT_MAX_ROWS
    errors: list[tuple[str, str]] = field(default_factory=list)
    expressions: dict[tuple[int, int], Expression] = field(default_factory=dict)

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))


def check_field(checker: Checker, t: int, f: int, spec: FieldSpec) -> None:
    path = f"tables[{t}].fields[{f}]"
    if spec.type not in columns.FIELD_TYPES:
        known = ", ".join(sorted(columns.FIELD_TYPES))
        checker.error(f"{path}.type", f"unknown type {spec.type!r}; known types: {known}")
        return
    if not 0.0 <= spec.null_rate <= 1.0:
        checker.error(f"{path}.null_rate", f"null_rate must be within [0, 1], got {spec.null_rate}")
    _check_distribution(checker, path, spec)
    _check_params(checker, path, spec)
    _check_bounds(checker, path, spec)
    _check_categories(checker, path, spec)
    _check_patterns(checker, path, spec)
    _check_derivation(checker, t, f, spec)
    if spec.foreign_key:
        _check_foreign_key(checker, t, path, spec)


def _check_distribution(checker: Checker, path: str, spec: FieldSpec) -> None:
    kind = spec.distribution
    if kind is None:
        return
    if kind not in columns.DISTRIBUTIONS:
        known = ", ".join(sorted(columns.DISTRIBUTIONS))
        checker.error(f"{path}.distribution", f"unknown distribution {kind!r}; known: {known}")
    elif spec.type not in _DISTRIBUTION_TYPES[kind]:
        checker.error(
            f"{path}.distribution", f"distribution {kind!r} does not apply to {spec.type}"
        )
    for name in _POSITIVE_PARAMS:
        value = spec.params.get(name)
        if value is not None and not (_is_number(value) and value > 0):
            checker.error(f"{path}.params.{name}", f"{name} must be a positive number")
    lam = spec.params.get("lam")
    if _is_number(lam) and lam > MAX_POISSON_LAM:
        checker.error(f"{path}.params.lam", f"lam must be at most {MAX_POISSON_LAM:g}")


def _is_number(value: object) -> bool:
    """A finite int or float (not a bool, not NaN or infinity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_params(checker: Checker, path: str, spec: FieldSpec) -> None:
    """Parameters are numbers in their range; unknown ones are ignored, as before."""
    params = spec.params
    for name, value in params.items():
        if name in (
            "mean",
            "std",
            "sigma",
            "lam",
            "scale",
            "p",
            "decimals",
            "start",
            "step",
            "min_words",
            "max_words",
        ) and not _is_number(value):
            checker.error(f"{path}.params.{name}", f"{name} must be a finite number")
    if _is_number(params.get("p")) and not 0 <= params["p"] <= 1:
        checker.error(f"{path}.params.p", "p must be within [0, 1]")
    decimals = params.get("decimals")
    if _is_number(decimals) and not (decimals == int(decimals) and abs(decimals) <= MAX_DECIMALS):
        checker.error(
            f"{path}.params.decimals",
            f"decimals must be a whole number within [-{MAX_DECIMALS}, {MAX_DECIMALS}]",
        )
    for name in ("start", "step"):
        value = params.get(name)
        if _is_number(value) and (value != int(value) or abs(value) > MAX_ABS_INT):
            checker.error(f"{path}.params.{name}", f"{name} must be a whole number within ±2**62")
    words = [params.get("min_words", 4), params.get("max_words", 12)]
    if spec.type == "text" and all(_is_number(w) for w in words):
        for name, value in zip(("min_words", "max_words"), words, strict=True):
            if not 0 <= value <= MAX_WORDS:
                checker.error(f"{path}.params.{name}", f"{name} must be within [0, {MAX_WORDS}]")
        if words[0] > words[1]:
            checker.error(f"{path}.params.max_words", "min_words is greater than max_words")


def _check_bounds(checker: Checker, path: str, spec: FieldSpec) -> None:
    if spec.min is None and spec.max is None:
        return
    if spec.type in MOMENTS:
        bounds = []
        for name in ("min", "max"):
            value = getattr(spec, name)
            try:
                bounds.append(
                    None if value is None else columns.parse_moment(value, checker.reference_date)
                )
            except (ValueError, KeyError, OverflowError):
                checker.error(f"{path}.{name}", f"{value!r} is not an ISO date or 'today±Nd/w/y'")
                return
        low, high = bounds
    elif spec.type in _NUMERIC or spec.type == "string":
        low, high = spec.min, spec.max
        for name, value in (("min", low), ("max", high)):
            if value is not None and not _is_number(value):
                checker.error(
                    f"{path}.{name}", f"{name} of a {spec.type} field must be a finite number"
                )
                return
            if spec.type == "int" and value is not None and abs(value) > MAX_ABS_INT:
                checker.error(f"{path}.{name}", f"{name} of an int field must be within ±2**62")
                return
        if spec.type == "string" and any(v is not None and v < 0 for v in (low, high)):
            checker.error(f"{path}.min", "string length bounds must not be negative")
        if spec.type == "string":
            for name, value in (("min", low), ("max", high)):
                if value is not None and value > MAX_VALUE_LENGTH:
                    checker.error(
                        f"{path}.{name}",
                        f"strings can be at most {MAX_VALUE_LENGTH:,} characters long",
                    )
    else:
        checker.error(f"{path}.min", f"min/max do not apply to {spec.type} fields")
        return
    if low is not None and high is not None and low > high:
        checker.error(f"{path}.max", f"min ({spec.min}) is greater than max ({spec.max})")


def _check_categories(checker: Checker, path: str, spec: FieldSpec) -> None:
    if spec.type != "category":
        if spec.categories is not None or spec.weights is not None:
            checker.error(f"{path}.categories", "categories/weights apply to category fields only")
        return
    if not spec.categories and not (spec.derive or spec.template or spec.foreign_key):
        checker.error(f"{path}.categories", "a category field needs a non-empty categories list")
        return
    if spec.categories and len({type(c) for c in spec.categories}) > 1:
        checker.error(f"{path}.categories", "categories must all have the same type")
    if spec.weights is not None:
        if len(spec.weights) != len(spec.categories or []):
            checker.error(f"{path}.weights", "weights must have one entry per category")
        elif any(w < 0 or not math.isfinite(w) for w in spec.weights) or sum(spec.weights) <= 0:
            checker.error(f"{path}.weights", "weights must be non-negative with a positive sum")


def _check_patterns(checker: Checker, path: str, spec: FieldSpec) -> None:
    if spec.format is not None and len(spec.format) > MAX_PATTERN_LENGTH:
        checker.error(f"{path}.format", f"format longer than {MAX_PATTERN_LENGTH:,} characters")
        return
    if spec.regex is not None:
        if spec.type != "string":
            checker.error(f"{path}.regex", "regex applies to string fields only")
        else:
            try:
                check_regex(spec.regex)
            except RegexError as exc:
                checker.error(f"{path}.regex", str(exc))
    if spec.format is not None:
        if spec.type in MOMENTS:
            try:
                dt.date(2000, 1, 2).strftime(spec.format)
            except ValueError as exc:
                checker.error(f"{path}.format", f"invalid date format: {exc}")
        elif spec.type not in {"string", "phone", "postal_code"}:
            checker.error(f"{path}.format", f"format does not apply to {spec.type} fields")
        elif "#" not in spec.format and "?" not in spec.format:
            checker.error(f"{path}.format", "format needs '#' (digit) or '?' (letter) placeholders")


def _check_derivation(checker: Checker, t: int, f: int, spec: FieldSpec) -> None:
    path = f"tables[{t}].fields[{f}]"
    if spec.derive and spec.template:
        checker.error(f"{path}.derive", "set either derive or template, not both")
        return
    if (spec.derive or spec.template) and spec.foreign_key:
        checker.error(f"{path}.derive", "a foreign key field cannot also be derived")
        return
    where = f"{path}.derive" if spec.derive else f"{path}.template"
    try:
        expression = field_expression(spec)
    except ExpressionError as exc:
        checker.error(where, str(exc))
        return
    if expression is None:
        return
    names = {s.name for s in checker.schema.tables[t].fields}
    for name in sorted(expression.names - names):
        checker.error(where, f"unknown field {name!r}")
    checker.expressions[(t, f)] = expression


def _check_foreign_key(checker: Checker, t: int, path: str, spec: FieldSpec) -> None:
    fk = spec.foreign_key
    assert fk is not None
    tables = {table.name: table for table in checker.schema.tables}
    if fk.mode not in _FK_MODES:
        checker.error(f"{path}.foreign_key.mode", f"mode must be one of {sorted(_FK_MODES)}")
    parent = tables.get(fk.table)
    if parent is None:
        checker.error(f"{path}.foreign_key.table", f"no table named {fk.table!r}")
        return
    target = next((s for s in parent.fields if s.name == fk.field), None)
    if target is None:
        checker.error(f"{path}.foreign_key.field", f"table {fk.table!r} has no field {fk.field!r}")
    elif not columns.is_key_field(target):
        checker.error(
            f"{path}.foreign_key.field",
            f"{fk.table}.{fk.field} is not a key: reference a uuid field or an int field "
            "with distribution 'sequence' or unique: true (not derived, no nulls)",
        )
    graph = {table.name: sorted(set(parents(table))) for table in checker.schema.tables}
    own = checker.schema.tables[t].name
    for cycle in cycles(graph):
        if own in cycle and fk.table in cycle:
            checker.error(f"{path}.foreign_key", f"foreign key cycle: {' -> '.join(cycle)}")
            return
