"""Names unique in every real row (ISLR College's colleges) come back once in a whole run,
not only in one round of one chunk.

Before: with a condition turning rows down (Apps at least its median), a chunk was drawn in
rounds each made anew on its own, and 18 of 300 synthetic colleges were named twice; a run
of chunks of 100 rows named 79 of 700 twice.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.services.training.faithful_world import sample, train


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_names_are_not_repeated_when_a_condition_turns_rows_down(engine, colleges, work):
    real = set(colleges.frame["Name"])
    trained = train(colleges, engine, work)
    median = float(colleges.frame["Apps"].median())
    for conditions in ({"Apps": {"gte": median}}, {"Private": ["Yes"]}):
        rows = pd.read_parquet(sample(trained, 300, work, seed=5, conditions=conditions))
        names = rows["Name"]
        assert names.notna().all() and names.is_unique, names[names.duplicated()].tolist()
        assert not names.isin(real).any(), conditions
    assert (rows["Private"] == "Yes").all()


def test_names_are_not_repeated_across_chunks(colleges, work):
    trained = train(colleges, "gaussian_copula", work)
    chunked = sample(trained, 700, work, seed=3, chunk_rows=100)
    names = pd.read_parquet(chunked)["Name"]
    assert names.is_unique, names[names.duplicated()].tolist()
    assert not names.isin(set(colleges.frame["Name"])).any()
    # The same seed gives the same names.
    again = work / "again.parquet"
    chunked.rename(again)
    assert pd.read_parquet(sample(trained, 700, work, seed=3, chunk_rows=100)).equals(
        pd.read_parquet(again)
    )
