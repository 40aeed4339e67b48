"""The real rows a conditioned batch is compared with.

A batch generated with conditions (``{"Temp": 20}``, ``{"sex": ["Female"]}``, a range
``{"age": {"gte": 30}}``) is meant to look like the real rows that meet them, not like the
whole table: its quality, fidelity and charts compare it with those real training rows where
at least ``MIN_REAL_ROWS`` meet them, and say so; with fewer, they compare with the whole table
and the report says that its scores are no quality measure for the batch. The conditioned
columns are left out of the shape and pair scores either way (one value, or the values asked
for, says nothing about the model). Privacy always compares with the whole training split.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from common.protos import whole_numbers
from services.evaluation.report.models import ConditionedComparison

# Fewer real rows than this meeting the conditions say too little to score the batch against.
MIN_REAL_ROWS = 30
# The conditions as the note quotes them, at most (`conditions` holds them whole).
MAX_NOTE_CONDITIONS = 300
# Range operators of a condition, as training validates them.
_OPERATORS = {"gt": "gt", "gte": "ge", "lt": "lt", "lte": "le"}


def matching_rows(frame: pd.DataFrame, conditions: Mapping[str, Any]) -> np.ndarray:
    """Whether each row of ``frame`` meets every condition (a column it lacks: none does)."""
    mask = np.ones(len(frame), dtype=bool)
    for column, condition in conditions.items():
        if column not in frame.columns:
            return np.zeros(len(frame), dtype=bool)
        mask &= _meets(frame[column], condition)
    return mask


def compare(
    conditions: Mapping[str, Any], train: pd.DataFrame
) -> tuple[ConditionedComparison, np.ndarray | None]:
    """What the report says about the conditions, and the training rows to compare with
    (None: the whole table)."""
    conditions = {column: whole_numbers(value) for column, value in conditions.items()}
    mask = matching_rows(train, conditions)
    meeting = int(mask.sum())
    matched = meeting >= MIN_REAL_ROWS
    columns = [column for column in conditions if column in train.columns]
    asked = json.dumps(dict(conditions), default=str, ensure_ascii=False)
    if len(asked) > MAX_NOTE_CONDITIONS:  # 50 columns of 1,000 values would bury the note
        asked = asked[: MAX_NOTE_CONDITIONS - 1] + "…"
    if matched:
        note = (
            f"generated with the conditions {asked}: quality, fidelity and charts compare it "
            f"with the {meeting:,} real training rows that meet them (of {len(train):,}); "
            "privacy compares with the whole training split"
        )
    else:
        note = (
            f"generated with the conditions {asked}: only {meeting:,} real training rows meet "
            f"them (fewer than {MIN_REAL_ROWS}), so quality, fidelity and charts compare it with "
            f"the whole table ({len(train):,} rows) and are no quality measure for this batch"
        )
    if columns:
        note += f"; the conditioned columns ({', '.join(columns)}) are left out of the scores"
    comparison = ConditionedComparison(
        conditions=dict(conditions),
        matching_real_rows=meeting,
        min_real_rows=MIN_REAL_ROWS,
        compared_with="matching" if matched else "whole",
        real_rows=meeting if matched else len(train),
        conditioned_columns=columns,
        note=note,
    )
    return comparison, mask if matched else None


def _meets(series: pd.Series, condition: Any) -> np.ndarray:
    if isinstance(condition, Mapping):
        if "in" in condition:
            return _one_of(series, condition["in"])
        values = _comparable(series)
        mask = pd.Series(True, index=series.index)
        for name, bound in condition.items():
            operator = _OPERATORS.get(name)
            if operator is None:
                return np.zeros(len(series), dtype=bool)
            mask &= getattr(values, operator)(_comparable_value(series, bound)).fillna(False)
        return mask.to_numpy(dtype=bool)
    return _one_of(series, condition if isinstance(condition, list) else [condition])


def _one_of(series: pd.Series, values: list[Any]) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.isin([bool(v) for v in values]).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        wanted = [_comparable_value(series, v) for v in values]
        return _comparable(series).isin(wanted).to_numpy(dtype=bool)
    labels = {_label(v) for v in values}
    return series.map(_label, na_action="ignore").isin(labels).to_numpy(dtype=bool)


def _comparable(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.tz_localize(None) if series.dt.tz is not None else series
    return pd.to_numeric(series, errors="coerce")


def _comparable_value(series: pd.Series, value: Any) -> Any:
    try:
        if pd.api.types.is_datetime64_any_dtype(series):
            moment = pd.Timestamp(value)
            return moment.tz_localize(None) if moment.tzinfo is not None else moment
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _label(value: Any) -> str:
    """A category as text; 20.0 (a JSON number) and 20 read the same."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
