"""GraphQL's Report of several tables and sequences: the typed fields a client reads (tables,
links with integrity and cardinality, sequences), from the document the evaluator stores,
queried through a Strawberry schema as clients query the gateway's."""

from __future__ import annotations

import strawberry

from gateway.schema.evaluation.types import Report
from services.evaluation.evaluator import compute
from services.evaluation.inputs import RelationalInputs
from services.evaluation.report import ReportOptions
from synthetica.evaluation.v1 import evaluation_pb2
from tests import relational_data

QUERY = """{
  report {
    qualityScore alerts
    multiTableQuality { overallScore cardinality intertableTrends }
    tables { name trainRows syntheticRows qualityScore fidelityScore privacyVerdict note }
    links {
      parentTable childTable childColumn cardinalityScore correlationScore
      integrity { share orphanRows missingKeyRows orphanExamples }
      cardinality { realMedian syntheticMedian binEdges real synthetic }
      correlations { parentColumn childColumn real synthetic score }
    }
    sequences { table }
  }
}"""
SEQUENCE_QUERY = """{
  report {
    tables { name } links { childTable }
    sequences {
      table entityKey orderColumn gapUnit score stepScore privacyVerdict
      length { score realMean syntheticMean }
      gaps { score realMedian }
      autocorrelation { column realMean syntheticMean score }
      steps { step realRows syntheticRows score }
    }
  }
}"""


def run(split, synthetic, query: str) -> dict:
    outcome = compute(
        RelationalInputs(
            train=split.train,
            holdout=split.holdout,
            synthetic=synthetic,
            metadata=split.metadata,
            schema=split.schema,
        ),
        ReportOptions(sample_rows=1_000),
        report_id="r",
        batch_id="b",
    )
    proto = evaluation_pb2.Report(
        id="r",
        batch_id="b",
        status=evaluation_pb2.REPORT_STATUS_READY,
        report_json=outcome.report_json.decode(),
        quality_score=outcome.quality_score,
    )

    @strawberry.type
    class Query:
        @strawberry.field
        def report(self) -> Report:
            return Report.from_proto(proto, None)

    result = strawberry.Schema(query=Query).execute_sync(query)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data["report"]


def test_links_and_tables_are_typed_fields():
    split = relational_data.airports()
    synthetic = relational_data.resampled_families(split, split.holdout)
    synthetic["airports"].loc[:2, "state"] = "ZZ"
    report = run(split, synthetic, QUERY)
    assert [table["name"] for table in report["tables"]] == ["states", "airports"]
    assert all(table["privacyVerdict"] == "PASS" for table in report["tables"])
    assert report["tables"][1]["fidelityScore"] > 0
    (link,) = report["links"]
    assert (link["parentTable"], link["childTable"], link["childColumn"]) == (
        "states",
        "airports",
        "state",
    )
    assert link["integrity"]["orphanRows"] == 3
    assert link["integrity"]["orphanExamples"] == ["ZZ"]
    assert link["integrity"]["share"] < 1
    assert 0 < link["cardinalityScore"] <= 1
    assert len(link["cardinality"]["binEdges"]) == len(link["cardinality"]["real"]) + 1
    assert {pair["parentColumn"] for pair in link["correlations"]} == {
        "region",
        "center_latitude",
        "center_longitude",
    }
    assert report["alerts"][0].startswith("REFERENTIAL INTEGRITY BROKEN")
    assert report["qualityScore"] == report["multiTableQuality"]["overallScore"]
    assert report["sequences"] == []


def test_sequence_metrics_are_typed_fields():
    split = relational_data.temperatures()
    synthetic = relational_data.resampled_families(split, split.holdout)
    report = run(split, synthetic, SEQUENCE_QUERY)
    assert report["links"] == []
    assert [table["name"] for table in report["tables"]] == ["temperatures"]
    (sequence,) = report["sequences"]
    assert (sequence["entityKey"], sequence["orderColumn"], sequence["gapUnit"]) == (
        "month",
        "date",
        "days",
    )
    assert sequence["gaps"]["realMedian"] == 1.0
    assert sequence["autocorrelation"][0]["column"] == "temp"
    assert [step["step"] for step in sequence["steps"]][:2] == [1, 2]
    assert sequence["privacyVerdict"] == "PASS"
    assert sequence["length"]["realMean"] > 28
