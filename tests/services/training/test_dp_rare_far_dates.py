"""A differentially private model of a date column reaching beyond pandas' nanoseconds
(9999-12-31 for "still valid") writes real dates only where they are a convention:

- a far date one real row had (3015-06-01, a typo) was kept as a "sentinel" beside
  9999-12-31, and every date the model drew past its usual ones was moved onto one of them:
  the row's date was written again;
- a model whose dates all stayed within nanoseconds (DP cuts rare far values: a few open
  contracts among many) had its dates, learned as seconds, read as nanoseconds: every
  synthetic date was 1970-01-01."""

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


def _private(work, *, open_ended: bool):
    rng = np.random.default_rng(0)
    days = pd.to_datetime("2015-01-01") + pd.to_timedelta(rng.integers(0, 3_000, 194), "D")
    valid_to = [d.strftime("%Y-%m-%d") for d in days] + ["9999-12-31"] * 5 + ["3015-06-01"]
    csv = work / "contracts.csv"
    fees = rng.normal(100, 10, 200).round(2)
    pd.DataFrame({"valid_to": valid_to, "fee": fees}).to_csv(csv, index=False)
    table = ingested(csv, work)
    real = build_profile(table.frame, table.metadata)
    column = real.column("valid_to")
    assert column is not None and len(column.sentinels) == 2, "3015-06-01 is one"
    learned, metadata = learned_table(table.frame, table.metadata, real)
    # The model's rows: its dates all usual ones (the far ones were a tail DP cut), or
    # 9999-12-31 too.
    usual = learned["valid_to"] < NS_SECONDS[1]
    if open_ended:
        usual |= learned["valid_to"] > 1e11
    generated = learned.assign(valid_to=learned["valid_to"].where(usual, learned["valid_to"][0]))
    model = cast(Engine, _ModelRows(generated))
    return private_profile(model, real, metadata, seed=1), generated


def test_a_models_usual_dates_come_out_as_dates(work):
    private, generated = _private(work, open_ended=False)
    rows = conform(generated.head(50), private, first_row=0, seed=1)
    years = rows["valid_to"].dt.year
    assert years.between(2015, 2023).all(), rows["valid_to"].value_counts().head()


def test_a_far_date_the_model_draws_is_no_real_rows_date(work):
    private, _ = _private(work, open_ended=True)
    far = float(np.datetime64("3015-06-01", "s").astype(np.int64))
    drawn = pd.DataFrame({"valid_to": [far, far + 86_400.0, 2 * far], "fee": [100.0] * 3})
    rows = conform(drawn, private, first_row=0, seed=1)
    written = {str(v)[:10] for v in rows["valid_to"]}
    assert "3015-06-01" not in written and "3015-06-02" not in written, written
