"""openintro's email: `image` (images attached) ≤ `attach` (attachments) in every email, two
counts of a few values each, typed as categories.

Before: orders between columns were kept between number and date columns only, so every
engine wrote emails with more images than attachments, and the report listed no such order.
"""

from __future__ import annotations

import pandas as pd
import pytest

from common.contracts.orderings import Order, kept_orders
from tests.corpus import shared_tables
from tests.services.training.faithful_world import (
    FIXTURES,
    QUICK_PARAMS,
    ingested,
    reported,
    sample,
    train,
    unmended,
)


def test_the_counts_are_categories_in_order(emails):
    columns = emails.metadata["columns"]
    assert columns["image"]["sdtype"] == columns["attach"]["sdtype"] == "categorical"
    assert (emails.frame["image"] <= emails.frame["attach"]).all()
    assert Order("image", "attach", "coded", 2000) in kept_orders(emails.frame, columns)


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_no_synthetic_email_has_more_images_than_attachments(engine, emails, work):
    rows = pd.read_parquet(sample(train(emails, engine, work, **QUICK_PARAMS[engine]), 500, work))
    more = rows["image"] > rows["attach"]
    assert not more.any(), rows.loc[more, ["image", "attach"]].head()
    for name in ("image", "attach"):  # the counts the engine wrote, real ones only
        assert set(rows[name].dropna()) <= set(emails.frame[name])
    assert (rows["attach"] > 0).sum() > 5


def test_the_report_counts_emails_with_more_images_than_attachments(emails, work):
    trained = train(emails, "ctgan", work, **QUICK_PARAMS["ctgan"])

    def check(rows: pd.DataFrame):
        report = reported(emails, rows)
        return next(c for c in report.orderings if (c.low, c.high) == ("image", "attach"))

    raw = unmended(trained, 500)  # what ctgan wrote before
    broken = int((raw["image"] > raw["attach"]).sum())
    assert broken > 5
    assert check(raw).violation_count == broken
    assert check(pd.read_parquet(sample(trained, 500, work))).violation_count == 0


def test_no_other_table_orders_counts_typed_as_categories(work):
    tables = {**shared_tables(), **{p.stem: p for p in FIXTURES.glob("*.csv")}}
    found = []
    for name, path in tables.items():
        table = ingested(path, work)
        orders = kept_orders(table.frame, table.metadata["columns"])
        found += [(name, o.low, o.high) for o in orders if o.kind == "coded"]
    assert found == [("email", "image", "attach")]
