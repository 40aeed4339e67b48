"""A number column of a few repeated fractions keeps to them, for every engine.

COUNT's rwm1984 (German health survey, 1984) writes years of schooling as 9, 10.5, 11.5,
12, ... 18, and a few imputed ones (11.8182): 19 values in 2,000 rows. gaussian_copula wrote
"13.424525 years" in about 3 % of its rows; whole-number columns already kept their levels
(mtcars' cylinders), columns of fractions did not.
"""

from __future__ import annotations

import pandas as pd
import pytest

from services.training.engines.trainset import stream_profile
from tests.corpus import shared_tables
from tests.services.training.faithful_world import (
    FIXTURES,
    Ingested,
    ingested,
    sample,
    train,
    unmended,
)

RWM1984 = FIXTURES / "rwm1984.csv"


@pytest.fixture(scope="module")
def rwm(work) -> Ingested:
    return ingested(RWM1984, work)


def _shares_moved(rows: pd.Series, real: pd.Series) -> float:
    shares = rows.value_counts(normalize=True).sub(real.value_counts(normalize=True), fill_value=0)
    return float(shares.abs().sum() / 2)


def test_years_of_schooling_are_levels_and_income_is_not(rwm):
    profile, _ = stream_profile(rwm.parquet, rwm.metadata)
    educ, income = profile.column("educ"), profile.column("hhninc")
    assert educ is not None and income is not None
    assert educ.levels == tuple(sorted(set(rwm.frame["educ"])))
    assert len(educ.levels) == 19
    assert not income.levels  # 600 values of household income: a measurement


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_every_engine_writes_real_years_of_schooling(engine, rwm, work):
    real = rwm.frame["educ"]
    trained = train(rwm, engine, work)
    rows = pd.read_parquet(sample(trained, 1_000, work))
    assert set(rows["educ"].dropna()) <= set(real)
    assert _shares_moved(rows["educ"], real) < 0.15
    if engine == "gaussian_copula":
        raw = unmended(trained, 1_000)["educ"].dropna()
        assert (~raw.isin(set(real))).sum() > 10  # what a user saw: 13.424525 years


def test_measurements_of_the_shared_tables_are_no_levels(work):
    # The false alarm: no fraction column of the shared tables has levels (adult's numbers
    # are whole; wine, glass and the others measure).
    for name, path in shared_tables().items():
        table = ingested(path, work)
        profile, _ = stream_profile(table.parquet, table.metadata)
        fractions = [c.name for c in profile.columns if c.kind == "numeric" and not c.integer]
        assert [n for n in fractions if profile.column(n).levels] == [], name
