"""What a report is computed from, fetched from training and datasets, and checked.

A model batch is evaluated against the dataset its model learnt from (train and holdout
splits, and the dataset's metadata). A template batch has no real data behind it: it is
checked against its template's schema only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, NoReturn

import pandas as pd
from google.protobuf import json_format

from common.contracts.relational import RelationalError, RelationalSchema
from common.contracts.rule_protos import rules_from_proto
from common.contracts.template_schema import FieldSpec, SchemaError, parse_schema
from common.errors import FailedPrecondition, InvalidArgument, NotFound
from common.moments import DEFAULT_REFERENCE_DATE, parse_moment
from services.datasets.client import relational_schema
from services.evaluation import models as m
from services.evaluation.peers import Caller, Peers
from services.evaluation.report import ReportOptions
from services.evaluation.report.columns import kind_of as kind_of_sdtype
from services.evaluation.report.columns import plan_columns
from services.evaluation.report.utility import check_target, choose_target
from synthetica.datasets.v1 import datasets_pb2
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2

_NOT_READY = {
    training_pb2.BATCH_STATUS_GENERATING: ("is still generating", "BATCH_GENERATING"),
    training_pb2.BATCH_STATUS_FAILED: ("failed to generate", "BATCH_FAILED"),
    training_pb2.BATCH_STATUS_CANCELLED: ("was cancelled", "BATCH_CANCELLED"),
    training_pb2.BATCH_STATUS_EXPIRED: ("has expired and its rows were deleted", "BATCH_EXPIRED"),
}
# Template field types as the conformance checks name them; other kinds of fake values
# (email, phone, name, ...) are strings.
_CONFORMANCE_TYPES = {
    "int": "integer",
    "integer": "integer",
    "float": "float",
    "bool": "boolean",
    "boolean": "boolean",
    "date": "datetime",
    "datetime": "datetime",
    "category": "category",
}


@dataclass(frozen=True)
class FullInputs:
    train: pd.DataFrame
    holdout: pd.DataFrame
    synthetic: pd.DataFrame
    metadata: dict[str, Any]
    kind: str = m.FULL
    # {"epsilon", "delta"} the model's training spent, when trained with DP.
    privacy_spent: dict[str, float] | None = None
    # The conditions the batch was generated with (the report compares with the real rows
    # meeting them); empty without.
    conditions: dict[str, Any] = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class RelationalInputs:
    """Several tables or a sequential table: each side keyed by table name, and the
    metadata of each table as `report_metadata` gives it."""

    train: dict[str, pd.DataFrame]
    holdout: dict[str, pd.DataFrame]
    synthetic: dict[str, pd.DataFrame]
    metadata: dict[str, dict[str, Any]]
    schema: RelationalSchema
    kind: str = m.FULL


@dataclass(frozen=True)
class ConformanceInputs:
    tables: dict[str, pd.DataFrame]
    schema: dict[str, Any]
    kind: str = m.CONFORMANCE


Inputs = FullInputs | ConformanceInputs | RelationalInputs


def check_batch_ready(batch: training_pb2.Batch) -> None:
    if batch.status == training_pb2.BATCH_STATUS_READY:
        return
    message, reason = _NOT_READY.get(batch.status, ("is not ready", "BATCH_NOT_READY"))
    raise FailedPrecondition(f"batch {batch.id} {message}", reason=reason)


def kind_of(batch: training_pb2.Batch | events_pb2.BatchGenerated) -> str:
    """Batches without a model are fake data from a template or schema: no real data."""
    return m.FULL if batch.model_id else m.CONFORMANCE


async def load_inputs(peers: Peers, batch: training_pb2.Batch, caller: Caller) -> Inputs:
    """Everything the report needs; raises a domain error when the batch cannot be evaluated."""
    check_batch_ready(batch)
    if kind_of(batch) == m.CONFORMANCE:
        return await _conformance_inputs(peers, batch, caller)
    return await _full_inputs(peers, batch, caller)


async def admit(
    peers: Peers, batch: training_pb2.Batch, caller: Caller, options: ReportOptions
) -> None:
    """The refusals an Evaluate call gets at once, from metadata only (no table is read
    before the report's turn comes): a batch not ready, a template batch with a target or
    without a template, a deleted dataset, a target that is not a usable column of it or is
    constant in it. What only the rows can tell fails the report when it runs."""
    check_batch_ready(batch)
    if kind_of(batch) == m.CONFORMANCE:
        if not batch.template_id:
            _no_template(batch)
        if options.target_column:
            raise InvalidArgument(
                "a template batch has no real data, so it takes no target column",
                field="target_column",
            )
        return
    dataset = await _dataset_of(peers, batch, caller)
    target = options.target_column
    if target is None:
        return
    if dataset_schema(dataset) is not None:
        raise InvalidArgument(
            "a report of several tables takes no target column (each table's report uses "
            "its own default)",
            field="target_column",
        )
    sdtypes = {c.name: c.sdtype for c in dataset.metadata.columns}
    if target not in sdtypes:
        raise InvalidArgument(
            f"target column {target!r} is not in the table", field="target_column"
        )
    if kind_of_sdtype(sdtypes[target]) not in ("categorical", "numerical"):
        raise InvalidArgument(
            f"target column {target!r} must be categorical, boolean or numerical, "
            f"not {sdtypes[target]}",
            field="target_column",
        )
    stats = await peers.dataset_stats(dataset.id, caller)
    column = next((c for c in stats.get("columns", []) if c.get("name") == target), None)
    if column is not None and column.get("distinct", 2) < 2:
        raise InvalidArgument(
            f"target column {target!r} is constant or empty in the real data",
            field="target_column",
        )


def _no_template(batch: training_pb2.Batch) -> NoReturn:
    raise FailedPrecondition(
        f"batch {batch.id} was generated from an unsaved schema, so there is nothing to "
        "check it against",
        reason="NO_TEMPLATE",
    )


async def _dataset_of(
    peers: Peers, batch: training_pb2.Batch, caller: Caller
) -> datasets_pb2.Dataset:
    dataset_id = batch.dataset_id
    if not dataset_id:
        dataset_id = (await peers.get_model(batch.model_id, caller)).dataset_id
    try:
        dataset = await peers.get_dataset(dataset_id, caller)
    except NotFound as exc:
        raise FailedPrecondition(
            f"the dataset of batch {batch.id} was deleted, so there is no real data to "
            "compare it with",
            reason="DATASET_DELETED",
        ) from exc
    if dataset.status != datasets_pb2.DATASET_STATUS_READY:
        raise FailedPrecondition(f"dataset {dataset_id} is not ready", reason="DATASET_NOT_READY")
    return dataset


def dataset_schema(dataset: datasets_pb2.Dataset) -> RelationalSchema | None:
    """The dataset's tables and links when it has several tables or a sequential table;
    None for a single plain table (its report stays the single-table one)."""
    if not dataset.tables:
        return None
    try:
        schema = relational_schema(dataset)
    except RelationalError as exc:
        raise FailedPrecondition(
            f"dataset {dataset.id} has tables that cannot be evaluated together: {exc}",
            reason="INVALID_RELATIONAL_SCHEMA",
        ) from exc
    return None if schema.is_single_table else schema


async def _full_inputs(
    peers: Peers, batch: training_pb2.Batch, caller: Caller
) -> FullInputs | RelationalInputs:
    dataset = await _dataset_of(peers, batch, caller)
    schema = dataset_schema(dataset)
    if schema is not None:
        return await _relational_inputs(peers, batch, caller, dataset, schema)
    dataset_id = dataset.id
    synthetic = await peers.batch_table(batch.id, caller)
    train = await peers.dataset_split(dataset_id, "train", caller)
    holdout = await peers.dataset_split(dataset_id, "holdout", caller)
    if holdout.empty:
        raise FailedPrecondition(
            f"dataset {dataset_id} kept no holdout rows, which utility and privacy need",
            reason="NO_HOLDOUT",
        )
    return FullInputs(
        train=train,
        holdout=holdout,
        synthetic=synthetic,
        metadata=report_metadata(dataset),
        privacy_spent=await _privacy_spent(peers, batch, caller),
        conditions=json_format.MessageToDict(batch.conditions)
        if batch.HasField("conditions")
        else {},
    )


async def _privacy_spent(
    peers: Peers, batch: training_pb2.Batch, caller: Caller
) -> dict[str, float] | None:
    if not batch.model_id:
        return None
    model = await peers.get_model(batch.model_id, caller)
    if not model.HasField("privacy_spent"):
        return None
    return {"epsilon": model.privacy_spent.epsilon, "delta": model.privacy_spent.delta}


async def _relational_inputs(
    peers: Peers,
    batch: training_pb2.Batch,
    caller: Caller,
    dataset: datasets_pb2.Dataset,
    schema: RelationalSchema,
) -> RelationalInputs:
    """Every table of the dataset (train and holdout, split by root entity) and of the batch
    (one file per table, named; a one-table batch's only file unnamed)."""
    several = len(schema.tables) > 1
    train, holdout, synthetic = {}, {}, {}
    for table in schema.order():
        name = table.name
        synthetic[name] = await peers.batch_table(batch.id, caller, table=name if several else "")
        train[name] = await peers.dataset_split(dataset.id, "train", caller, table=name)
        holdout[name] = await peers.dataset_split(dataset.id, "holdout", caller, table=name)
    if all(frame.empty for frame in holdout.values()):
        raise FailedPrecondition(
            f"dataset {dataset.id} kept no holdout rows, which privacy needs",
            reason="NO_HOLDOUT",
        )
    metadata = {table.name: metadata_of(table.metadata) for table in dataset.tables}
    return RelationalInputs(
        train=train, holdout=holdout, synthetic=synthetic, metadata=metadata, schema=schema
    )


def report_metadata(dataset: datasets_pb2.Dataset) -> dict[str, Any]:
    """The dataset's metadata (with its rules) in the shape the report core reads."""
    rules = [rule.model_dump(mode="json") for rule in rules_from_proto(dataset)]
    return metadata_of(dataset.metadata) | {"rules": rules}


def metadata_of(metadata: datasets_pb2.DatasetMetadata) -> dict[str, Any]:
    """One table's metadata in the shape the report core reads."""
    columns = {
        column.name: {
            "sdtype": column.sdtype,
            "datetime_format": column.datetime_format or None,
            "pii": column.pii,
        }
        for column in metadata.columns
    }
    return {
        "columns": columns,
        "primary_key": metadata.primary_key or None,
        "target_column": metadata.target_column or None,
    }


async def _conformance_inputs(
    peers: Peers, batch: training_pb2.Batch, caller: Caller
) -> ConformanceInputs:
    if not batch.template_id:
        _no_template(batch)
    schema = conformance_schema(await peers.get_template_schema(batch.template_id, caller))
    names = list(schema["tables"])
    tables = {
        name: await peers.batch_table(batch.id, caller, table=name if len(names) > 1 else "")
        for name in names
    }
    return ConformanceInputs(tables=tables, schema=schema)


def conformance_schema(schema_json: str) -> dict[str, Any]:
    """A template's schema (the contract training stores, common.contracts.template_schema)
    as conformance specs."""
    try:
        schema = parse_schema(schema_json)
    except SchemaError as exc:
        raise FailedPrecondition(f"the batch's template schema cannot be read: {exc}") from exc
    return {
        "tables": {
            table.name: {
                "columns": {
                    field.name: _field_spec(field) for field in table.fields if not field.hidden
                },
                "foreign_keys": [
                    {
                        "column": field.name,
                        "references": {
                            "table": field.foreign_key.table,
                            "column": field.foreign_key.field,
                        },
                    }
                    for field in table.fields
                    if field.foreign_key is not None and not field.hidden
                ],
            }
            for table in schema.tables
        }
    }


def _field_spec(field: FieldSpec) -> dict[str, Any]:
    kind = _CONFORMANCE_TYPES.get(field.type, "string")
    spec: dict[str, Any] = {"type": kind}
    if field.unique:
        spec["unique"] = True
    spec["max_null_rate" if field.null_rate else "nullable"] = field.null_rate or False
    # A string's min/max are lengths, not bounds on values.
    if kind in ("integer", "float", "datetime"):
        for bound, value in (("min", field.min), ("max", field.max)):
            if value is not None:
                spec[bound] = _moment(field, value) if kind == "datetime" else value
    if field.regex:
        spec["regex"] = field.regex
    if kind == "category" and field.categories:
        spec["categories"] = field.categories
    return spec


def _moment(field: FieldSpec, value: Any) -> str:
    """A date bound ("today-90y" included) as the generator resolved it: its reference day,
    and whole days for a date field (whole seconds for a datetime), as it draws them."""
    try:
        moment = parse_moment(value, DEFAULT_REFERENCE_DATE)
    except ValueError as exc:
        raise FailedPrecondition(
            f"field {field.name!r}: the bound {value!r} is not a date: {exc}",
            reason="INVALID_TEMPLATE_SCHEMA",
        ) from exc
    if field.type == "date":
        return dt.datetime.combine(moment.date(), dt.time()).isoformat()
    return moment.replace(microsecond=0).isoformat()


def report_options(stored: Mapping[str, Any], defaults: Mapping[str, Any]) -> ReportOptions:
    """The options a report runs with: the service's defaults, then what was asked."""
    given = {key: value for key, value in stored.items() if value is not None}
    try:
        return ReportOptions(**{**defaults, **given})
    except ValueError as exc:
        raise InvalidArgument(f"invalid options: {exc}", field="options") from exc


def check_options(inputs: Inputs, options: ReportOptions) -> None:
    """Refuses a target the utility models cannot use, before any heavy work is queued."""
    if isinstance(inputs, RelationalInputs):
        # Each table picks its own default target; one column cannot be every table's.
        if options.target_column:
            raise InvalidArgument(
                "a report of several tables takes no target column (each table's report "
                "uses its own default)",
                field="target_column",
            )
        return
    if not isinstance(inputs, FullInputs):
        if options.target_column:
            raise InvalidArgument(
                "a template batch has no real data, so it takes no target column",
                field="target_column",
            )
        return
    frames = {"train": inputs.train, "holdout": inputs.holdout, "synthetic": inputs.synthetic}
    plan = plan_columns(inputs.metadata, frames)
    target = choose_target(
        plan, options.target_column, inputs.train, stored=inputs.metadata.get("target_column")
    )
    # A default target that does not work leaves utility unmeasured (the report says why);
    # only a target the user chose is refused.
    if target is not None and options.target_column is not None:
        check_target(target, plan, inputs.train, inputs.holdout, inputs.synthetic)
