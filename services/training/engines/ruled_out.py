"""Conditions that only combinations the training rows rule out meet
(`common.contracts.combinations`): refused when the request comes, as conditions no source
value meets are (`mapped_conditions`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from common.contracts.combinations import ImpossibleCombinations
from services.training.engines.base import InvalidConditionError
from services.training.engines.obeying import ONE_OF


def refuse_ruled_out(
    combinations: Iterable[ImpossibleCombinations], fixed: Mapping[str, Any]
) -> None:
    """Refuse now conditions on both columns of a combination the training rows rule out
    (`common.contracts.combinations`) that only ruled-out combinations meet: every row drawn
    would break either the condition or the rule (`{"day": "Sat", "time": "Lunch"}`)."""
    for combination in combinations:
        first, second = (_condition_values(fixed.get(name)) for name in combination.columns)
        if not first or not second:
            continue
        pairs = pd.MultiIndex.from_product([first, second], names=combination.columns).to_frame(
            index=False
        )
        if combination.broken(pairs).all():
            given = " and ".join(f"{name} {fixed[name]!r}" for name in combination.columns)
            raise InvalidConditionError(
                combination.second,
                f"{given} never occur together in the training rows "
                f"(ruled out: {'; '.join(combination.named())})",
            )


def _condition_values(condition: Any) -> list[Any]:
    """The values a condition allows; none for no condition or a range (a range is on a
    number column, which a combination is not made of)."""
    if condition is None:
        return []
    if isinstance(condition, Mapping):
        return list(condition.get(ONE_OF, ()))
    return [condition]
