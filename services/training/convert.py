"""Rows and domain values to protobuf messages and back, for TrainingService."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf import json_format, struct_pb2

from common.enums import to_proto, verdict_to_proto
from common.errors import InvalidArgument
from common.protos import timestamp
from services.training import models as m
from services.training.engines.base import ENGINES
from services.training.engines.capabilities import EngineCapability
from services.training.enums import BatchStatus, JobKind, JobStatus, ModelStatus
from services.training.jobstate import job_progress
from services.training.payloads import GeneratePayload, TemplatePayload
from services.training.templates import store as template_store
from synthetica.training.v1 import training_pb2

# Stored word -> proto value, derived by name (common.enums) from the StrEnums.
JOB_STATUSES = {s.value: to_proto(s, training_pb2.JobStatus) for s in JobStatus}
JOB_KINDS = {k.value: to_proto(k, training_pb2.JobKind) for k in JobKind}
MODEL_STATUSES = {s.value: to_proto(s, training_pb2.ModelStatus) for s in ModelStatus}
BATCH_STATUSES = {s.value: to_proto(s, training_pb2.BatchStatus) for s in BatchStatus}
EXPORT_FORMATS = {
    "csv": training_pb2.EXPORT_FORMAT_CSV,
    "jsonl": training_pb2.EXPORT_FORMAT_JSONL,
    "parquet": training_pb2.EXPORT_FORMAT_PARQUET,
    "sql": training_pb2.EXPORT_FORMAT_SQL,
}
FORMAT_NAMES = {v: k for k, v in EXPORT_FORMATS.items()}


def enum_name(mapping: dict[str, int], value: int, field: str) -> str:
    """'' for UNSPECIFIED (no filter); InvalidArgument for a value we do not know."""
    if value == 0:
        return ""
    for name, number in mapping.items():
        if number == value:
            return name
    raise InvalidArgument(f"unknown {field} {value}", field=field)


def struct(value: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(json.loads(json.dumps(value, default=str)))
    return message


def job_to_proto(job: m.Job) -> training_pb2.Job:
    return training_pb2.Job(
        id=str(job.id),
        kind=JOB_KINDS[job.kind],
        status=JOB_STATUSES[job.status],
        project_id=str(job.project_id),
        owner_id=str(job.owner_id),
        model_id=str(job.model_id or ""),
        batch_id=str(job.batch_id or ""),
        progress=job_progress(job),
        error=job.error,
        attempts=job.attempts,
        created_at=timestamp(job.created_at),
        started_at=timestamp(job.started_at),
        finished_at=timestamp(job.finished_at),
        sequence=job.sequence,
        review=training_pb2.JobReview(
            approved=job.approved,
            reviewer_id=str(job.reviewed_by),
            comment=job.review_comment,
            reviewed_at=timestamp(job.reviewed_at),
        )
        if job.approved is not None
        else None,
        name=TemplatePayload.model_validate(job.request).title if job.kind == m.TEMPLATE else "",
    )


def model_to_proto(model: m.Model) -> training_pb2.Model:
    params = model.params
    return training_pb2.Model(
        id=str(model.id),
        project_id=str(model.project_id),
        dataset_id=str(model.dataset_id),
        name=model.name,
        engine=model.engine,
        params=training_pb2.TrainParams(
            epochs=params.get("epochs"),
            batch_size=params.get("batch_size"),
            time_budget_seconds=(
                None
                if params.get("time_budget_seconds") is None
                else int(params["time_budget_seconds"])
            ),
            seed=params.get("seed"),
            options=struct(params.get("options") or {}),
            differential_privacy=(
                training_pb2.DifferentialPrivacy(**params["differential_privacy"])
                if params.get("differential_privacy")
                else None
            ),
        ),
        status=MODEL_STATUSES[model.status],
        error=model.error,
        metrics=struct(model.metrics or {}),
        owner_id=str(model.owner_id),
        created_at=timestamp(model.created_at),
        updated_at=timestamp(model.updated_at),
        privacy_spent=(
            training_pb2.PrivacySpent(**spent)
            if (spent := (model.metrics or {}).get("privacy_spent"))
            else None
        ),
    )


def differential_privacy_from_proto(params: training_pb2.TrainParams) -> dict[str, Any] | None:
    """The request's DP budget as `DifferentialPrivacy.build` takes it (unset fields left out,
    so the defaults apply); None without one."""
    if not params.HasField("differential_privacy"):
        return None
    dp = params.differential_privacy
    return {"epsilon": dp.epsilon} | {
        name: getattr(dp, name)
        for name in ("delta", "max_grad_norm", "noise_multiplier")
        if dp.HasField(name)
    }


def batch_to_proto(
    batch: m.Batch, gate: training_pb2.BatchGate | None = None
) -> training_pb2.Batch:
    """``gate``: the privacy gate as it applies now (services.training.gate), when known."""
    return training_pb2.Batch(
        id=str(batch.id),
        project_id=str(batch.project_id),
        model_id=str(batch.model_id or ""),
        template_id=batch.template_id,
        status=BATCH_STATUSES.get(batch.status, training_pb2.BATCH_STATUS_UNSPECIFIED),
        row_count=batch.row_count,
        format=EXPORT_FORMATS.get(batch.format, training_pb2.EXPORT_FORMAT_UNSPECIFIED),
        tables=list(batch.tables or []),
        quality_score=batch.quality_score,
        privacy_verdict=batch.privacy_verdict,
        verdict=verdict_to_proto(batch.privacy_verdict),
        error=batch.error,
        owner_id=str(batch.owner_id),
        created_at=timestamp(batch.created_at),
        expires_at=timestamp(batch.expires_at),
        dataset_id=str(batch.dataset_id or ""),
        job_id=str(batch.job_id),
        gate=gate,
        conditions=batch_conditions(batch),
    )


def batch_conditions(batch: m.Batch) -> struct_pb2.Struct | None:
    """The conditions a model batch was generated with, as its generate job's payload holds
    them (validated); None without any (a template batch, or no conditions)."""
    if not batch.model_id or batch.job is None or batch.job.kind != m.GENERATE:
        return None
    conditions = GeneratePayload.model_validate(batch.job.request).conditions
    if not conditions:
        return None
    message = struct_pb2.Struct()
    message.update(conditions)
    return message


def template_to_proto(template: m.Template) -> training_pb2.Template:
    return training_pb2.Template(
        id=str(template.id),
        name=template.name,
        description=template.description,
        project_id=str(template.project_id or ""),
        owner_id=str(template.owner_id),
        schema_json=template_store.schema_json(template.schema),
        builtin=False,
        created_at=timestamp(template.created_at),
    )


def builtin_to_proto(builtin: template_store.Builtin) -> training_pb2.Template:
    return training_pb2.Template(
        id=builtin.id,
        name=builtin.id,
        description=builtin.description,
        schema_json=template_store.schema_json(builtin.schema),
        builtin=True,
        options=struct(builtin.options),
    )


def _json_value(value: Any) -> struct_pb2.Value:
    """A parameter's default as JSON (None: no default)."""
    return json_format.ParseDict(value, struct_pb2.Value())


def engine_to_proto(name: str) -> training_pb2.Engine:
    spec = ENGINES[name]
    # Only what the engine takes: epochs and batch_size are refused by one that does not.
    common = []
    if spec.epoch_based:
        common.append(
            training_pb2.EngineParameter(
                name="epochs",
                type="int",
                default=_json_value(spec.default_epochs or None),
                min=1,
                description="training passes over the data",
            )
        )
    if spec.batched:
        common.append(
            training_pb2.EngineParameter(
                name="batch_size",
                type="int",
                default=_json_value(spec.default_batch_size or None),
                min=1,
                description="rows per training step"
                + ("" if spec.default_batch_size else " (default: chosen from the data)"),
            )
        )
    common.append(
        training_pb2.EngineParameter(
            name="time_budget_seconds",
            type="int",
            default=_json_value(None),
            min=1,
            description="stop training at this budget, keeping the model",
        )
    )
    options = [
        training_pb2.EngineParameter(
            name=f"options.{p.name}",
            type=p.type,
            default=_json_value(p.default),
            min=p.minimum,
            max=p.maximum,
            description=p.help
            + (f" (one of: {', '.join(p.choices)})" if p.choices is not None else ""),
        )
        for p in spec.parameters
    ]
    return training_pb2.Engine(
        name=spec.name,
        library=spec.library,
        license=spec.license,
        description=spec.description,
        parameters=[*common, *options],
        capabilities=[
            training_pb2.EngineCapability.Value(f"ENGINE_CAPABILITY_{c.name}")
            for c in EngineCapability
            if c in spec.capabilities
        ],
        max_tables=spec.max_tables,
        max_depth=spec.max_depth,
    )
