"""A value two columns fix together, and a text column joining other columns, keep their real
recipe in every synthetic row, for every engine, and the report counts the rows that do not.

Before, gaussian_copula wrote JFK → LAX flights of 445 and 2,454 miles (nycflights13: every
real one is 2,475) and 123 rows of 1,000 on routes that never fly; and, in MASS's Cars93,
"Ford" beside the make "Dodge Dynasty" (the make is the manufacturer and the model, joined by
a space, in every real row). No score of the report noticed."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from services.evaluation.report import ReportOptions, build_report, render_html
from services.training.engines.profile import TableProfile
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import Ingested, sample, train, unmended


def _holdout(table: Ingested) -> pd.DataFrame:
    return table.frame.sample(frac=0.2, random_state=0)


def _report(table: Ingested, synthetic: pd.DataFrame):
    holdout = _holdout(table)
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=200)
    return build_report(
        table.frame.drop(holdout.index), holdout, synthetic, table.metadata, options
    )


def _route_miles(real: pd.DataFrame) -> dict[tuple[str, str], int]:
    miles = real.groupby(["origin", "dest"])["distance"].unique()
    assert miles.map(len).max() == 1  # one distance per route in every real row
    return {route: int(values[0]) for route, values in miles.items()}


def _routes(rows: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(rows["origin"], rows["dest"], strict=True))


def _joined(rows: pd.DataFrame) -> pd.Series:
    return rows["Manufacturer"] + " " + rows["Model"].astype(str)


def test_training_finds_the_route_s_distance_and_the_make_s_recipe(flight_routes, cars93):
    profile, _ = stream_profile(flight_routes.parquet, flight_routes.metadata)
    (pair,) = profile.pair_dependencies
    assert (pair.sources, pair.columns) == (("origin", "dest"), ("distance",))
    assert len(pair.rows) == len(_route_miles(flight_routes.frame))
    assert profile.concatenations == ()
    # Models written before keep loading: their profile has no such fields.
    stored = json.loads(json.dumps(profile.to_dict()))
    assert TableProfile.from_dict(stored) == profile
    del stored["pair_dependencies"], stored["concatenations"]
    assert TableProfile.from_dict(stored).pair_dependencies == ()

    profile, _ = stream_profile(cars93.parquet, cars93.metadata)
    (make,) = profile.concatenations
    assert (make.column, make.parts, make.separator) == ("Make", ("Manufacturer", "Model"), " ")
    assert profile.pair_dependencies == ()


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_flight_flies_a_real_route_its_real_distance(engine, flight_routes, work):
    trained = train(flight_routes, engine, work)
    rows = pd.read_parquet(sample(trained, 1_000, work))
    miles = _route_miles(flight_routes.frame)
    assert set(_routes(rows)) <= set(miles)
    assert list(rows["distance"]) == [miles[route] for route in _routes(rows)]
    jfk_lax = rows.loc[(rows["origin"] == "JFK") & (rows["dest"] == "LAX"), "distance"]
    assert len(jfk_lax) > 0 and (jfk_lax == 2475).all()
    # Redrawn pairs keep each airport's shares about the real ones.
    for column in ("origin", "dest"):
        shares = rows[column].value_counts(normalize=True)
        real = flight_routes.frame[column].value_counts(normalize=True)
        assert shares.sub(real, fill_value=0).abs().sum() / 2 < 0.2, column
    (check,) = [
        d for d in _report(flight_routes, rows).dependencies if d.sources == ["origin", "dest"]
    ]
    assert check.violation_count == 0
    # A condition keeps its value: flights to LAX come from the airports that fly there (no
    # LGA: it was redrawing the destination), and 2,475 miles is JFK → LAX.
    to_lax = pd.read_parquet(sample(trained, 200, work, seed=3, conditions={"dest": "LAX"}))
    assert (to_lax["dest"] == "LAX").all() and set(to_lax["origin"]) <= {"JFK", "EWR"}
    assert list(to_lax["distance"]) == [miles[route] for route in _routes(to_lax)]
    far = pd.read_parquet(sample(trained, 100, work, seed=3, conditions={"distance": 2475}))
    assert set(_routes(far)) == {("JFK", "LAX")}
    # Only the routes of the real rows the report holds out are new to its training rows.
    trained_routes = set(_routes(flight_routes.frame.drop(_holdout(flight_routes).index)))
    assert check.unseen_source_count == sum(r not in trained_routes for r in _routes(rows))


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_make_is_its_manufacturer_and_model(engine, cars93, work):
    trained = train(cars93, engine, work)
    rows = pd.read_parquet(sample(trained, 300, work))
    assert (rows["Make"] == _joined(rows)).all()
    assert set(rows["Manufacturer"]) <= set(cars93.frame["Manufacturer"])
    (check,) = [d for d in _report(cars93, rows).dependencies if d.columns == ["Make"]]
    assert check.description == 'Make = Manufacturer + " " + Model'
    assert check.violation_count == 0


def test_the_report_counts_the_rows_an_engine_writes_unmended(flight_routes, cars93, work):
    raw = unmended(train(flight_routes, "gaussian_copula", work), 1_000)
    miles = _route_miles(flight_routes.frame)
    known = [route in miles for route in _routes(raw)]
    wrong = sum(
        ok and miles[route] != distance
        for ok, route, distance in zip(known, _routes(raw), raw["distance"], strict=True)
    )
    assert wrong > 500 and known.count(False) > 50  # what a user saw
    report = _report(flight_routes, raw)
    (check,) = [d for d in report.dependencies if d.sources == ["origin", "dest"]]
    assert check.description == "origin & dest → distance"
    # The report's training rows are 80 % of the table: a few routes are not among them.
    assert check.violation_count == pytest.approx(wrong, rel=0.05)
    assert check.unseen_source_count == pytest.approx(known.count(False), rel=0.2)
    page = render_html(report)
    assert "Columns that other columns determine" in page and "origin &amp; dest → distance" in page

    raw = unmended(train(cars93, "gaussian_copula", work), 300)
    broken = int((raw["Make"] != _joined(raw)).sum())
    assert broken > 200
    (check,) = [d for d in _report(cars93, raw).dependencies if d.columns == ["Make"]]
    assert check.sources == ["Manufacturer", "Model"]
    assert check.violation_count == broken


def test_adult_has_no_pair_deciding_a_column_nor_a_joined_column(adult):
    profile, _ = stream_profile(adult.parquet, adult.metadata)
    assert (profile.pair_dependencies, profile.concatenations) == ((), ())
    holdout = adult.frame.sample(n=2_000, random_state=0)
    report = build_report(
        adult.frame.drop(holdout.index).head(8_000),
        holdout,
        adult.frame.sample(n=2_000, random_state=1),
        adult.metadata,
        ReportOptions(sample_rows=1_000, privacy_sample_rows=200),
    )
    assert [len(d.sources) for d in report.dependencies] == [1]  # education → its number
