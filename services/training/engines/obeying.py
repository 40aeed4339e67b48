"""Rows that obey a dataset's rules and a generate request's range conditions, for every
engine: each chunk is drawn, checked, and what breaks a rule is drawn again, in at most
``MAX_ROUNDS`` rounds of at most ``MAX_DRAW_FACTOR`` times the missing rows. A chunk never
comes back short: when the rounds run out, generation fails naming the rule that rejected
the most rows (contradictory rules, or a rule the model hardly ever meets).

SDV engines also learn the rules at training (``sdv_engines``), so their rows rarely need a
second round; this check runs for them too, and counts the same way as the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.rule_checks import numbers as column_numbers
from common.contracts.rule_checks import value_keys, violations
from common.contracts.rules import Rule, RuleKind, parse_datetime
from services.training.engines.base import EngineError

MAX_ROUNDS = 20
MAX_DRAW_FACTOR = 20
# Range conditions: their operators, and the key of a list of allowed values.
RANGE_OPERATORS = ("gt", "gte", "lt", "lte")
ONE_OF = "in"
# A range's key saying a missing value passes it (the bounds of a total with gaps).
OR_MISSING = "or_missing"


class RulesUnsatisfiableError(EngineError):
    fields = ("rule", "message")

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        self.message = message
        super().__init__(f"the rule {rule!r} cannot be met: {message}")


class RowChecks:
    """The rules and range conditions a run's rows must obey; remembers the values of
    ``unique`` columns kept so far (in earlier chunks too)."""

    def __init__(self, rules: Sequence[Rule], ranges: Mapping[str, Mapping[str, Any]]) -> None:
        self.rules = list(rules)
        self.ranges = dict(ranges)
        self.names = [r.describe() for r in self.rules]
        self.names += [f"condition on {column}" for column in self.ranges]
        self._seen: dict[int, set[Any]] = {
            i: set() for i, r in enumerate(self.rules) if r.kind is RuleKind.UNIQUE
        }

    def __bool__(self) -> bool:
        return bool(self.rules or self.ranges)

    def masks(self, rows: pd.DataFrame) -> list[np.ndarray]:
        """Per rule, then per range condition: True where a row breaks it."""
        broken = [violations(rows, r, self._seen.get(i)) for i, r in enumerate(self.rules)]
        return broken + [outside(rows[c], spec) for c, spec in self.ranges.items()]

    def keep(self, rows: pd.DataFrame) -> None:
        for index, seen in self._seen.items():
            seen.update(k for k in value_keys(rows[self.rules[index].column]) if k is not None)


def obeying(draw: Callable[[int, int], pd.DataFrame], size: int, checks: RowChecks) -> pd.DataFrame:
    """``size`` rows that pass ``checks``; ``draw(count, round)`` samples ``count`` rows (round
    0 asks exactly ``size``, so a run whose rows all pass is the run without checks)."""
    if not checks:
        return draw(size, 0)
    kept: list[pd.DataFrame] = []
    have = drawn = passed = 0
    rejected = np.zeros(len(checks.names), dtype=np.int64)
    for round_ in range(MAX_ROUNDS):
        missing = size - have
        share = passed / drawn if drawn else 1.0
        ask = min(math.ceil(missing * 1.2 / max(share, 1e-9)), missing * MAX_DRAW_FACTOR)
        rows = draw(missing if round_ == 0 else ask, round_)
        masks = checks.masks(rows)
        bad = np.logical_or.reduce(masks)
        rejected += [int(m.sum()) for m in masks]
        good = rows[~bad].head(missing)
        checks.keep(good)
        kept.append(good)
        have, drawn, passed = have + len(good), drawn + len(rows), passed + int((~bad).sum())
        if have >= size:
            return pd.concat(kept, ignore_index=True)
    worst = int(np.argmax(rejected))
    raise RulesUnsatisfiableError(
        checks.names[worst],
        f"only {have:,} of {size:,} rows obeyed every rule after drawing {drawn:,} "
        f"({rejected[worst]:,} broke this one)",
    )


def outside(values: pd.Series, spec: Mapping[str, Any]) -> np.ndarray:
    """Where a value misses a condition's list (`in`) or range."""
    if ONE_OF in spec:
        allowed = set(value_keys(pd.Series(spec[ONE_OF], dtype=object)))
        return np.array([k not in allowed for k in value_keys(values)], dtype=bool)
    numbers = column_numbers(values)
    outside = np.zeros(len(numbers), dtype=bool) if spec.get(OR_MISSING) else np.isnan(numbers)
    with np.errstate(invalid="ignore"):
        for operator, bound in spec.items():
            if operator == OR_MISSING:
                continue
            limit = bound_number(bound)
            outside |= {
                "gt": numbers <= limit,
                "gte": numbers < limit,
                "lt": numbers >= limit,
                "lte": numbers > limit,
            }[operator]
    return outside


def bound_number(bound: Any) -> float:
    """A range condition's bound as a number (an ISO datetime in seconds since 1970)."""
    if isinstance(bound, str):
        return parse_datetime(bound).timestamp()
    return float(bound)
