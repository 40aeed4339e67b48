"""A number column that is the sum of others in every real row (plotly's Montreal election:
`total` = `Coderre` + `Bergeron` + `Joly`) is their sum in every synthetic row too.

Before, a user downloading the election's synthetic rows read "629, 360, 634, total 1516"
(the votes add up to 1623) in the first row, and in most rows after it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from common.contracts.totals import Total, find_totals
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import Ingested, ingested, sample, train

VOTES = ["Coderre", "Bergeron", "Joly"]
ENGINE_PARAMS = {
    "gaussian_copula": {},
    "tabular_argn": {"epochs": 1, "options": {"model_size": "small"}},
}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("totals")


@pytest.fixture(scope="module")
def election(work) -> Ingested:
    from plotly.data import election

    path = work / "election.csv"
    election().to_csv(path, index=False)
    return ingested(path, work)


def _adds_up(rows: pd.DataFrame) -> pd.Series:
    return rows["total"] == rows[VOTES].sum(axis=1)


def test_the_profile_keeps_the_total_and_its_parts(election):
    assert _adds_up(election.frame).all()
    profile, _ = stream_profile(election.parquet, election.metadata)
    assert profile.totals == (Total("total", tuple(VOTES)),)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_synthetic_total_is_the_sum_of_its_votes(engine, election, work):
    trained = train(election, engine, work, **ENGINE_PARAMS[engine])
    synthetic = pd.read_parquet(sample(trained, 500, work))
    assert _adds_up(synthetic).all()
    assert synthetic.dtypes.to_dict() == election.frame.dtypes.to_dict()
    # Within the real totals' range (bounds on: rows adding up beyond it are drawn again),
    # and still spread like them, not one sum.
    real = election.frame["total"]
    assert synthetic["total"].between(real.min(), real.max()).all()
    assert synthetic["total"].nunique() > 100

    # A range on the total holds, and so does the sum.
    rows = pd.read_parquet(sample(trained, 100, work, seed=3, conditions={"total": {"gte": 8000}}))
    assert len(rows) == 100 and (rows["total"] >= 8000).all() and _adds_up(rows).all()


def test_totals_with_gaps_and_floats_are_found_and_coincidences_are_not():
    rng = np.random.default_rng(6)
    n = 40
    lines = pd.DataFrame(
        {
            "net": rng.integers(100, 9_000, n) / 100,
            "tax": rng.integers(0, 2_000, n) / 100,
            "year": rng.integers(2001, 2020, n),
        }
    )
    lines["gross"] = lines["net"] + lines["tax"]
    lines.loc[[3, 9], "tax"] = np.nan  # the rule holds wherever every value is present
    columns = ["net", "tax", "year", "gross"]
    assert find_totals(lines, columns) == [Total("gross", ("net", "tax"))]
    # Too few rows to tell a sum from a coincidence.
    assert find_totals(lines.head(12), columns) == []
    # A grand total beside a subtotal and its parts adds up two ways: left alone.
    lines["grand"] = lines["gross"] + lines["year"]
    assert find_totals(lines, [*columns, "grand"]) == []
    # One row off: no rule.
    lines.loc[5, "gross"] += 1
    assert find_totals(lines, columns) == []
