from pathlib import Path

import pandas as pd
import pytest

from services.training.engines import (
    ANOMALY_COLUMN,
    InvalidConditionError,
    InvalidParamsError,
    TrainParams,
    get_engine,
    sample_chunks,
)
from services.training.engines.artifact import Manifest, write_artifact
from services.training.engines.profile import build_profile
from tests import adult as adult_table


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return adult_table.frame(400)


def _fit(adult: pd.DataFrame, folder: Path, **options: object) -> Path:
    spec = get_engine("gaussian_copula")
    engine = spec.create()
    engine.fit(adult, {}, TrainParams.build(spec, options=options, seed=1), lambda _: None)
    path = folder / "model.tar.gz"
    write_artifact(path, engine, Manifest(spec.name, build_profile(adult, {}), {}))
    return path


@pytest.fixture(scope="module")
def artifact(adult, tmp_path_factory) -> Path:
    return _fit(adult, tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def normal_artifact(adult, tmp_path_factory) -> Path:
    """Normal marginals, whose tails reach past the data (the default empirical one does not)."""
    return _fit(adult, tmp_path_factory.mktemp("normal"), default_distribution="norm")


def collect(artifact, n, seed, **kwargs) -> pd.DataFrame:
    return pd.concat(list(sample_chunks(artifact, n, seed, **kwargs)), ignore_index=True)


def test_chunks_add_up_to_the_count_with_the_training_columns(artifact, adult):
    chunks = list(sample_chunks(artifact, 250, seed=3, chunk_rows=100))
    assert [len(c) for c in chunks] == [100, 100, 50]
    assert all(list(c.columns) == list(adult.columns) for c in chunks)


def test_same_seed_same_rows_and_other_seed_other_rows(artifact):
    first = collect(artifact, 300, seed=5, chunk_rows=100)
    pd.testing.assert_frame_equal(first, collect(artifact, 300, seed=5, chunk_rows=100))
    assert not first.equals(collect(artifact, 300, seed=6, chunk_rows=100))


def test_chunks_are_not_copies_of_each_other(artifact):
    chunks = list(sample_chunks(artifact, 200, seed=5, chunk_rows=100))
    assert not chunks[0].reset_index(drop=True).equals(chunks[1].reset_index(drop=True))


def test_conditions_fix_column_values(artifact):
    rows = collect(artifact, 120, seed=1, conditions={"sex": "Female", "income": ">50K"})
    assert len(rows) == 120
    assert (rows["sex"] == "Female").all() and (rows["income"] == ">50K").all()


@pytest.mark.parametrize(
    ("conditions", "column", "message"),
    [
        ({"salary": 3}, "salary", "unknown column"),
        ({"sex": "Robot"}, "sex", "never occurs"),
        ({"age": 250}, "age", "outside the training range"),
        ({"age": "old"}, "age", "not a number"),
        ({"age": 30.5}, "age", "not an integer"),
    ],
)
def test_bad_conditions_are_clear_errors(artifact, conditions, column, message):
    with pytest.raises(InvalidConditionError, match=message) as err:
        next(sample_chunks(artifact, 10, seed=1, conditions=conditions))
    assert err.value.column == column


def test_bounds_keep_numbers_within_the_real_range(normal_artifact, adult):
    unbounded = collect(normal_artifact, 2000, seed=2, enforce_bounds=False)
    numeric = ["age", "fnlwgt", "capital-gain", "hours-per-week"]
    escaped = any(
        (unbounded[c] < adult[c].min()).any() or (unbounded[c] > adult[c].max()).any()
        for c in numeric
    )
    assert escaped, "the copula should produce some out-of-range values without bounds"
    # Bounds are on by default.
    bounded = collect(normal_artifact, 2000, seed=2)
    for column in numeric:
        assert bounded[column].between(adult[column].min(), adult[column].max()).all()


def test_bounds_can_be_narrowed_per_column(artifact):
    rows = collect(artifact, 500, seed=2, enforce_bounds=True, bounds={"age": (30, 40)})
    assert rows["age"].between(30, 40).all()
    with pytest.raises(InvalidParamsError):
        next(sample_chunks(artifact, 5, 1, enforce_bounds=True, bounds={"sex": (0, 1)}))


def test_anomalies_perturb_the_given_share_and_are_marked(artifact, adult):
    rows = collect(
        artifact, 1000, seed=4, anomaly_ratio=0.1, mark_anomalies=True, enforce_bounds=True
    )
    flagged = rows[rows[ANOMALY_COLUMN]]
    normal = rows[~rows[ANOMALY_COLUMN]]
    assert len(flagged) == 100
    numeric = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
    out_of_range = pd.concat(
        [(r[c] < adult[c].min()) | (r[c] > adult[c].max()) for r in [flagged] for c in numeric],
        axis=1,
    ).any(axis=1)
    rare_education = set(adult["education"].value_counts().index[-2:])
    # Every anomalous row leaves the data's range or uses a rare category somewhere.
    assert out_of_range.sum() > 40
    assert flagged["education"].isin(rare_education).sum() > normal["education"].isin(
        rare_education
    ).mean() * len(flagged)
    for column in numeric:
        assert normal[column].between(adult[column].min(), adult[column].max()).all()


def test_anomalies_leave_conditioned_columns_alone(artifact):
    rows = collect(artifact, 300, seed=4, anomaly_ratio=0.5, conditions={"age": 33})
    assert (rows["age"] == 33).all()
    assert ANOMALY_COLUMN not in rows.columns


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"n": -1}, "count"), ({"chunk_rows": 0}, "chunk_rows"), ({"anomaly_ratio": 1.5}, "ratio")],
)
def test_bad_sampling_arguments(artifact, kwargs, field):
    args = {"n": 10, "seed": 1} | kwargs
    with pytest.raises(InvalidParamsError, match=field):
        next(sample_chunks(artifact, **args))


@pytest.mark.parametrize(
    ("values", "step"),
    [
        (list(range(1952, 2008, 5)), 5.0),  # Gapminder's years
        ([4.99 + 0.5 * k for k in range(12)], 0.5),  # a price list in steps of 0.50
        (list(range(1, 40)), None),  # whole numbers: no coarser grid
        ([12, 36, 48, 60, 84], None),  # five values share 12 by chance: too few to tell
    ],
)
def test_numbers_on_a_grid_learn_its_step(values, step):
    frame = pd.DataFrame({"x": values * 3})
    profile = build_profile(frame, {"columns": {"x": {"sdtype": "numerical"}}})
    assert profile.columns[0].step == step
