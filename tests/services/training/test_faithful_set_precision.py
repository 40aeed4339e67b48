"""A column set from others keeps its column's precision: dslabs' Brexit polls, where
`remain` = `leave` + `spread` in every real row (0.52 = 0.48 + 0.04).

Before: generation set `remain` from its parts and wrote the float sum as it came,
`0.43000000000000005` and `0.45999999999999996` in a column of hundredths.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from tests.services.training.faithful_world import FIXTURES, exported, ingested, sample, train


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_a_total_set_from_its_parts_is_written_in_hundredths(engine, work):
    polls = ingested(FIXTURES / "brexit_polls.csv", work)
    rows = pd.read_csv(
        io.StringIO(exported(sample(train(polls, engine, work), 300, work), "csv")), dtype=str
    )
    for column in ("remain", "leave", "spread"):
        assert rows[column].str.fullmatch(r"-?\d(\.\d{1,2})?").all(), rows[column].head().tolist()
    numbers = rows[["remain", "leave", "spread"]].astype(float)
    assert np.allclose(numbers["remain"], numbers["leave"] + numbers["spread"])  # still kept
