"""Finding the text columns that join others stays bounded on a wide table whose columns each
start every row of a text column: 100 one-hot flag columns ("0" in nearly every row) beside
product codes written with leading zeros ("0000123"). Every flag starts every code, so every
chain of three flags was tried against every code: half a minute for 60 flags and one code,
hours for 100 flags and a few codes, before training began. A real joined column beside them
is still found."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from common.contracts.concatenations import MAX_PART_COLUMNS, find_concatenations
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import ingested

ROWS = 3_000


def _flags_and_codes() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = np.arange(ROWS)
    category = rng.choice(["shirt", "coat", "hat-band"], ROWS)
    size = rng.choice(["S", "M", "XL"], ROWS)
    joined = [f"{c}-{s}" for c, s in zip(category, size, strict=True)]
    columns: dict[str, object] = {"category": category, "size": size, "sku": joined}
    # One-hot flags of rare categories, each set in a few rows past the first hundreds: with
    # the three above, the first MAX_PART_COLUMNS columns are all tried as parts.
    for i in range(MAX_PART_COLUMNS):
        columns[f"flag{i}"] = np.where(rows % 997 == 600 + i, 1, 0)
    for name in ("product_code", "store_code"):
        columns[name] = [f"{k:07d}" for k in rng.integers(0, 400, ROWS)]
    return pd.DataFrame(columns)


@pytest.mark.timeout(240)  # was hours
def test_flags_starting_every_code_are_no_concatenation_and_cost_a_bounded_search(tmp_path: Path):
    table = _flags_and_codes()
    found = find_concatenations(table, list(table.columns))
    assert [c.description for c in found] == ['sku = category + "-" + size']
    # Columns that differ in the rows looked at, each starting every code, are given up too.
    rng = np.random.default_rng(6)
    prefixes = pd.DataFrame({f"p{i}": rng.choice(["0", "00"], ROWS) for i in range(60)})
    codes = table[["product_code", "store_code"]]
    assert find_concatenations(pd.concat([prefixes, codes], axis=1), [*prefixes, *codes]) == []

    # Through training's profile of the ingested table: the same.
    csv = tmp_path / "flags.csv"
    table.to_csv(csv, index=False)
    ingested_table = ingested(csv, tmp_path)
    kinds = ingested_table.metadata["columns"]
    assert {kinds[c]["sdtype"] for c in ("flag0", "product_code", "sku")} == {"categorical"}
    profile, _ = stream_profile(ingested_table.parquet, ingested_table.metadata)
    assert profile.concatenations == ()  # the sku's 9 values: it determines both parts
    (sku,) = profile.dependencies
    assert (sku.source, set(sku.columns)) == ("sku", {"category", "size"})
