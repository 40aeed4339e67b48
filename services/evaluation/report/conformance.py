"""Schema conformance for template batches (fake data generated with no real data).

The schema summary is a plain dict, one entry per table, one spec per column::

    {"tables": {
        "users": {
            "columns": {
                "id":     {"type": "integer", "unique": True, "nullable": False},
                "email":  {"type": "string", "regex": "[^@]+@[^@]+"},
                "age":    {"type": "integer", "min": 18, "max": 99, "max_null_rate": 0.1},
                "plan":   {"type": "category", "categories": ["free", "pro"]},
                "signup": {"type": "datetime", "min": "2020-01-01"},
            },
            "foreign_keys": [],
        },
        "orders": {
            "columns": {"user_id": {"type": "integer"}},
            "foreign_keys": [{"column": "user_id", "references": {"table": "users",
                                                                  "column": "id"}}],
        },
    }}

Types: integer, float, string, boolean, datetime, category. Every key but "type" is
optional. Each check gives the share of values that conform: type (present values that
parse as the type), nulls ("nullable": False makes every missing value non-conforming;
"max_null_rate" makes only missing values beyond that rate non-conforming), unique (repeats
beyond the first), min / max and regex and categories (present values of the right type),
and each foreign key (present values found in the referenced column). The score is the mean
share over all checks; `passed` is true where every check is fully conforming.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from services.evaluation.report.errors import ReportError
from services.evaluation.report.models import Score

TYPES = ("integer", "float", "string", "boolean", "datetime", "category")
_BOOLEAN_WORDS = {"true", "false", "1", "0", "yes", "no", "t", "f", "y", "n"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConformanceCheck(_Model):
    check: str
    conforming_share: Score
    passed: bool


class FieldConformance(_Model):
    column: str
    checks: list[ConformanceCheck]


class ForeignKeyConformance(_Model):
    column: str
    references_table: str
    references_column: str
    conforming_share: Score
    passed: bool


class TableConformance(_Model):
    table: str
    rows: int
    fields: list[FieldConformance]
    foreign_keys: list[ForeignKeyConformance]


class ConformanceReport(_Model):
    score: Score
    passed: bool
    tables: list[TableConformance]


def schema_conformance(
    tables: Mapping[str, pd.DataFrame], schema_summary: Mapping[str, Any]
) -> ConformanceReport:
    """Check generated tables against their schema; raises ReportError for a bad schema."""
    specs = schema_summary.get("tables")
    if not isinstance(specs, Mapping) or not specs:
        raise ReportError("schema summary needs a non-empty 'tables' mapping", field="schema")
    results = []
    for name, spec in specs.items():
        if name not in tables:
            raise ReportError(f"no generated table {name!r}", field="tables")
        results.append(_table_conformance(name, tables[name], spec, tables))
    shares = [
        share
        for table in results
        for share in [
            *(check.conforming_share for field in table.fields for check in field.checks),
            *(key.conforming_share for key in table.foreign_keys),
        ]
        if share is not None
    ]
    passed = all(
        check.passed for table in results for field in table.fields for check in field.checks
    ) and all(key.passed for table in results for key in table.foreign_keys)
    return ConformanceReport(
        score=float(np.mean(shares)) if shares else None, passed=passed, tables=results
    )


def _table_conformance(
    name: str,
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
) -> TableConformance:
    columns = spec.get("columns") or {}
    fields = [
        FieldConformance(column=column, checks=field_checks(frame, column, column_spec))
        for column, column_spec in columns.items()
    ]
    keys = [_foreign_key(name, frame, key, tables) for key in spec.get("foreign_keys") or []]
    return TableConformance(table=name, rows=len(frame), fields=fields, foreign_keys=keys)


def field_checks(
    frame: pd.DataFrame, column: str, spec: Mapping[str, Any]
) -> list[ConformanceCheck]:
    """Every check the column spec asks for, each as a share of conforming values."""
    kind = spec.get("type")
    if kind not in TYPES:
        raise ReportError(f"column {column!r}: type must be one of {TYPES}", field="schema")
    if column not in frame.columns:
        return [ConformanceCheck(check="present", conforming_share=0.0, passed=False)]
    values = frame[column]
    present = values.dropna()
    parsed, valid = _parse(present, kind)
    checks = [_check("type", valid.mean() if len(present) else 1.0)]
    checks.append(_null_check(values, spec))
    if spec.get("unique"):
        checks.append(_check("unique", 1.0 - present.duplicated().mean() if len(present) else 1.0))
    typed = parsed[valid]
    if "min" in spec:
        checks.append(_bound_check("min", typed, _parse_bound(spec["min"], kind), kind))
    if "max" in spec:
        checks.append(_bound_check("max", typed, _parse_bound(spec["max"], kind), kind))
    if "regex" in spec:
        matches = present.astype(str).str.fullmatch(spec["regex"])
        checks.append(_check("regex", matches.mean() if len(present) else 1.0))
    if "categories" in spec:
        allowed = {str(category) for category in spec["categories"]}
        checks.append(_check("categories", present.astype(str).isin(allowed).mean()))
    return checks


def _check(name: str, share: float, passed: bool | None = None) -> ConformanceCheck:
    share = float(share) if pd.notna(share) else 1.0
    return ConformanceCheck(
        check=name, conforming_share=share, passed=share >= 1.0 if passed is None else passed
    )


def _null_check(values: pd.Series, spec: Mapping[str, Any]) -> ConformanceCheck:
    null_rate = float(values.isna().mean()) if len(values) else 0.0
    if spec.get("nullable", True) is False:
        return _check("nulls", 1.0 - null_rate)
    limit = float(spec.get("max_null_rate", 1.0))
    return _check("nulls", 1.0 - max(0.0, null_rate - limit), passed=null_rate <= limit)


def _parse(present: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Present values as the type (for bounds) and whether each one is of the type."""
    if kind in ("integer", "float"):
        numbers = pd.to_numeric(present, errors="coerce")
        valid = numbers.notna()
        if kind == "integer":
            valid &= np.isclose(numbers.fillna(0) % 1, 0) | np.isclose(numbers.fillna(0) % 1, 1)
        return numbers, valid
    if kind == "datetime":
        stamps = pd.to_datetime(present, errors="coerce", format="mixed")
        return stamps, stamps.notna()
    if kind == "boolean":
        is_bool = present.map(lambda v: isinstance(v, bool | np.bool_))
        words = present.astype(str).str.lower().isin(_BOOLEAN_WORDS)
        return present, is_bool | words
    return present.astype(str), pd.Series(True, index=present.index)


def _parse_bound(bound: Any, kind: str) -> Any:
    return pd.Timestamp(bound) if kind == "datetime" else bound


def _bound_check(name: str, typed: pd.Series, bound: Any, kind: str) -> ConformanceCheck:
    if kind in ("integer", "float"):
        bound = float(bound)
    within = typed >= bound if name == "min" else typed <= bound
    return _check(name, within.mean() if len(typed) else 1.0)


def _foreign_key(
    table: str, frame: pd.DataFrame, key: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> ForeignKeyConformance:
    column, references = key.get("column"), key.get("references") or {}
    parent_name, parent_column = references.get("table"), references.get("column")
    parent = tables.get(parent_name)
    if column not in frame.columns or parent is None or parent_column not in parent.columns:
        raise ReportError(
            f"table {table!r}: foreign key {column!r} -> {parent_name}.{parent_column} "
            "names a missing table or column",
            field="schema",
        )
    children = frame[column].dropna()
    share = children.isin(parent[parent_column].dropna()).mean() if len(children) else 1.0
    return ForeignKeyConformance(
        column=column,
        references_table=parent_name,
        references_column=parent_column,
        conforming_share=float(share),
        passed=float(share) >= 1.0,
    )
