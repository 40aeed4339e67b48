"""Bad input: a clear error that points at the field, raised by plan() before any generation."""

from __future__ import annotations

import pytest

from services.training.templates import SchemaError, plan
from services.training.templates.expressions import compile_expression


def _field(**spec) -> dict:
    return {
        "tables": [{"name": "t", "fields": [{"name": "a", "type": "int"}, {"name": "f", **spec}]}]
    }


def _errors(spec, count: int = 100, **kwargs) -> dict[str, str]:
    with pytest.raises(SchemaError) as info:
        plan(spec, count=count, **kwargs)
    assert str(info.value)
    return dict(info.value.errors)


@pytest.mark.parametrize(
    ("spec", "path", "message"),
    [
        (_field(type="banana"), "tables[0].fields[1].type", "unknown type 'banana'"),
        (_field(type="int", distribution="zipfish"), "tables[0].fields[1].distribution", "unknown"),
        (
            _field(type="bool", distribution="normal"),
            "tables[0].fields[1].distribution",
            "does not apply",
        ),
        (
            _field(type="int", min=10, max=5),
            "tables[0].fields[1].max",
            "min (10) is greater than max (5)",
        ),
        (
            _field(type="date", min="2020-01-01", max="2019-01-01"),
            "tables[0].fields[1].max",
            "greater",
        ),
        (_field(type="date", min="yesterday-ish"), "tables[0].fields[1].min", "not an ISO date"),
        (
            _field(type="category", categories=["a", "b"], unique=True),
            "tables[0].fields[1].unique",
            "100 unique values requested but only 2",
        ),
        (_field(type="int", min=1, max=50, unique=True), "tables[0].fields[1].unique", "only 50"),
        (_field(type="category"), "tables[0].fields[1].categories", "non-empty"),
        (
            _field(type="category", categories=["a"], weights=[1, 2]),
            "tables[0].fields[1].weights",
            "one entry per category",
        ),
        (_field(type="float", null_rate=1.5), "tables[0].fields[1].null_rate", "within [0, 1]"),
        (_field(type="string", regex="(unclosed"), "tables[0].fields[1].regex", "invalid regex"),
        (_field(type="string", regex=r"(a)\1"), "tables[0].fields[1].regex", "not supported"),
        (
            _field(type="int", derive="__import__('os').system('x')"),
            "tables[0].fields[1].derive",
            "unknown function",
        ),
        (
            _field(type="int", derive="a.real"),
            "tables[0].fields[1].derive",
            "Attribute is not allowed",
        ),
        (
            _field(type="int", derive="missing + 1"),
            "tables[0].fields[1].derive",
            "unknown field 'missing'",
        ),
        (_field(type="int", derive="a +"), "tables[0].fields[1].derive", "syntax error"),
        (_field(type="float", derive="a + 'text' * 2"), "tables[0].fields[1]", "cannot generate"),
        (_field(type="int", surprise=1), "tables[0].fields[1].surprise", "Extra inputs"),
    ],
)
def test_bad_field_points_at_the_field(spec, path, message):
    errors = _errors(spec)
    assert path in errors, errors
    assert message in errors[path]


def test_cyclic_derivations_are_rejected():
    schema = {
        "tables": [
            {
                "name": "t",
                "fields": [
                    {"name": "a", "type": "int", "derive": "c + 1"},
                    {"name": "b", "type": "int", "derive": "a + 1"},
                    {"name": "c", "type": "int", "derive": "b + 1"},
                ],
            }
        ]
    }
    errors = _errors(schema)
    assert errors["tables[0].fields[0].derive"] == "derivation cycle: a -> c -> b -> a"


def test_dangling_and_cyclic_foreign_keys_are_rejected():
    schema = {
        "tables": [
            {
                "name": "a",
                "fields": [
                    {"name": "id", "type": "int", "distribution": "sequence"},
                    {"name": "b_id", "type": "int", "foreign_key": {"table": "b", "field": "id"}},
                    {"name": "x", "type": "int", "foreign_key": {"table": "nope", "field": "id"}},
                    {"name": "y", "type": "int", "foreign_key": {"table": "b", "field": "nope"}},
                    {"name": "z", "type": "int", "foreign_key": {"table": "b", "field": "plain"}},
                ],
            },
            {
                "name": "b",
                "fields": [
                    {"name": "id", "type": "int", "distribution": "sequence"},
                    {"name": "plain", "type": "int"},
                    {"name": "a_id", "type": "int", "foreign_key": {"table": "a", "field": "id"}},
                ],
            },
        ]
    }
    errors = _errors(schema)
    assert "no table named 'nope'" in errors["tables[0].fields[2].foreign_key.table"]
    assert "has no field 'nope'" in errors["tables[0].fields[3].foreign_key.field"]
    assert "is not a key" in errors["tables[0].fields[4].foreign_key.field"]
    assert "foreign key cycle" in errors["tables[0].fields[1].foreign_key"]


@pytest.mark.parametrize("count", [0, -5, 10**12])
def test_count_zero_negative_or_over_the_limit(count):
    errors = _errors("user", count=count, max_rows=1_000_000)
    assert "count" in errors


def test_request_level_errors():
    errors = _errors("user", seed=-1, locale="xx_XX")
    assert "seed" in errors and "locale" in errors
    assert "unknown template 'nope'" in _errors("nope")["templateId"]
    bad = _errors("finance_transactions", options={"fraud_rate": 2, "colour": 1})
    assert "options.fraud_rate" in bad and "options.colour" in bad


def test_huge_schema_is_rejected_before_anything_else():
    fields = [{"name": f"f{i}", "type": "int"} for i in range(10_000)]
    errors = _errors({"tables": [{"name": "t", "fields": fields}]})
    assert errors == {"tables": "schema has 10000 fields; the limit is 1000"}


def test_invalid_json_and_names():
    assert "invalid JSON" in _errors('{"tables": [')["schema"]
    schema = {
        "tables": [
            {
                "name": "bad name",
                "fields": [
                    {"name": "x", "type": "int"},
                    {"name": "x", "type": "int"},
                ],
            }
        ]
    }
    errors = _errors(schema)
    assert "not a valid table name" in errors["tables[0].name"]
    assert "duplicate field name" in errors["tables[0].fields[1].name"]


def test_expressions_never_reach_eval():
    for source in ("open('x')", "(lambda: 1)()", "[x for x in a]", "a.__class__", "globals()"):
        with pytest.raises(ValueError):
            compile_expression(source)


def test_unique_needs_a_distribution_that_can_be_unique():
    errors = _errors(_field(type="int", distribution="normal", unique=True))
    assert "uniform or sequence" in errors["tables[0].fields[1].unique"]
    errors = _errors(_field(type="string", unique=True, max=40))
    assert "at most 13" in errors["tables[0].fields[1].max"]
