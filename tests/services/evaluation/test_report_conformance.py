"""Schema conformance of template batches: each check is a share of conforming values."""

from __future__ import annotations

import pandas as pd
import pytest

from services.evaluation.report import ReportError, schema_conformance

SCHEMA = {
    "tables": {
        "users": {
            "columns": {
                "id": {"type": "integer", "unique": True, "nullable": False},
                "email": {"type": "string", "regex": r"[^@\s]+@[^@\s]+\.[a-z]+"},
                "age": {"type": "integer", "min": 18, "max": 99, "max_null_rate": 0.1},
                "plan": {"type": "category", "categories": ["free", "pro"]},
                "signup": {"type": "datetime", "min": "2020-01-01", "max": "2025-12-31"},
                "active": {"type": "boolean"},
            }
        },
        "orders": {
            "columns": {"id": {"type": "integer", "unique": True}, "user_id": {"type": "integer"}},
            "foreign_keys": [
                {"column": "user_id", "references": {"table": "users", "column": "id"}}
            ],
        },
    }
}


def _users(n: int = 10) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": range(1, n + 1),
            "email": [f"user{i}@example.com" for i in range(n)],
            "age": [20 + i for i in range(n)],
            "plan": ["free", "pro"] * (n // 2),
            "signup": pd.date_range("2021-01-01", periods=n, freq="D"),
            "active": [True, False] * (n // 2),
        }
    )


def _orders(user_ids: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"id": range(len(user_ids)), "user_id": user_ids})


def _shares(report, table: str) -> dict[tuple[str, str], float]:
    found = next(t for t in report.tables if t.table == table)
    return {(f.column, c.check): c.conforming_share for f in found.fields for c in f.checks}


def test_conforming_tables_pass():
    report = schema_conformance({"users": _users(), "orders": _orders([1, 2, 3, 3])}, SCHEMA)
    assert report.passed
    assert report.score == 1.0
    assert all(share == 1.0 for share in _shares(report, "users").values())


def test_each_violation_lowers_its_own_check():
    users = _users().astype({"active": object})
    users.loc[0, "email"] = "not-an-email"
    users.loc[1, "id"] = 1  # a repeat of the first id
    users.loc[2, "age"] = 150
    users.loc[[3, 4], "age"] = None  # 20% missing where 10% are allowed
    users.loc[5, "plan"] = "enterprise"
    users.loc[6, "signup"] = pd.Timestamp("2019-06-01")
    users.loc[7, "active"] = "maybe"
    report = schema_conformance({"users": users, "orders": _orders([1, 3, 99, 98, 5])}, SCHEMA)
    shares = _shares(report, "users")
    assert shares[("email", "regex")] == pytest.approx(0.9)
    assert shares[("id", "unique")] == pytest.approx(0.9)
    assert shares[("age", "max")] == pytest.approx(7 / 8)
    assert shares[("age", "min")] == 1.0
    assert shares[("age", "nulls")] == pytest.approx(0.9)
    assert shares[("plan", "categories")] == pytest.approx(0.9)
    assert shares[("signup", "min")] == pytest.approx(0.9)
    assert shares[("active", "type")] == pytest.approx(0.9)
    (key,) = next(t for t in report.tables if t.table == "orders").foreign_keys
    assert key.conforming_share == pytest.approx(3 / 5) and not key.passed
    assert not report.passed
    assert 0.8 < report.score < 1.0


def test_wrong_types_and_missing_columns_are_counted():
    users = _users().drop(columns=["plan"]).astype({"age": object})
    users.loc[0, "age"] = "old"
    users.loc[1, "age"] = 30.5
    report = schema_conformance({"users": users, "orders": _orders([1])}, SCHEMA)
    shares = _shares(report, "users")
    assert shares[("age", "type")] == pytest.approx(0.8)
    assert shares[("plan", "present")] == 0.0


def test_non_nullable_columns_count_every_missing_value():
    users = _users()
    users["id"] = users["id"].astype("Int64")
    users.loc[[0, 1, 2], "id"] = pd.NA
    shares = _shares(schema_conformance({"users": users, "orders": _orders([4])}, SCHEMA), "users")
    assert shares[("id", "nulls")] == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("schema", "tables"),
    [
        ({"tables": {}}, {}),
        ({"tables": {"users": {"columns": {"id": {"type": "uuid4"}}}}}, {"users": _users()}),
        ({"tables": {"ghost": {"columns": {}}}}, {"users": _users()}),
        (
            {
                "tables": {
                    "users": {
                        "columns": {},
                        "foreign_keys": [
                            {"column": "id", "references": {"table": "nowhere", "column": "id"}}
                        ],
                    }
                }
            },
            {"users": _users()},
        ),
    ],
)
def test_bad_schemas_are_clear_errors(schema, tables):
    with pytest.raises(ReportError):
        schema_conformance(tables, schema)
