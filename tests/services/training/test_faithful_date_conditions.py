"""A condition fixing a date column: an ISO 8601 date within the training dates is met by
every engine, anything else is refused naming the column.

Before: gaussian_copula (SDV's reject sampling, which never draws one exact time) failed
every such condition with 'Sampling terminated'; tabular_argn took `garbage` and wrote rows
without a date, `12345` as 1970-01-01, and crashed on `true`; `3/14/55` gave 1985-12-12."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.training.engines.base import InvalidConditionError
from tests.services.training.faithful_world import (
    Ingested,
    Trained,
    ingested,
    sample,
    train,
)


@pytest.fixture(scope="module")
def people(work) -> Ingested:
    rng = np.random.default_rng(0)
    days = pd.to_datetime("1955-01-01") + pd.to_timedelta(rng.integers(0, 11_000, 300), "D")
    frame = pd.DataFrame(
        {"dob": days.strftime("%Y-%m-%d"), "income": rng.normal(5e4, 9e3, 300).round(2)}
    )
    csv = work / "people.csv"
    frame.to_csv(csv, index=False)
    return ingested(csv, work)


@pytest.fixture(scope="module")
def copula(people, work) -> Trained:
    return train(people, "gaussian_copula", work)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_a_fixed_date_is_met(engine, people, work):
    trained = train(people, engine, work)
    rows = pd.read_parquet(sample(trained, 50, work, conditions={"dob": "1970-05-05"}))
    assert (rows["dob"] == pd.Timestamp("1970-05-05")).all(), rows["dob"].head()
    assert rows["income"].nunique() > 1


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("garbage", "not an ISO 8601 datetime"),
        (12345, "not an ISO 8601 datetime"),
        (True, "not an ISO 8601 datetime"),
        ("3/14/55", "not an ISO 8601 datetime"),
        ("2500-01-01", "outside the training dates"),
        (["1970-05-05", "garbage"], "not an ISO 8601 datetime"),
    ],
)
def test_a_date_condition_that_is_no_training_date_is_refused(value, says, copula, work):
    with pytest.raises(InvalidConditionError, match=says) as refused:
        sample(copula, 20, work, conditions={"dob": value})
    assert refused.value.column == "dob"


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_a_list_of_dates_or_decimals_is_met(engine, people, work):
    # Met as rules, by drawing rows until their value is one of the list's: a date or a
    # decimal drawn among thousands never was (114,300 rows drawn for 300, then refused).
    trained = train(people, engine, work)
    dates = {"dob": ["1970-05-05", "1971-01-01T00:00:00+00:00"]}
    rows = pd.read_parquet(sample(trained, 300, work, seed=4, conditions=dates))
    counts = rows["dob"].value_counts()
    assert set(counts.index) == {pd.Timestamp("1970-05-05"), pd.Timestamp("1971-01-01")}
    assert counts.min() > 100, counts
    again = pd.read_parquet(sample(trained, 300, work, seed=4, conditions=dates))
    assert again.equals(rows)
    incomes = {"income": [48_000.5, 52_000.25]}
    rows = pd.read_parquet(sample(trained, 200, work, conditions=incomes))
    assert set(rows["income"]) == {48_000.5, 52_000.25}
