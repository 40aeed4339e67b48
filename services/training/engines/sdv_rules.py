"""A dataset's rules as SDV 2.x constraints (``sdv.cag``), learned with the model.

Given to the synthesizer before it fits: inequalities (``Inequality``), ranges between two
columns (``Range``), fixed combinations (``FixedCombinations``) and one-hot groups
(``OneHotEncoding``). SDV transforms the data so that the model cannot break them (or, when
a column's sdtype does not allow it, samples by rejection itself). Fixed bounds, signs and
unique columns have no SDV constraint here; ``obeying`` applies those (and checks all).
Only rules the real rows obey are given: SDV refuses to fit data that breaks a constraint.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sdv.cag import FixedCombinations, Inequality, OneHotEncoding, Range
from sdv.cag._errors import ConstraintNotMetError
from sdv.cag.base import BaseConstraint
from sdv.metadata import Metadata
from sdv.single_table.base import BaseSingleTableSynthesizer

from common.contracts.rules import Rule, RuleKind

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)


def categorical_combinations(
    metadata: Metadata, table: str, rules: Iterable[Mapping[str, Any]]
) -> None:
    """Numeric columns of a fixed combination become categorical for SDV (a code such as
    education-num): ``FixedCombinations`` takes categories only, and the combinations are
    few (the datasets service allows at most 10,000)."""
    columns = metadata.tables[table].columns
    for data in rules:
        rule = Rule.model_validate(data)
        if rule.kind is RuleKind.FIXED_COMBINATIONS and not rule.real_violation_count:
            for name in rule.columns:
                if columns.get(name, {}).get("sdtype") == "numerical":
                    metadata.update_column(name, table, sdtype="categorical")


def add_rules(
    synthesizer: BaseSingleTableSynthesizer,
    rules: Iterable[Mapping[str, Any]],
    columns: Iterable[str],
) -> None:
    """Gives the synthesizer the rules it can learn; those SDV refuses for the columns'
    sdtypes (a fixed combination of numbers) are left to ``obeying``."""
    for constraint in sdv_constraints(rules, columns):
        try:
            synthesizer.add_constraints([constraint])
        except ConstraintNotMetError as exc:
            log.info("rule left to rejection after sampling: %s", exc)


def sdv_constraints(
    rules: Iterable[Mapping[str, Any]], columns: Iterable[str]
) -> list[BaseConstraint]:
    known = set(columns)
    constraints = []
    for data in rules:
        rule = Rule.model_validate(data)
        if rule.real_violation_count or not set(rule.named_columns()) <= known:
            continue
        constraint = _constraint(rule)
        if constraint is not None:
            constraints.append(constraint)
    return constraints


def _constraint(rule: Rule) -> BaseConstraint | None:
    low = rule.low.column if rule.low else None
    high = rule.high.column if rule.high else None
    match rule.kind:
        case RuleKind.INEQUALITY if low and high:
            return Inequality(low, high, strict_boundaries=rule.strict)
        case RuleKind.RANGE if low and high:
            return Range(low, rule.column, high, strict_boundaries=rule.strict)
        case RuleKind.FIXED_COMBINATIONS:
            return FixedCombinations(list(rule.columns))
        case RuleKind.ONE_HOT:
            return OneHotEncoding(list(rule.columns))
    return None
