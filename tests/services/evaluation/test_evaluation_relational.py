"""The evaluator on a batch of several tables: the synthetic tables as a batch stores them
(one Parquet file per table, in the schema's order, read back typed), the real ones split by
root entity. The stored document and page are what GetReport and the HTML route serve."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from common.errors import FailedPrecondition, InvalidArgument
from services.evaluation.evaluator import RELATIONAL_LAYOUT, compute
from services.evaluation.inputs import RelationalInputs, check_options, dataset_schema, metadata_of
from services.evaluation.report import ReportOptions
from synthetica.datasets.v1 import datasets_pb2
from tests import relational_data
from tests.relational_data import Split

OPTIONS = ReportOptions(sample_rows=1_000)


def as_batch_files(split: Split, tables: dict[str, pd.DataFrame], folder: Path) -> dict:
    """The tables written as a batch writes them and read back as evaluation reads them."""
    out = {}
    for index, table in enumerate(split.schema.order()):
        path = folder / f"{index}-{table.name}.parquet"
        tables[table.name].to_parquet(path, index=False)
        out[table.name] = pd.read_parquet(path)
    return out


def inputs_of(split: Split, synthetic: dict[str, pd.DataFrame]) -> RelationalInputs:
    return RelationalInputs(
        train=split.train,
        holdout=split.holdout,
        synthetic=synthetic,
        metadata=split.metadata,
        schema=split.schema,
    )


def test_a_two_table_batch_gets_a_report_of_tables_links_and_integrity(tmp_path):
    split = relational_data.airports()
    synthetic = relational_data.resampled_families(split, split.holdout)
    synthetic["airports"].loc[:4, "state"] = "ZZ"  # five orphans
    inputs = inputs_of(split, as_batch_files(split, synthetic, tmp_path))
    outcome = compute(inputs, OPTIONS, report_id="r1", batch_id="b1")
    document = json.loads(outcome.report_json)
    assert document["layout"] == RELATIONAL_LAYOUT
    assert document["kind"] == "full"
    assert [table["name"] for table in document["tables"]] == ["states", "airports"]
    assert document["tables"][1]["report"]["quality"]["overall_score"] is not None
    (link,) = document["links"]
    assert link["integrity"]["orphan_rows"] == 5
    assert document["alerts"][0].startswith("REFERENTIAL INTEGRITY BROKEN")
    assert document["sequences"] == []
    assert (
        outcome.quality_score == document["overall_score"] == document["sdmetrics"]["overall_score"]
    )
    assert outcome.privacy_verdict == document["privacy_verdict"] == "pass"
    page = outcome.html.decode()
    assert "Synthetic data report, batch b1" in page
    assert page.index("REFERENTIAL INTEGRITY BROKEN") < page.index("<h2>Table states</h2>")


def test_a_sequential_batch_gets_sequence_metrics(tmp_path):
    split = relational_data.temperatures()
    synthetic = relational_data.resampled_families(split, split.holdout)
    inputs = inputs_of(split, as_batch_files(split, synthetic, tmp_path))
    outcome = compute(inputs, OPTIONS, report_id="r2", batch_id="b2")
    document = json.loads(outcome.report_json)
    (sequence,) = document["sequences"]
    assert sequence["table"] == "temperatures"
    assert sequence["length"]["score"] >= 0.7
    assert sequence["gaps"]["score"] == 1.0
    assert document["links"] == []
    assert outcome.quality_score == document["overall_score"]


def test_a_report_of_several_tables_refuses_one_target_column():
    split = relational_data.airports()
    inputs = inputs_of(split, split.holdout)
    with pytest.raises(InvalidArgument, match="takes no target column"):
        check_options(inputs, ReportOptions(target_column="latitude"))
    check_options(inputs, ReportOptions())


def column(name: str, sdtype: str) -> datasets_pb2.ColumnMetadata:
    return datasets_pb2.ColumnMetadata(name=name, sdtype=sdtype)


def table_proto(name: str, columns: dict[str, str], **fields) -> datasets_pb2.DatasetTable:
    metadata = datasets_pb2.DatasetMetadata(
        columns=[column(n, s) for n, s in columns.items()],
        primary_key=fields.pop("primary_key", ""),
    )
    return datasets_pb2.DatasetTable(name=name, metadata=metadata, **fields)


def test_a_dataset_of_two_linked_tables_is_evaluated_as_such():
    dataset = datasets_pb2.Dataset(
        id="d",
        tables=[
            table_proto("states", {"state": "id", "region": "categorical"}, primary_key="state"),
            table_proto("airports", {"iata": "id", "state": "id", "latitude": "numerical"}),
        ],
        foreign_keys=[
            datasets_pb2.ForeignKey(
                parent_table="states",
                parent_column="state",
                child_table="airports",
                child_column="state",
            )
        ],
    )
    schema = dataset_schema(dataset)
    assert schema is not None
    assert [table.name for table in schema.order()] == ["states", "airports"]
    assert metadata_of(dataset.tables[1].metadata)["columns"]["latitude"]["sdtype"] == "numerical"


def test_a_single_sequential_table_is_evaluated_as_sequences_and_a_plain_one_is_not():
    plain = datasets_pb2.Dataset(
        id="d", tables=[table_proto("t", {"month": "categorical", "temp": "numerical"})]
    )
    assert dataset_schema(plain) is None  # the single-table report, exactly as before
    assert dataset_schema(datasets_pb2.Dataset(id="old")) is None  # stored before tables
    sequential = datasets_pb2.Dataset(
        id="d",
        tables=[
            table_proto(
                "t",
                {"month": "id", "date": "datetime", "temp": "numerical"},
                sequence=datasets_pb2.SequenceSpec(entity_key="month", order_column="date"),
            )
        ],
    )
    schema = dataset_schema(sequential)
    assert schema is not None and schema.tables[0].sequence is not None


def test_a_schema_no_report_can_follow_fails_with_the_reason():
    dataset = datasets_pb2.Dataset(
        id="d",
        tables=[table_proto("a", {"k": "id"}), table_proto("b", {"k": "id"})],
        foreign_keys=[
            datasets_pb2.ForeignKey(
                parent_table="a", parent_column="k", child_table="nowhere", child_column="k"
            )
        ],
    )
    with pytest.raises(FailedPrecondition, match="no table 'nowhere'"):
        dataset_schema(dataset)
