"""Orders every real row keeps between two columns come out kept: ISLR's College never
accepts more students than applied, nor enrols more than it accepted; a Seattle day's low
is never above its high.

Before, tabular_argn wrote 268 of 622 colleges accepting more than applied and
gaussian_copula 49; the report counted them, but every engine's rows had them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from services.evaluation.report.orderings import ordering_checks
from services.training.engines.artifact import read_manifest
from services.training.engines.orders import find_orders
from services.training.engines.trainset import stream_profile
from tests import adult
from tests.services.training.faithful_world import (
    FIXTURES,
    ingested,
    sample,
    train,
    unmended,
)

COLLEGE_ORDERS = {
    ("Accept", "Apps"),
    ("Enroll", "Apps"),
    ("Enroll", "Accept"),
    ("Enroll", "F.Undergrad"),
    ("Top10perc", "Top25perc"),
}


def _stored(artifact: Path) -> set[tuple[str, str]]:
    return {(o.low, o.high) for o in read_manifest(artifact).orders}


def _broken(rows: pd.DataFrame, low: str, high: str) -> int:
    return int((rows[low] > rows[high]).sum())


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_colleges_accept_at_most_who_applied(engine, work):
    college = ingested(FIXTURES / "college.csv", work)
    trained = train(college, engine, work)
    assert _stored(trained.artifact) >= COLLEGE_ORDERS
    raw = unmended(trained, 2_000)
    assert sum(_broken(raw, low, high) for low, high in COLLEGE_ORDERS) > 20  # as a user saw
    rows = pd.read_parquet(sample(trained, 2_000, work))
    real = college.frame
    for low, high in COLLEGE_ORDERS:
        assert _broken(rows, low, high) == 0, (low, high)
    for column in ("Apps", "Accept", "Enroll"):
        assert rows[column].dtype == "int64"
        assert real[column].min() <= rows[column].min() <= rows[column].max() <= real[column].max()
    checks = ordering_checks(real, rows, college.metadata)
    assert {(c.low, c.high) for c in checks} >= COLLEGE_ORDERS
    assert all(c.violation_count == 0 for c in checks)


def test_a_days_low_stays_below_its_high_and_conditions_hold(work):
    weather = ingested(FIXTURES / "seattle_weather.csv", work)
    trained = train(weather, "gaussian_copula", work)
    assert ("temp_min", "temp_max") in _stored(trained.artifact)
    rows = pd.read_parquet(sample(trained, 3_000, work))
    assert _broken(rows, "temp_min", "temp_max") == 0
    assert (rows["temp_min"] * 10).round(6).mod(1).eq(0).all()  # still tenths of a degree
    fixed = pd.read_parquet(sample(trained, 500, work, conditions={"temp_max": 10.0}))
    assert (fixed["temp_max"] == 10.0).all()  # a condition's column is never swapped


def test_no_order_is_found_where_the_rows_keep_none(work):
    """Adult's numbers keep no order beyond what their ranges give; none is stored."""
    table = ingested(adult.path(), work)
    profile, _ = stream_profile(table.parquet, table.metadata)
    assert find_orders(table.frame, table.metadata, profile) == ()
