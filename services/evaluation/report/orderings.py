"""Orders between columns that every real row keeps (an order is placed before it is
delivered, a day's low is below its high) and the synthetic rows that break them.

The column and pair scores hardly move when a third of the orders are delivered before they
were placed, or when one day in a hundred is colder at its warmest than at its coldest, yet a
user sees it in the first rows. Models trained since these are found
(`common.contracts.orderings`) keep the numerical and date orders of their training rows
(`services/training/engines/orders.py`); declared as an INEQUALITY rule, any order is kept
by every engine's generation. The report lists them all, with the rows that break each.

How an order is found (beyond chance for numbers, bounded for wide tables): see
`common.contracts.orderings`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.orderings import MAX_PAIRS, comparable_times, kept_orders
from common.contracts.rules import Rule, RuleKind
from services.evaluation.report.models import OrderingCheck

__all__ = ["MAX_PAIRS", "ordering_checks"]


def ordering_checks(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[OrderingCheck]:
    """Every pair of date columns, and of numerical columns, whose order all real rows keep
    (see `common.contracts.orderings`), with the synthetic rows out of that order, unless a
    declared rule already bounds one column by the other."""
    specs = metadata.get("columns") or {}
    declared = _bounded_pairs(metadata)
    present = frozenset(synthetic.columns)
    checks = []
    for order in kept_orders(train, specs, only=present):
        if frozenset((order.low, order.high)) in declared:
            continue
        values = comparable_times if order.kind == "datetime" else _numbers
        out_of_order = values(synthetic[order.low]) > values(synthetic[order.high])
        checks.append(
            OrderingCheck(
                low=order.low,
                high=order.high,
                description=f"{order.low} ≤ {order.high}",
                violation_count=int(out_of_order.sum()),  # False where a value is missing
                real_rows=order.real_rows,
            )
        )
    return checks


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _bounded_pairs(metadata: Mapping[str, Any]) -> set[frozenset[str]]:
    pairs = set()
    for raw in metadata.get("rules") or []:
        rule = Rule.model_validate(raw)
        if rule.kind in (RuleKind.INEQUALITY, RuleKind.RANGE):
            columns = [rule.column] if rule.column else []
            columns += [b.column for b in (rule.low, rule.high) if b is not None and b.column]
            pairs.update(frozenset(p) for p in itertools.combinations(set(columns), 2))
    return pairs
