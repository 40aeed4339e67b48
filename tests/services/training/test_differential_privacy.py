"""Differential privacy on `tabular_argn`: the budget is validated before a job exists,
engines without DP-SGD refuse it, and training stops within the budget, saying what it spent.
The model is trained on real rows (adult) and its output looked at."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from common.contracts.relational import RelationalSchema
from common.errors import InvalidArgument
from services.training import service
from services.training.engines.artifact import read_manifest
from services.training.engines.base import (
    EngineError,
    InvalidParamsError,
    TrainParams,
    get_engine,
)
from services.training.engines.runner import run_sampling, run_training
from tests import adult

ARGN = get_engine("tabular_argn")


def _params(engine: str = "tabular_argn", **dp: object) -> TrainParams:
    return TrainParams.build(get_engine(engine), time_budget_seconds=20, differential_privacy=dp)


def test_defaults_fill_in_and_survive_the_round_trip_through_storage():
    params = _params(epsilon=5)
    assert params.differential_privacy is not None
    assert (params.differential_privacy.delta, params.differential_privacy.noise_multiplier) == (
        1e-5,
        1.5,
    )
    assert TrainParams.from_dict(params.to_dict()) == params
    # Models trained before DP existed stored no such key.
    plain = TrainParams.build(ARGN, time_budget_seconds=20)
    stored = {k: v for k, v in plain.to_dict().items() if k != "differential_privacy"}
    assert TrainParams.from_dict(stored) == plain


@pytest.mark.parametrize(
    ("dp", "field"),
    [
        ({}, "differential_privacy.epsilon"),
        ({"epsilon": 0}, "differential_privacy.epsilon"),
        ({"epsilon": -1}, "differential_privacy.epsilon"),
        ({"epsilon": 1e9}, "differential_privacy.epsilon"),
        ({"epsilon": float("nan")}, "differential_privacy.epsilon"),
        ({"epsilon": True}, "differential_privacy.epsilon"),
        ({"epsilon": "5"}, "differential_privacy.epsilon"),
        ({"epsilon": 5, "delta": 0.5}, "differential_privacy.delta"),
        ({"epsilon": 5, "delta": 0}, "differential_privacy.delta"),
        ({"epsilon": 5, "max_grad_norm": float("inf")}, "differential_privacy.max_grad_norm"),
        ({"epsilon": 5, "noise_multiplier": -2}, "differential_privacy.noise_multiplier"),
        ({"epsilon": 5, "sigma": 1}, "differential_privacy.sigma"),
    ],
)
def test_a_bad_budget_is_refused_naming_its_field(dp, field):
    with pytest.raises(InvalidParamsError) as raised:
        _params(**dp)
    assert raised.value.field == field


@pytest.mark.parametrize("engine", ["gaussian_copula", "ctgan", "tvae", "copulagan", "par"])
def test_engines_without_dp_sgd_say_so_and_name_the_one_that_has_it(engine):
    with pytest.raises(InvalidParamsError, match="does not train with differential privacy") as e:
        TrainParams.build(get_engine(engine), differential_privacy={"epsilon": 5})
    assert e.value.field == "differential_privacy" and "tabular_argn" in e.value.message


def test_linked_tables_and_sequences_are_refused_with_dp():
    linked = RelationalSchema.parse(
        {
            "tables": [
                {"name": "a", "columns": ["id"], "primary_key": "id"},
                {"name": "b", "columns": ["id", "a_id"]},
            ],
            "foreign_keys": [
                {
                    "parent_table": "a",
                    "parent_column": "id",
                    "child_table": "b",
                    "child_column": "a_id",
                }
            ],
        }
    )
    with pytest.raises(InvalidArgument, match="single-table"):
        service.check_dp_learns(_params(epsilon=5), linked)
    single = RelationalSchema.parse({"tables": [{"name": "a", "columns": ["x"]}]})
    service.check_dp_learns(_params(epsilon=5), single)


def _adult(tmp_path: Path, rows: int) -> tuple[pd.DataFrame, Path]:
    table = adult.frame(rows)
    path = tmp_path / "adult.parquet"
    table.to_parquet(path, index=False)
    return table, path


def test_training_stops_within_the_budget_and_the_rows_stay_real(tmp_path):
    """Through the runner the workers use: the model says what it spent, and the rows come
    out with real categories only (no `_RARE_`), in range, bounded by what the DP model
    itself produces rather than by the real table's exact extremes."""
    table, path = _adult(tmp_path, 3000)
    artifact = tmp_path / "model.tar.gz"
    result = run_training("tabular_argn", path, {}, _params(epsilon=1.0), artifact)
    spent = result.metrics["privacy_spent"]
    assert 0 < spent["epsilon"] <= 1.0 and spent["delta"] == 1e-5
    assert "epsilon" in result.metrics["note"] and "of 1 spent" in result.metrics["note"]

    rows = pd.read_parquet(run_sampling(artifact, 2000, seed=3, out_path=tmp_path / "s").path)
    assert len(rows) == 2000 and list(rows.columns) == list(table.columns)
    for column in ("workclass", "education", "marital-status", "income"):
        assert set(rows[column].dropna()) <= set(table[column].dropna()), column
    assert rows["age"].between(table["age"].min(), table["age"].max()).all()
    # The stored profile holds the DP model's statistics, not the real table's.
    profile = read_manifest(artifact).profile.column("workclass")
    assert profile is not None and "_RARE_" not in profile.categories
    real_counts = table["workclass"].value_counts()
    assert tuple(real_counts.loc[list(profile.categories)]) != profile.category_counts


def test_a_budget_one_epoch_overspends_fails_instead_of_keeping_the_model(tmp_path):
    _, path = _adult(tmp_path, 600)
    with pytest.raises(EngineError, match="one epoch of training already spends epsilon"):
        run_training("tabular_argn", path, {}, _params(epsilon=0.05), tmp_path / "m.tar.gz")
