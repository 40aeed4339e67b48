"""The report on columns it leaves out of its scores (ids, personal data): a share of
synthetic values written in a form no real value has.

Before: a pizzeria's time of day (gt's pizzaplace, `11:57:40`) taken for an IPv6 address came
back `86.228.88.182` in every synthetic row, and the report, leaving PII out of its scores,
said nothing about it.
"""

from __future__ import annotations

import copy

import pandas as pd

from services.evaluation.report import render_html
from tests.corpus import customers_frame
from tests.services.training.faithful_world import Ingested, ingested, reported, sample, train

SECTION = "Values written unlike the real ones"


def test_times_faked_as_addresses_are_named(pizzas, work):
    # The table as ingestion read and typed it before: times as text, taken for addresses.
    frame = pizzas.frame.assign(time=pizzas.frame["time"].dt.strftime("%H:%M:%S"))
    frame.to_parquet(work / "pizzas_before.parquet")
    typed_before = copy.deepcopy(pizzas.metadata)
    typed_before["columns"]["time"] = {"sdtype": "ip_address", "pii": True}
    before = Ingested(frame, typed_before, work / "pizzas_before.parquet")
    rows = pd.read_parquet(sample(train(before, "gaussian_copula", work), 300, work))
    report = reported(before, rows)
    forms = {check.column: check for check in report.forms}
    assert forms["time"].unlike_share == 1.0
    assert forms["time"].real_example == frame["time"].iloc[0]
    html = render_html(report)
    assert SECTION in html and forms["time"].example in html


def test_ids_written_like_the_real_ones_are_not(pizzas, work):
    rows = pd.read_parquet(sample(train(pizzas, "gaussian_copula", work), 300, work))
    report = reported(pizzas, rows)
    assert [(c.column, c.unlike_share) for c in report.forms] == [("id", 0.0)]
    assert SECTION not in render_html(report)


def test_fake_people_are_written_like_the_real_ones(work):
    path = work / "customers.csv"
    customers_frame().to_csv(path, index=False)
    customers = ingested(path, work)
    rows = pd.read_parquet(sample(train(customers, "gaussian_copula", work), 300, work))
    report = reported(customers, rows)
    shares = {c.column: c.unlike_share for c in report.forms}
    assert shares["name"] == shares["ssn"] == 0.0 and shares["email"] < 0.5, shares
    # The real phones are written 21 ways (`2183159083`, `+1-490-399-6030x8246`,
    # `(484)426-8465x6321`, `972.689.0257`); the fake ones were all `(959) 431-2899`, a way
    # no real phone is (100 % here), then all in the commonest real way (`972.689.0257`), and
    # are now written in the real ways by their shares (`id_shapes.phone_forms`).
    assert shares["phone"] == 0.0
    gaps = {c.column: c.form_gap for c in report.forms}
    assert gaps["phone"] is not None and gaps["phone"] < 0.2, gaps
    assert rows["phone"].str.replace(r"\d", "9", regex=True).nunique() > 3, rows["phone"].head()
    assert not rows["phone"].isin(customers.frame["phone"]).any()
    assert SECTION not in render_html(report)
