"""A differentially private model keeps no real date of a column of open-ended dates
(9999-12-31 for "still valid"): where the model generates a date beyond the others, it was
moved to the nearest sentinel or end of the real dates' range, and that range was the real
rows' (the earliest and latest real dates, one record's each), so synthetic rows wrote them
exactly. The range now is the model's rows', as its other ranges are."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from common.timestamps import NS_SECONDS
from services.training.engines.base import Engine
from services.training.engines.conform import conform
from services.training.engines.dp import private_profile
from services.training.engines.learned import learned_table
from services.training.engines.profile import build_profile
from tests.services.training.faithful_world import ingested


class _ModelRows:
    """A trained model as `private_profile` uses it: the rows it generates."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        return self.rows.head(n).copy()


def test_a_private_model_writes_no_real_end_of_its_usual_dates(work):
    rng = np.random.default_rng(0)
    days = pd.to_datetime("2015-01-01") + pd.to_timedelta(rng.integers(0, 3_000, 60), "D")
    valid_to = [d.strftime("%Y-%m-%d") for d in days] + ["9999-12-31"] * 140
    csv = work / "contracts.csv"
    pd.DataFrame({"valid_to": valid_to, "fee": rng.normal(100, 10, 200).round(2)}).to_csv(
        csv, index=False
    )
    table = ingested(csv, work)
    real = build_profile(table.frame, table.metadata)
    column = real.column("valid_to")
    assert column is not None and column.sentinels and column.usual_range
    low, high = column.usual_range

    # The model's rows: its usual dates a year later than the real ones.
    learned, metadata = learned_table(table.frame, table.metadata, real)
    year = 365 * 86_400.0
    usual = learned["valid_to"] < NS_SECONDS[1]
    generated = learned.assign(
        valid_to=learned["valid_to"].where(~usual, learned["valid_to"] + year)
    )
    private = private_profile(cast(Engine, _ModelRows(generated)), real, metadata, seed=1)
    kept = private.column("valid_to")
    assert kept is not None and kept.usual_range == (low + year, high + year)

    # Dates the model draws past its usual ones come back at its range's end, or 9999-12-31:
    # never the real latest date.
    drawn = pd.DataFrame({"valid_to": [high + 2 * year] * 5, "fee": [100.0] * 5})
    rows = conform(drawn, private, first_row=0, seed=1)
    real_dates = set(table.frame["valid_to"])
    assert not rows["valid_to"].isin(real_dates - {pd.Timestamp("9999-12-31")}).any(), rows
