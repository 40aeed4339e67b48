"""A table's own column names never collide with the names the rule finders use for their
bookkeeping: nycflights13's routes with `distance` named `__n` (or `origin` named so) keep
each route's real distance in every synthetic row.

Before, the pair finder counted each route's rows in a column `__n`: a column of that name
was overwritten by the counts, and generation wrote 52 (LGA → ATL's rows in the table) as
the distance of every LGA → ATL flight instead of 762; as a source, the route was not found."""

from __future__ import annotations

import pandas as pd
import pytest

from services.training.engines.artifact import read_manifest
from tests.services.training.faithful_world import FIXTURES, ingested, sample, train


@pytest.mark.parametrize(
    ("renamed", "origin", "distance"),
    [({"distance": "__n"}, "origin", "__n"), ({"origin": "__n"}, "__n", "distance")],
)
def test_a_column_named_like_a_finder_s_count_keeps_its_values(renamed, origin, distance, work):
    real = pd.read_csv(FIXTURES / "flights_routes.csv").rename(columns=renamed)
    csv = work / f"routes-{origin}-{distance}.csv"
    real.to_csv(csv, index=False)
    table = ingested(csv, work)
    trained = train(table, "gaussian_copula", work)
    (pair,) = read_manifest(trained.artifact).profile.pair_dependencies
    assert (pair.sources, pair.columns) == ((origin, "dest"), (distance,))

    miles = real.groupby([origin, "dest"])[distance].first().to_dict()
    assert miles[("LGA", "ATL")] == 762
    rows = pd.read_parquet(sample(trained, 1_000, work))
    routes = list(zip(rows[origin], rows["dest"], strict=True))
    assert list(rows[distance]) == [miles[route] for route in routes]
    atl = rows.loc[(rows[origin] == "LGA") & (rows["dest"] == "ATL"), distance]
    assert len(atl) > 0 and (atl == 762).all()
