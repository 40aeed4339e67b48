"""Rules a dataset's synthetic rows must obey, a contract: datasets validates and stores them
(with how many real rows break each), training applies them at generation (and SDV engines
at training), evaluation counts the synthetic rows that break them.

Kinds (``column``, ``columns``, ``low`` and ``high`` as each uses them):

- ``inequality``: ``low.column`` ≤ ``high.column`` (< with ``strict``), numbers or datetimes;
- ``range``: ``low`` ≤ ``column`` ≤ ``high``, each bound a fixed number or datetime, or another
  column (either bound may be left out; < with ``strict``);
- ``positive`` / ``negative``: ``column`` ≥ 0 / ≤ 0 (> / < with ``strict``);
- ``fixed_combinations``: the values of ``columns`` together only in combinations that occur in
  the real data (datasets records them in ``combinations`` when the rule is declared);
- ``one_hot``: exactly one of ``columns`` is 1 in each row, the others 0;
- ``unique``: no value of ``column`` appears twice.

A missing value breaks no rule but ``one_hot``: a rule says how values relate, not that
they are present.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Bounds that keep a rule set cheap to check and to store.
MAX_RULES = 50
MAX_RULE_COLUMNS = 20
MAX_COMBINATIONS = 10_000


class RuleKind(StrEnum):
    INEQUALITY = "inequality"
    RANGE = "range"
    POSITIVE = "positive"
    NEGATIVE = "negative"
    FIXED_COMBINATIONS = "fixed_combinations"
    ONE_HOT = "one_hot"
    UNIQUE = "unique"


class RulesError(ValueError):
    """Rules that cannot be applied; ``errors`` holds ``(path, message)``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


class Bound(BaseModel):
    """Exactly one of: another column, a number, an ISO 8601 datetime."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = Field(default=None, max_length=300)
    number: float | None = None
    datetime: str | None = Field(default=None, max_length=40)

    def value(self) -> float | None:
        """The fixed bound as a number (datetimes in seconds since 1970); None for a column."""
        if self.number is not None:
            return self.number
        if self.datetime is not None:
            return parse_datetime(self.datetime).timestamp()
        return None

    def describe(self) -> str:
        if self.column is not None:
            return self.column
        return f"{self.number:g}" if self.number is not None else str(self.datetime)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RuleKind
    column: str = Field(default="", max_length=300)
    columns: list[str] = Field(default_factory=list, max_length=MAX_RULE_COLUMNS)
    low: Bound | None = None
    high: Bound | None = None
    strict: bool = False
    # Set by datasets when the rule is declared: real rows that break it, and (for
    # fixed_combinations) the combinations that occur, as JSON-ready lists.
    real_violation_count: int = 0
    combinations: list[list[Any]] = Field(default_factory=list, max_length=MAX_COMBINATIONS)

    def named_columns(self) -> list[str]:
        named = [self.column] if self.column else []
        named += list(self.columns)
        named += [b.column for b in (self.low, self.high) if b is not None and b.column]
        return named

    def describe(self) -> str:
        """The rule as a user reads it, e.g. ``age ≥ 17 and age ≤ 90``."""
        less = "<" if self.strict else "≤"
        match self.kind:
            case RuleKind.INEQUALITY:
                assert self.low is not None and self.high is not None
                return f"{self.low.describe()} {less} {self.high.describe()}"
            case RuleKind.RANGE:
                low = f"{self.low.describe()} {less} " if self.low else ""
                high = f" {less} {self.high.describe()}" if self.high else ""
                return f"{low}{self.column}{high}"
            case RuleKind.POSITIVE:
                return f"{self.column} {'>' if self.strict else '≥'} 0"
            case RuleKind.NEGATIVE:
                return f"{self.column} {less} 0"
            case RuleKind.FIXED_COMBINATIONS:
                return f"only real combinations of {', '.join(self.columns)}"
            case RuleKind.ONE_HOT:
                return f"exactly one of {', '.join(self.columns)} is 1"
            case RuleKind.UNIQUE:
                return f"{self.column} is unique"


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 datetime; one without a time zone is read as UTC (as stored columns are)."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_rules(data: Any, kinds: Mapping[str, str]) -> list[Rule]:
    """The rules ``data`` describes, checked against the table's columns (name -> ``numeric``,
    ``datetime``, ``categorical``, ...), or :class:`RulesError` with every problem by path
    (``rules[2].high``)."""
    if not isinstance(data, list):
        raise RulesError([("rules", "must be a list of rules")])
    if len(data) > MAX_RULES:
        raise RulesError([("rules", f"at most {MAX_RULES} rules")])
    rules: list[Rule] = []
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(data):
        try:
            rules.append(Rule.model_validate(item))
        except ValidationError as invalid:
            problems += [
                (".".join([f"rules[{index}]", *map(str, error["loc"])]), error["msg"])
                for error in invalid.errors()
            ]
    for index, rule in enumerate(rules if not problems else []):
        problems += list(_problems(f"rules[{index}]", rule, kinds))
    if not problems:
        problems = list(_contradictions(rules))
    if problems:
        raise RulesError(problems)
    return rules


def _problems(path: str, rule: Rule, kinds: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    for field, column in _columns_by_field(rule):
        if column not in kinds:
            yield f"{path}.{field}", f"unknown column {column!r}"
    if any(column not in kinds for _, column in _columns_by_field(rule)):
        return
    match rule.kind:
        case RuleKind.INEQUALITY:
            yield from _inequality_problems(path, rule, kinds)
        case RuleKind.RANGE:
            yield from _range_problems(path, rule, kinds)
        case RuleKind.POSITIVE | RuleKind.NEGATIVE:
            if not rule.column:
                yield f"{path}.column", "a column is required"
            elif kinds[rule.column] != "numeric":
                yield f"{path}.column", f"{rule.column!r} is not a numeric column"
        case RuleKind.FIXED_COMBINATIONS | RuleKind.ONE_HOT:
            if len(set(rule.columns)) < 2 or len(set(rule.columns)) != len(rule.columns):
                yield f"{path}.columns", "at least two different columns are required"
        case RuleKind.UNIQUE:
            if not rule.column:
                yield f"{path}.column", "a column is required"


def _columns_by_field(rule: Rule) -> Iterator[tuple[str, str]]:
    if rule.column:
        yield "column", rule.column
    for index, column in enumerate(rule.columns):
        yield f"columns[{index}]", column
    for field, bound in (("low", rule.low), ("high", rule.high)):
        if bound is not None and bound.column is not None:
            yield f"{field}.column", bound.column


def _inequality_problems(
    path: str, rule: Rule, kinds: Mapping[str, str]
) -> Iterator[tuple[str, str]]:
    for field, bound in (("low", rule.low), ("high", rule.high)):
        if bound is None or bound.column is None:
            yield f"{path}.{field}", "an inequality compares two columns: give low.column"
    if rule.low is None or rule.high is None or not rule.low.column or not rule.high.column:
        return
    if rule.low.column == rule.high.column:
        yield f"{path}.high", "compares a column with itself"
    kind_low, kind_high = kinds[rule.low.column], kinds[rule.high.column]
    if kind_low not in ("numeric", "datetime") or kind_low != kind_high:
        yield f"{path}.high", "both columns must be numeric, or both datetimes"


def _range_problems(path: str, rule: Rule, kinds: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    if not rule.column:
        yield f"{path}.column", "a column is required"
        return
    kind = kinds[rule.column]
    if kind not in ("numeric", "datetime"):
        yield f"{path}.column", f"{rule.column!r} is neither numeric nor a datetime"
        return
    if rule.low is None and rule.high is None:
        yield f"{path}.low", "a range needs low, high or both"
    for field, bound in (("low", rule.low), ("high", rule.high)):
        if bound is not None:
            yield from _bound_problems(f"{path}.{field}", bound, kind, kinds)
    low = rule.low.value() if rule.low and _fixed_ok(rule.low, kind) else None
    high = rule.high.value() if rule.high and _fixed_ok(rule.high, kind) else None
    if low is not None and high is not None and (low > high or (low == high and rule.strict)):
        yield f"{path}.high", "is below low: no value fits"


def _bound_problems(
    path: str, bound: Bound, kind: str, kinds: Mapping[str, str]
) -> Iterator[tuple[str, str]]:
    given = [v for v in (bound.column, bound.number, bound.datetime) if v is not None]
    if len(given) != 1:
        yield path, "give exactly one of column, number, datetime"
    elif bound.column is not None and kinds[bound.column] != kind:
        yield f"{path}.column", f"{bound.column!r} is not of the same kind ({kind})"
    elif bound.number is not None and (kind != "numeric" or not math.isfinite(bound.number)):
        yield f"{path}.number", "a finite number bounds a numeric column only"
    elif bound.datetime is not None and kind != "datetime":
        yield f"{path}.datetime", "a datetime bounds a datetime column only"
    elif bound.datetime is not None and not _is_datetime(bound.datetime):
        yield f"{path}.datetime", f"{bound.datetime!r} is not an ISO 8601 datetime"


def _fixed_ok(bound: Bound, kind: str) -> bool:
    if bound.number is not None:
        return kind == "numeric" and math.isfinite(bound.number) and bound.datetime is None
    return bound.datetime is not None and kind == "datetime" and _is_datetime(bound.datetime)


def _is_datetime(text: str) -> bool:
    try:
        parse_datetime(text)
    except ValueError:
        return False
    return True


def fixed_interval(rule: Rule) -> tuple[str, Interval] | None:
    """The column and the fixed interval a range/positive/negative rule allows."""
    strict = rule.strict
    if rule.kind is RuleKind.POSITIVE:
        return rule.column, Interval(0.0, math.inf, strict, False)
    if rule.kind is RuleKind.NEGATIVE:
        return rule.column, Interval(-math.inf, 0.0, False, strict)
    if rule.kind is RuleKind.RANGE:
        low = rule.low.value() if rule.low else None
        high = rule.high.value() if rule.high else None
        if low is not None or high is not None:
            return rule.column, Interval(
                -math.inf if low is None else low,
                math.inf if high is None else high,
                strict and low is not None,
                strict and high is not None,
            )
    return None


class Interval(NamedTuple):
    low: float
    high: float
    low_open: bool
    high_open: bool

    def meet(self, other: Interval) -> Interval:
        low = max(self.low, other.low)
        high = min(self.high, other.high)
        low_open = (self.low == low and self.low_open) or (other.low == low and other.low_open)
        high_open = (self.high == high and self.high_open) or (
            other.high == high and other.high_open
        )
        return Interval(low, high, low_open, high_open)

    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and (self.low_open or self.high_open))


def _contradictions(rules: list[Rule]) -> Iterator[tuple[str, str]]:
    """Rules that no row can obey together: fixed intervals of one column that do not meet,
    and two columns each required below the other."""
    intervals: dict[str, tuple[Interval, int]] = {}
    for index, rule in enumerate(rules):
        found = fixed_interval(rule)
        if found is None:
            continue
        column, interval = found
        if column in intervals:
            known, first = intervals[column]
            interval = known.meet(interval)
            if interval.empty():
                yield (
                    f"rules[{index}]",
                    f"contradicts rules[{first}]: no value of {column!r} obeys both",
                )
                continue
        intervals[column] = (interval, intervals[column][1] if column in intervals else index)
    pairs: dict[tuple[str, str], tuple[int, bool]] = {}
    for index, rule in enumerate(rules):
        if rule.kind is RuleKind.INEQUALITY and rule.low and rule.high:
            low, high = str(rule.low.column), str(rule.high.column)
            other = pairs.get((high, low))
            if other is not None and (other[1] or rule.strict):
                yield (
                    f"rules[{index}]",
                    f"contradicts rules[{other[0]}]: "
                    f"{low} and {high} cannot each be below the other",
                )
            pairs[(low, high)] = (index, rule.strict)
