"""Orders between date columns that every real row keeps (an order is placed before it is
delivered) and the synthetic rows that break them.

The column and pair scores hardly move when a third of the orders are delivered before they
were placed, yet a user sees it in the first rows. Declared as an INEQUALITY rule, such an
order is kept by every engine's generation; until then the report lists it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.contracts.rules import Rule, RuleKind
from services.evaluation.report.models import OrderingCheck

# Fewer real rows with both dates than this say little about an order.
MIN_REAL_ROWS = 20


def ordering_checks(
    train: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any]
) -> list[OrderingCheck]:
    """Every pair of date columns whose order all real rows keep (not merely equal dates),
    with the synthetic rows out of that order, unless a declared rule already bounds one
    column by the other."""
    specs = metadata.get("columns") or {}
    names = [
        n
        for n, spec in specs.items()
        if spec.get("sdtype") == "datetime" and n in train.columns and n in synthetic.columns
    ]
    real = {n: _stamps(train[n]) for n in names}
    fake = {n: _stamps(synthetic[n]) for n in names}
    declared = _bounded_pairs(metadata)
    checks = []
    for low, high in itertools.permutations(names, 2):
        both = real[low].notna() & real[high].notna()
        if int(both.sum()) < MIN_REAL_ROWS or frozenset((low, high)) in declared:
            continue
        first, then = real[low][both], real[high][both]
        if not (first <= then).all() or (first == then).all():
            continue
        out_of_order = fake[low] > fake[high]  # False where either date is missing
        checks.append(
            OrderingCheck(
                low=low,
                high=high,
                description=f"{low} ≤ {high}",
                violation_count=int(out_of_order.sum()),
                real_rows=int(both.sum()),
            )
        )
    return checks


def _stamps(values: pd.Series) -> pd.Series:
    """Times comparable across columns (naive ones read as UTC, as rules read them)."""
    return pd.to_datetime(values, errors="coerce", utc=True)


def _bounded_pairs(metadata: Mapping[str, Any]) -> set[frozenset[str]]:
    pairs = set()
    for raw in metadata.get("rules") or []:
        rule = Rule.model_validate(raw)
        if rule.kind in (RuleKind.INEQUALITY, RuleKind.RANGE):
            columns = [rule.column] if rule.column else []
            columns += [b.column for b in (rule.low, rule.high) if b is not None and b.column]
            pairs.update(frozenset(p) for p in itertools.combinations(set(columns), 2))
    return pairs
