"""A name unique in every real row (ISLR College's 777 colleges) comes back as new names in
the real names' shape, each once, never a real college's name beside another college's
figures; the report shows how many synthetic names are real ones.

Before: every synthetic name was a real college's, about a third of them repeated, and the
report said nothing.
"""

from __future__ import annotations

import pandas as pd
import pytest

from services.evaluation.report import ReportOptions, build_report
from services.training.engines.trainset import stream_profile
from services.training.engines.unique_labels import unique_label_columns
from tests.corpus import shared_tables
from tests.services.training.faithful_world import FIXTURES, Ingested, ingested, sample, train


def _report(table: Ingested, synthetic: pd.DataFrame):
    holdout = table.frame.sample(frac=0.2, random_state=0)
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=500)
    return build_report(
        table.frame.drop(holdout.index), holdout, synthetic, table.metadata, options
    ).privacy


def _shapes(name: str) -> set[tuple[str, ...]]:
    """The name with each of its words in turn left out (kept in place as "*")."""
    words = name.split(" ")
    return {(*words[:i], "*", *words[i + 1 :]) for i in range(len(words))}


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_unique_college_names_come_back_new_and_once(engine, colleges, work):
    assert colleges.metadata["columns"]["Name"]["sdtype"] == "categorical"
    real = set(colleges.frame["Name"])
    trained = train(colleges, engine, work)
    rows = pd.read_parquet(sample(trained, 500, work))
    names = rows["Name"]
    assert names.notna().all() and names.is_unique
    assert not names.isin(real).any(), names[names.isin(real)].tolist()
    # In the real names' shape: a real name with one word changed (`Abilene Christian
    # University` -> `Pikeville Christian University`).
    shapes = set().union(*(_shapes(name) for name in real))
    assert names.map(lambda n: bool(_shapes(n) & shapes)).mean() >= 0.98, names.head().tolist()

    privacy = _report(colleges, rows)
    assert privacy.pii_replay["Name"] == 0
    assert not [r for r in privacy.reasons if "'Name'" in r]
    # The report notices copies: the same rows with real names drawn again, as they were
    # (of the training rows' names, four in five).
    drawn = colleges.frame["Name"].sample(len(rows), replace=True, random_state=1)
    copied = _report(colleges, rows.assign(Name=drawn.to_numpy()))
    assert copied.pii_replay["Name"] >= 0.7
    (note,) = [r for r in copied.reasons if "'Name'" in r]
    assert note.startswith(f"note: {copied.pii_replay['Name']:.0%} of the synthetic 'Name'")


def test_no_false_alarm_on_labels_categories_and_shared_tables(cars93, colleges, work):
    models = ingested(FIXTURES / "cars93_models.csv", work)
    tables = {"cars93": cars93, "cars93_models": models}
    for name in ("adult-test", "housing", "daily-min-temperatures", "monthly-car-sales"):
        tables[name] = ingested(shared_tables()[name], work)
    for name in ("penguins", "covid_testing", "polls_2016", "stocks"):
        tables[name] = ingested(FIXTURES / f"{name}.csv", work)
    found = {}
    for name, table in tables.items():
        profile, _ = stream_profile(table.parquet, table.metadata)
        found[name] = [c.name for c in unique_label_columns(profile)]
    # Cars93's models are one word each (`Integra`) and its Make joins Manufacturer and
    # Model: they stay as they were.
    assert found == {name: [] for name in tables}
    profile, _ = stream_profile(colleges.parquet, colleges.metadata)
    assert [c.name for c in unique_label_columns(profile)] == ["Name"]
