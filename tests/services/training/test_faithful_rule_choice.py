"""Training and the report choose the same joint rules (a route's distance, a make joined from
its parts) on the same training rows: the report counts breaks of exactly the rules the model
keeps (`common.contracts.joint_rules`).

Before, the report set fewer columns aside than training: on a table whose month and day are
category columns beside the day of the year, it counted "month & day → day_of_year" as broken
in synthetic rows while training, which keeps month and day a real date instead, never asked
the model to keep it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.evaluation.report.calendar import real_date_parts
from services.evaluation.report.dependencies import joint_checks, real_dependencies
from services.evaluation.report.totals import real_leaders, real_totals
from services.training.engines.trainset import stream_profile
from tests.services.training.faithful_world import FIXTURES, Ingested, ingested

SLICES = sorted(path.name for path in FIXTURES.glob("*.csv"))


def _both(table: Ingested, work: Path) -> tuple[list[str], list[str]]:
    """The joint rules training stores and those the report checks, on one train split."""
    holdout = table.frame.sample(frac=0.2, random_state=0)
    train = table.frame.drop(holdout.index).reset_index(drop=True)
    split = work / "train.parquet"
    pq.write_table(pa.Table.from_pandas(train, preserve_index=False), split)
    profile, _ = stream_profile(split, table.metadata)
    stored = [c.description for c in profile.concatenations]
    stored += [p.description for p in profile.pair_dependencies]
    metadata = table.metadata
    checks = joint_checks(
        train,
        train,
        metadata,
        real_dependencies(train, train, metadata),
        totals=real_totals(train, train, metadata),
        leaders=real_leaders(train, train, metadata),
        date_parts=real_date_parts(train, train, metadata),
    )
    checked = [c.description for c in checks]
    return stored, checked


@pytest.mark.parametrize("name", SLICES)
def test_training_and_the_report_choose_the_same_joint_rules(name, tmp_path):
    stored, checked = _both(ingested(FIXTURES / name, tmp_path), tmp_path)
    assert stored == checked
    expected = {
        "cars93.csv": ['Make = Manufacturer + " " + Model'],
        "flights_routes.csv": ["origin & dest → distance"],
        # A pizza's price is set by the pizza and its size, in every real row.
        "pizzaplace.csv": ["name & size → price"],
        # The inheritance score is the mean of the daughters' and the widows': a total now
        # (`test_faithful_hfi_formulas`), no pair. This rule holds in this train split only: a
        # country's scores are carried over from year to year (2.4 rows per pair), and one
        # pair of the holdout disagrees. It passes the finder's test for an accident here.
        "hfi.csv": ["ISO_code & pf_religion_estop_operate → pf_association_sport_establish"],
    }
    assert stored == expected.get(name, [])


def test_a_date_s_parts_are_no_pair_for_the_report_either(tmp_path):
    rng = np.random.default_rng(3)
    days = pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 365, 3_000), unit="D")
    frame = pd.DataFrame(
        {
            "month": days.month,
            "day": days.day,
            "day_of_year": days.dayofyear,
            "carrier": rng.choice(["AA", "UA", "DL"], len(days)),
        }
    )
    csv = tmp_path / "days.csv"
    frame.to_csv(csv, index=False)
    table = ingested(csv, tmp_path)
    for name in ("month", "day"):  # as a user marks them in the dataset's metadata
        table.metadata["columns"][name]["sdtype"] = "categorical"
    profile, _ = stream_profile(table.parquet, table.metadata)
    assert [(p.month, p.day) for p in profile.date_parts] == [("month", "day")]
    assert _both(table, tmp_path) == ([], [])
