"""Combinations of two category columns that the real rows rule out are never generated, by
any engine, and the report counts the rows that have one.

In plotly's `tips`, lunch is served on Thursdays and Fridays only. Before, gaussian_copula
wrote many "Sun, Lunch" and "Sat, Lunch" rows, and no score of the report said so."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from common.contracts.combinations import (
    ImpossibleCombinations,
    find_impossible_combinations,
    mend_rows,
)
from services.evaluation.report import ReportOptions, build_report, render_html
from services.training.engines.base import InvalidConditionError
from services.training.engines.profile import TableProfile
from services.training.engines.sampling import validate_conditions
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import Ingested, sample, train, unmended

CATEGORIES = ["sex", "smoker", "day", "time", "size"]


def _weekend_lunches(rows: pd.DataFrame) -> int:
    return int((rows["day"].isin(["Sat", "Sun"]) & (rows["time"] == "Lunch")).sum())


def _thursday_dinners(rows: pd.DataFrame) -> pd.Series:
    return (rows["day"] == "Thur") & (rows["time"] == "Dinner")


def _report(table: Ingested, synthetic: pd.DataFrame, *, dinner_held_out: bool = False):
    holdout = table.frame.sample(frac=0.3, random_state=0)
    if not dinner_held_out:  # the one real Thursday dinner is a training row
        holdout = holdout[~_thursday_dinners(holdout)]
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=200)
    return build_report(
        table.frame.drop(holdout.index), holdout, synthetic, table.metadata, options
    )


def _moved(rows: pd.Series, real: pd.Series) -> float:
    """Total variation distance between the two columns' shares."""
    shares = rows.value_counts(normalize=True).sub(real.value_counts(normalize=True), fill_value=0)
    return float(shares.abs().sum() / 2)


def test_training_rules_out_lunch_at_the_weekend_and_nothing_else(tips_table):
    profile, _ = stream_profile(tips_table.parquet, tips_table.metadata)
    (pair,) = profile.impossible_combinations
    assert pair.columns == ("day", "time")
    assert set(pair.combinations) == {("Sun", "Lunch"), ("Sat", "Lunch")}
    # Models written before keep loading: their profile has no such field.
    stored = json.loads(json.dumps(profile.to_dict()))
    assert TableProfile.from_dict(stored) == profile
    del stored["impossible_combinations"]
    assert TableProfile.from_dict(stored).impossible_combinations == ()


def test_conditions_only_a_ruled_out_combination_meets_are_refused_at_once(tips_table):
    # They were accepted, and every row drawn broke either the condition or the rule.
    profile, _ = stream_profile(tips_table.parquet, tips_table.metadata)
    refused = [
        {"day": "Sat", "time": "Lunch"},
        {"day": ["Sat", "Sun"], "time": "Lunch"},
        {"time": ["Lunch"], "day": {"in": ["Sun"]}, "sex": "Female"},
    ]
    for conditions in refused:
        with pytest.raises(InvalidConditionError) as refusal:
            validate_conditions(profile, conditions)
        assert refusal.value.column == "time"
        assert "never occur together in the training rows" in refusal.value.message
        assert "ruled out: Sun, Lunch; Sat, Lunch" in refusal.value.message
    # A list with one allowed combination, or one column alone, is met.
    assert validate_conditions(profile, {"day": ["Sat", "Fri"], "time": "Lunch"})
    assert validate_conditions(profile, {"day": "Sat", "time": "Dinner"})
    assert validate_conditions(profile, {"time": "Lunch"})


def test_the_report_counts_the_weekend_lunches_an_engine_writes_unmended(tips_table, work):
    trained = train(tips_table, "gaussian_copula", work)
    raw = unmended(trained, 1_000)
    assert _weekend_lunches(raw) > 50  # what a user saw
    (check,) = _report(tips_table, raw).impossible_combinations
    assert check.description == "day & time"
    assert sorted(check.combinations) == ["Sat, Lunch", "Sun, Lunch"]
    assert check.violation_count == _weekend_lunches(raw)
    assert check.violation_share == pytest.approx(_weekend_lunches(raw) / len(raw))
    # The real holdout is the baseline: no real row has one.
    assert (check.holdout_violation_count, check.holdout_share) == (0, 0.0)
    assert "Combinations the real data rules out" in render_html(_report(tips_table, raw))

    # Without the one real Thursday dinner, the training rows rule those out too; the
    # holdout, which has it, shows the user that this one is real.
    (check,) = _report(tips_table, raw, dinner_held_out=True).impossible_combinations
    assert sorted(check.combinations) == ["Sat, Lunch", "Sun, Lunch", "Thur, Dinner"]
    assert check.violation_count == _weekend_lunches(raw) + _thursday_dinners(raw).sum()
    assert check.holdout_violation_count == 1


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_no_engine_serves_lunch_at_the_weekend(engine, tips_table, work):
    trained = train(tips_table, engine, work)
    rows = pd.read_parquet(sample(trained, 1_000, work))
    real = tips_table.frame
    assert _weekend_lunches(rows) == 0
    for column in CATEGORIES:
        assert set(rows[column].dropna()) <= set(real[column]), column
    # Mending swaps values between rows where it can: the shares stay close to the real ones.
    assert _moved(rows["day"], real["day"]) < 0.1
    assert _moved(rows["time"], real["time"]) < 0.1
    (check,) = _report(tips_table, rows).impossible_combinations
    assert check.violation_count == 0
    assert "Combinations the real data rules out" not in render_html(_report(tips_table, rows))

    # A condition keeps its value: lunches only, so on Thursdays and Fridays.
    lunches = pd.read_parquet(sample(trained, 200, work, seed=3, conditions={"time": "Lunch"}))
    assert len(lunches) == 200 and (lunches["time"] == "Lunch").all()
    assert set(lunches["day"]) <= {"Thur", "Fri"}


def test_mending_swaps_values_so_each_column_keeps_its_shares(tips_table):
    # The real rows with 30 weekend dinners turned into lunches (and 30 Thursday lunches into
    # dinners, as a model that mixes day and time up writes them): swapping the time of a
    # weekend lunch with a Thursday dinner's mends both, and no column's counts move.
    profile, _ = stream_profile(tips_table.parquet, tips_table.metadata)
    rows = tips_table.frame.copy()
    weekend = rows.index[rows["day"].isin(["Sat", "Sun"])][:30]
    thursday = rows.index[(rows["day"] == "Thur") & (rows["time"] == "Lunch")][:30]
    rows.loc[weekend, "time"], rows.loc[thursday, "time"] = "Lunch", "Dinner"
    before = {column: rows[column].value_counts() for column in CATEGORIES}
    mend_rows(rows, profile.impossible_combinations, np.random.default_rng(1))
    assert _weekend_lunches(rows) == 0
    for column in CATEGORIES:
        pd.testing.assert_series_equal(rows[column].value_counts(), before[column])
    # Only the rows that had one and their partners changed.
    assert (rows["time"] != tips_table.frame["time"]).sum() <= 60


def test_a_mended_run_is_the_same_run_again(tips_table, work):
    trained = train(tips_table, "gaussian_copula", work)
    first = pd.read_parquet(sample(trained, 500, work, seed=7))
    again = pd.read_parquet(sample(trained, 500, work, seed=7))
    pd.testing.assert_frame_equal(first, again)


def test_adult_rules_out_only_what_cannot_be(adult):
    profile, _ = stream_profile(adult.parquet, adult.metadata)
    names = list(adult.frame.columns)
    marital, relationship, sex = (names[i] for i in (5, 7, 9))
    found = {pair.columns: set(pair.combinations) for pair in profile.impossible_combinations}
    # A husband or wife is married; a married person is not "unmarried" in the household;
    # a husband is a man and a wife a woman. Nothing else: no doctorate handles goods (17 rows
    # if independent), but that is rare, not ruled out; the columns are too strongly
    # associated for independence to say (see the rule).
    assert found == {
        (marital, relationship): {
            ("Never-married", "Husband"),
            ("Never-married", "Wife"),
            ("Divorced", "Husband"),
            ("Divorced", "Wife"),
            ("Separated", "Husband"),
            ("Widowed", "Husband"),
            ("Married-spouse-absent", "Husband"),
            ("Married-civ-spouse", "Unmarried"),
            ("Married-civ-spouse", "Not-in-family"),
        },
        (relationship, sex): {("Husband", "Female"), ("Wife", "Male")},
    }
    # Almost never is ruled out too: one husband of 13,193 is a woman (4,364 if independent),
    # 17 married people of 14,976 live outside their family (3,820).
    real = adult.frame
    assert ((real[relationship] == "Husband") & (real[sex] == "Female")).sum() == 1


def test_independent_columns_rule_out_nothing():
    rng = np.random.default_rng(6)
    table = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue", "white"], 5_000),
            "size": rng.choice(["S", "M", "L", "XL"], 5_000, p=[0.1, 0.4, 0.4, 0.1]),
            "shop": rng.choice(list("ABCDEFGH"), 5_000),
        }
    )
    assert find_impossible_combinations(table, list(table.columns)) == []


def test_swaps_mend_rows_broken_both_ways_and_keep_every_count():
    # A only with x and B only with y: a row of (A, y) and one of (B, x) mend each other by
    # a swap, and each column keeps its counts (as many A as x: a table that can be mended
    # without moving either column's counts).
    pair = ImpossibleCombinations(
        first="letter",
        second="case",
        values=(("A", "B"), ("x", "y")),
        counts=((50, 0), (0, 50)),
        combinations=(("A", "y"), ("B", "x")),
    )
    rows = pd.DataFrame(
        {
            "letter": ["A"] * 20 + ["B"] * 20 + ["A"] * 10 + ["B"] * 50,
            "case": ["y"] * 20 + ["x"] * 20 + ["x"] * 10 + ["y"] * 50,
        }
    )
    before = {column: rows[column].value_counts() for column in rows}
    mend_rows(rows, [pair], np.random.default_rng(5))
    assert not pair.broken(rows).any()
    for column in rows:
        pd.testing.assert_series_equal(rows[column].value_counts(), before[column])


def _chinstraps_off_dream(rows: pd.DataFrame) -> int:
    return int(((rows["species"] == "Chinstrap") & (rows["island"] != "Dream")).sum())


def test_a_species_found_on_one_island_only_stays_there(penguins, work):
    # palmerpenguins: Chinstraps live on Dream and Gentoos on Biscoe only; Torgersen has
    # Adelies only. Chinstrap on Torgersen would be 10 rows if independent, below λ, so the
    # cell alone rules nothing out; but all 68 Chinstraps on Dream is no accident.
    # Before, gaussian_copula put 11 of its 283 rows' Chinstraps on Torgersen.
    profile, _ = stream_profile(penguins.parquet, penguins.metadata)
    found = {pair.columns: set(pair.combinations) for pair in profile.impossible_combinations}
    assert found[("species", "island")] == {
        ("Chinstrap", "Biscoe"),
        ("Chinstrap", "Torgersen"),
        ("Gentoo", "Dream"),
        ("Gentoo", "Torgersen"),
    }
    assert _chinstraps_off_dream(penguins.frame) == 0
    trained = train(penguins, "gaussian_copula", work)
    raw = unmended(trained, 1_000)
    assert _chinstraps_off_dream(raw) > 0  # what a user saw
    rows = pd.read_parquet(sample(trained, 1_000, work))
    assert _chinstraps_off_dream(rows) == 0
    assert ((rows["species"] == "Gentoo") & (rows["island"] != "Biscoe")).sum() == 0
    assert rows["species"].value_counts().get("Chinstrap", 0) > 100
    # The report says so of rows written before: the Chinstraps on Torgersen are counted.
    holdout = penguins.frame.sample(frac=0.3, random_state=0)
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=200)
    report = build_report(
        penguins.frame.drop(holdout.index), holdout, raw, penguins.metadata, options
    )
    (check,) = (c for c in report.impossible_combinations if c.description == "species & island")
    assert "Chinstrap, Torgersen" in check.combinations
    assert check.violation_count >= _chinstraps_off_dream(raw)
