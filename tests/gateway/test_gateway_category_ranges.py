"""The range a number keeps within each value of a category column (no 6 kg Adelie penguin)
through GraphQL: on the real stack, a batch of a model trained now keeps every range and the
report says so (Report.categoryRanges, Report.rangeVerdict PASS); a batch with rows outside
is read as a user reads it (FAIL, the ranges broken first)."""

from __future__ import annotations

import strawberry

from gateway.schema.evaluation.types import Report
from services.evaluation.report import ReportOptions, build_report
from synthetica.evaluation.v1 import evaluation_pb2
from tests.gateway.test_gateway_rules import _generated_rows, _ready, _trained, client
from tests.services.training.faithful_world import FIXTURES

__all__ = ["client"]  # the fixture, as test_gateway_rules starts it

PENGUINS = FIXTURES / "penguins.csv"
REPORT_RANGES = """
query($batchId: ID!) { report(batchId: $batchId) { status
  categoryRanges { category value number low high description violationCount violationShare
    holdoutViolationCount holdoutShare realRows }
  rangeVerdict { verdict summary rows share holdoutRows holdoutShare expectedShare } } }"""


async def test_a_batch_keeps_every_range_and_the_report_says_so(client, world):
    owner, _, model_id = await _trained(client, world, PENGUINS.read_bytes())
    batch_id, rows = await _generated_rows(client, owner.token, model_id)
    report = await _ready(client, owner.token, batch_id, REPORT_RANGES)
    ranges = report["categoryRanges"]
    by_species = [r for r in ranges if (r["category"], r["number"]) == ("species", "body_mass_g")]
    assert {r["value"] for r in by_species} >= {"Adelie", "Gentoo"}, ranges
    for bound in ranges:
        assert bound["violationCount"] == 0, bound
        assert bound["realRows"] >= 20, bound
        numbers = rows.loc[rows[bound["category"]].astype(str) == bound["value"], bound["number"]]
        assert len(numbers) > 0, bound
        if bound["low"] is not None:
            assert numbers.min() >= bound["low"], bound
        if bound["high"] is not None:
            assert numbers.max() <= bound["high"], bound
    verdict = report["rangeVerdict"]
    assert (verdict["verdict"], verdict["rows"], verdict["share"]) == ("PASS", 0, 0.0), verdict
    assert verdict["summary"].startswith(f"pass: 0 of {len(rows):,} synthetic rows"), verdict


def test_a_batch_with_6_kg_adelie_penguins_reads_fail():
    import pandas as pd

    real = pd.read_csv(PENGUINS)
    metadata = {
        "columns": {
            name: {"sdtype": "categorical" if real[name].dtype == object else "numerical"}
            for name in real.columns
        }
    }
    holdout = real.sample(n=80, random_state=1)
    train = real.drop(holdout.index)
    # The training rows lie within their own ranges; 150 of 1,000 Adelies then weigh 6 kg.
    synthetic = train.sample(n=1_000, replace=True, random_state=2).reset_index(drop=True)
    adelie = synthetic.index[synthetic["species"] == "Adelie"][:150]
    synthetic.loc[adelie, "body_mass_g"] = 6_000
    options = ReportOptions(sample_rows=200, privacy_sample_rows=80)
    document = build_report(train, holdout, synthetic, metadata, options).model_dump_json()
    proto = evaluation_pb2.Report(
        id="r", batch_id="b", status=evaluation_pb2.REPORT_STATUS_READY, report_json=document
    )

    @strawberry.type
    class Query:
        @strawberry.field
        def report(self) -> Report:
            return Report.from_proto(proto, None)

    query = REPORT_RANGES.replace("query($batchId: ID!) { report(batchId: $batchId)", "{ report")
    result = strawberry.Schema(query=Query).execute_sync(query)
    assert result.errors is None and result.data is not None, result.errors
    report = result.data["report"]
    first = report["categoryRanges"][0]
    assert (first["category"], first["value"], first["number"]) == (
        "species",
        "Adelie",
        "body_mass_g",
    )
    assert first["violationCount"] == 150 and first["high"] is not None and first["high"] < 6_000
    assert first["description"].startswith("body_mass_g by species = Adelie: ")
    verdict = report["rangeVerdict"]
    assert (verdict["verdict"], verdict["rows"]) == ("FAIL", 150), verdict
    assert verdict["summary"].startswith("fail: 150 of 1,000 synthetic rows (15.00%)"), verdict
    # A small table's holdout lies outside the training rows' ranges too: the baseline.
    assert verdict["holdoutRows"] > 0 and 0.01 < verdict["expectedShare"] < 0.15, verdict
    assert f"(real holdout: {verdict['holdoutShare']:.2%}; new real rows: " in verdict["summary"]
