"""A differentially private model's profile holds nothing of the real rows beyond its schema:
what generation sets from a rule (a route's distance) or keeps to (a column's few whole
values) is found on the rows the DP model generates, as its ranges and categories are.

Before, the rules added after the first DP work (a pair's mapping, a joined column's recipe)
and the whole-number levels were kept from the real table, so generation wrote the real
routes' exact distances into every row of a model trained under a privacy budget."""

from __future__ import annotations

from typing import cast

import pandas as pd

from services.training.engines.base import Engine
from services.training.engines.dp import private_profile
from services.training.engines.profile import build_profile
from tests.services.training.faithful_world import FIXTURES, ingested


class _ModelRows:
    """A trained model as `private_profile` uses it: the rows it generates."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        return self.rows.head(n).copy()


def test_a_private_profile_takes_pairs_and_levels_from_the_models_rows(work):
    table = ingested(FIXTURES / "flights_routes.csv", work)
    real = build_profile(table.frame, table.metadata)
    assert real.pair_dependencies, "the real rows fix distance by route"
    jfk_lax = {(r[0], r[1]): r[2:] for r in real.pair_dependencies[0].rows}[("JFK", "LAX")]
    month = real.column("month")
    assert month is not None and month.levels == tuple(float(m) for m in range(1, 13))

    # The model's rows: every route 10 miles longer, flown in the first half-year only.
    generated = table.frame.assign(distance=table.frame["distance"] + 10)
    generated["month"] = (generated["month"] - 1) % 6 + 1
    private = private_profile(cast(Engine, _ModelRows(generated)), real, table.metadata, seed=1)

    by_route = {(r[0], r[1]): r[2:] for r in private.pair_dependencies[0].rows}
    assert by_route[("JFK", "LAX")] == tuple(v + 10 for v in jfk_lax)
    month = private.column("month")
    assert month is not None and month.levels == tuple(float(m) for m in range(1, 7))


def test_a_private_profile_keeps_a_key_only_where_the_models_rows_keep_it(work):
    table = ingested(FIXTURES / "hfi.csv", work)
    real = build_profile(table.frame, table.metadata)
    assert [k.columns for k in real.unique_keys] == [("ISO_code", "year"), ("countries", "year")]
    # The model's rows score every country twice in its first year: no key to keep.
    generated = pd.concat([table.frame, table.frame.head(50)], ignore_index=True)
    private = private_profile(cast(Engine, _ModelRows(generated)), real, table.metadata, seed=1)
    assert private.unique_keys == ()
