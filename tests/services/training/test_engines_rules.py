"""A dataset's rules and range conditions applied by every engine family on real data (adult,
daily temperatures): the rows obey every rule, the count is exact, and rules no row can obey
fail with the rule named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from common.contracts.rule_checks import checked_on_real, count_violations
from common.contracts.rules import Rule, parse_rules
from services.training.engines import InvalidConditionError, TrainParams, get_engine, sample_chunks
from services.training.engines.artifact import Manifest, write_artifact
from services.training.engines.obeying import RulesUnsatisfiableError
from services.training.engines.profile import build_profile
from tests import adult as adult_table
from tests.corpus import SHARED

COLUMNS = ["age", "education", "education-num", "capital-gain", "capital-loss", "fnlwgt", "sex"]
ADULT_RULES = [
    {"kind": "range", "column": "age", "low": {"number": 17}, "high": {"number": 90}},
    {"kind": "fixed_combinations", "columns": ["education-num", "education"]},
    {"kind": "positive", "column": "capital-gain"},
    {"kind": "inequality", "low": {"column": "capital-loss"}, "high": {"column": "fnlwgt"}},
    # Narrower than the real ages: the real rows break it, so SDV does not learn it and the
    # rows that break it are drawn again.
    {"kind": "range", "column": "age", "low": {"number": 25}, "high": {"number": 60}},
]


def kinds(frame: pd.DataFrame) -> dict[str, str]:
    def kind(values: pd.Series) -> str:
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            return "datetime"
        return "numeric" if pd.api.types.is_numeric_dtype(values.dtype) else "other"

    return {name: kind(values) for name, values in frame.items()}


def declared(frame: pd.DataFrame, rules: list[dict]) -> list[Rule]:
    """The rules as the datasets service stores them: checked, with the real combinations."""
    return checked_on_real(frame, parse_rules(rules, kinds(frame)))


def fit(engine: str, frame: pd.DataFrame, rules: list[Rule], folder: Path, **options) -> Path:
    spec = get_engine(engine)
    instance = spec.create()
    metadata = {"rules": [r.model_dump(mode="json") for r in rules]}
    params = TrainParams.build(spec, seed=1, **options)
    instance.fit(frame, metadata, params, lambda _: None)
    path = folder / "model.tar.gz"
    write_artifact(path, instance, Manifest(spec.name, build_profile(frame, {}), {}))
    return path


def collect(artifact: Path, n: int, **kwargs) -> pd.DataFrame:
    return pd.concat(list(sample_chunks(artifact, n, seed=7, **kwargs)), ignore_index=True)


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return adult_table.frame(1500)[COLUMNS]


@pytest.mark.parametrize(
    ("engine", "options"),
    [
        ("gaussian_copula", {}),
        # Slow (half a minute each): `make test-slow` runs them.
        pytest.param("ctgan", {"epochs": 2}, marks=pytest.mark.slow),
        pytest.param(
            "tabular_argn", {"epochs": 2, "time_budget_seconds": 20}, marks=pytest.mark.slow
        ),
    ],
)
def test_every_engine_returns_exactly_the_rows_asked_and_all_obey(engine, options, adult, tmp_path):
    rules = declared(adult, ADULT_RULES)
    assert [r.real_violation_count for r in rules][:4] == [0, 0, 0, 0]
    assert rules[4].real_violation_count == int((~adult["age"].between(25, 60)).sum()) > 0
    artifact = fit(engine, adult, rules, tmp_path, **options)

    rows = collect(artifact, 700, rules=rules, chunk_rows=300)

    assert len(rows) == 700
    assert count_violations(rows, rules) == [0, 0, 0, 0, 0]
    assert rows["age"].between(25, 60).all()
    real_pairs = set(adult[["education-num", "education"]].itertuples(index=False))
    assert set(rows[["education-num", "education"]].itertuples(index=False)) <= real_pairs
    conditioned = collect(
        artifact,
        200,
        rules=rules,
        conditions={"age": {"gte": 30, "lt": 40}, "sex": ["Female"]},
    )
    assert len(conditioned) == 200
    assert conditioned["age"].between(30, 39).all() and (conditioned["sex"] == "Female").all()
    assert count_violations(conditioned, rules) == [0, 0, 0, 0, 0]


def test_rules_that_no_row_obeys_fail_naming_the_rule(adult, tmp_path):
    artifact = fit("gaussian_copula", adult, [], tmp_path)
    # Declared one by one (the datasets service refuses the pair as contradictory).
    rules = [
        *declared(adult, ADULT_RULES[:1]),
        *declared(adult, [ADULT_RULES[0] | {"low": {"number": 95}, "high": {"number": 99}}]),
    ]
    with pytest.raises(RulesUnsatisfiableError, match="95 ≤ age ≤ 99"):
        collect(artifact, 100, rules=rules)


def test_a_unique_column_never_repeats_across_chunks(adult, tmp_path):
    rules = declared(adult, [{"kind": "unique", "column": "education"}])
    assert rules[0].real_violation_count == len(adult) - 16
    artifact = fit("gaussian_copula", adult, rules, tmp_path)
    few = collect(artifact, 8, rules=rules, chunk_rows=3)
    assert len(few) == 8 and few["education"].is_unique
    # 16 educations: a 17th row cannot be drawn.
    with pytest.raises(RulesUnsatisfiableError, match="education is unique"):
        collect(artifact, 17, rules=rules, chunk_rows=5)


def test_datetime_ranges_as_rules_and_as_conditions(tmp_path):
    frame = pd.read_csv(SHARED / "daily-min-temperatures.csv", parse_dates=["Date"])
    rules = declared(
        frame,
        [
            {
                "kind": "range",
                "column": "Date",
                "low": {"datetime": "1983-01-01"},
                "high": {"datetime": "1987-12-31"},
            },
            {"kind": "positive", "column": "Temp", "strict": True},
        ],
    )
    artifact = fit("gaussian_copula", frame, rules, tmp_path)
    rows = collect(artifact, 400, rules=rules, conditions={"Date": {"gte": "1985-06-01"}})
    assert len(rows) == 400
    assert rows["Date"].between("1985-06-01", "1987-12-31").all()
    assert (rows["Temp"] > 0).all()


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"age": {"gte": 50, "lt": 40}}, "the range is empty"),
        ({"age": {"gt": 1, "gte": 2}}, "not both"),
        ({"age": {"above": 3}}, "gt, gte, lt and lte only"),
        ({"age": {"gte": "old"}}, "not a number"),
        ({"age": {"gte": 500}}, "misses every training value"),
        ({"sex": {"gte": 3}}, "give a list of values"),
        ({"sex": []}, "1 to 1000 values"),
        ({"sex": ["Male"] * 1001}, "1 to 1000 values"),
        ({"sex": ["Robot"]}, "never occurs"),
        ({"sex": [["Male"]]}, "plain values"),
    ],
)
def test_bad_range_conditions_are_refused(adult, tmp_path_factory, conditions, message):
    artifact = _plain_artifact(adult, tmp_path_factory)
    with pytest.raises(InvalidConditionError, match=message):
        collect(artifact, 10, conditions=conditions)


def test_too_many_conditions_are_refused(adult, tmp_path_factory):
    artifact = _plain_artifact(adult, tmp_path_factory)
    with pytest.raises(InvalidConditionError, match="at most 50 columns"):
        collect(artifact, 10, conditions={f"c{i}": 1 for i in range(51)})


_PLAIN: dict[str, Path] = {}


def _plain_artifact(adult: pd.DataFrame, factory) -> Path:
    if "path" not in _PLAIN:
        _PLAIN["path"] = fit("gaussian_copula", adult, [], factory.mktemp("plain"))
    return _PLAIN["path"]
