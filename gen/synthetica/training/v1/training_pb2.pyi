import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from synthetica.evaluation.v1 import evaluation_pb2 as _evaluation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_KIND_UNSPECIFIED: _ClassVar[JobKind]
    JOB_KIND_TRAIN: _ClassVar[JobKind]
    JOB_KIND_GENERATE: _ClassVar[JobKind]
    JOB_KIND_TEMPLATE: _ClassVar[JobKind]

class JobStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATUS_UNSPECIFIED: _ClassVar[JobStatus]
    JOB_STATUS_QUEUED: _ClassVar[JobStatus]
    JOB_STATUS_RUNNING: _ClassVar[JobStatus]
    JOB_STATUS_SUCCEEDED: _ClassVar[JobStatus]
    JOB_STATUS_FAILED: _ClassVar[JobStatus]
    JOB_STATUS_CANCELLED: _ClassVar[JobStatus]
    JOB_STATUS_PENDING_APPROVAL: _ClassVar[JobStatus]

class BatchGateState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BATCH_GATE_STATE_UNSPECIFIED: _ClassVar[BatchGateState]
    BATCH_GATE_STATE_OPEN: _ClassVar[BatchGateState]
    BATCH_GATE_STATE_AWAITING_VERDICT: _ClassVar[BatchGateState]
    BATCH_GATE_STATE_BLOCKED: _ClassVar[BatchGateState]
    BATCH_GATE_STATE_RELEASED: _ClassVar[BatchGateState]

class ModelStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODEL_STATUS_UNSPECIFIED: _ClassVar[ModelStatus]
    MODEL_STATUS_QUEUED: _ClassVar[ModelStatus]
    MODEL_STATUS_TRAINING: _ClassVar[ModelStatus]
    MODEL_STATUS_READY: _ClassVar[ModelStatus]
    MODEL_STATUS_FAILED: _ClassVar[ModelStatus]
    MODEL_STATUS_CANCELLED: _ClassVar[ModelStatus]

class BatchStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BATCH_STATUS_UNSPECIFIED: _ClassVar[BatchStatus]
    BATCH_STATUS_GENERATING: _ClassVar[BatchStatus]
    BATCH_STATUS_READY: _ClassVar[BatchStatus]
    BATCH_STATUS_FAILED: _ClassVar[BatchStatus]
    BATCH_STATUS_EXPIRED: _ClassVar[BatchStatus]
    BATCH_STATUS_CANCELLED: _ClassVar[BatchStatus]

class ExportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_FORMAT_UNSPECIFIED: _ClassVar[ExportFormat]
    EXPORT_FORMAT_CSV: _ClassVar[ExportFormat]
    EXPORT_FORMAT_JSONL: _ClassVar[ExportFormat]
    EXPORT_FORMAT_PARQUET: _ClassVar[ExportFormat]
    EXPORT_FORMAT_SQL: _ClassVar[ExportFormat]

class EngineCapability(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENGINE_CAPABILITY_UNSPECIFIED: _ClassVar[EngineCapability]
    ENGINE_CAPABILITY_SINGLE_TABLE: _ClassVar[EngineCapability]
    ENGINE_CAPABILITY_RELATIONAL: _ClassVar[EngineCapability]
    ENGINE_CAPABILITY_SEQUENTIAL: _ClassVar[EngineCapability]
    ENGINE_CAPABILITY_DIFFERENTIAL_PRIVACY: _ClassVar[EngineCapability]
JOB_KIND_UNSPECIFIED: JobKind
JOB_KIND_TRAIN: JobKind
JOB_KIND_GENERATE: JobKind
JOB_KIND_TEMPLATE: JobKind
JOB_STATUS_UNSPECIFIED: JobStatus
JOB_STATUS_QUEUED: JobStatus
JOB_STATUS_RUNNING: JobStatus
JOB_STATUS_SUCCEEDED: JobStatus
JOB_STATUS_FAILED: JobStatus
JOB_STATUS_CANCELLED: JobStatus
JOB_STATUS_PENDING_APPROVAL: JobStatus
BATCH_GATE_STATE_UNSPECIFIED: BatchGateState
BATCH_GATE_STATE_OPEN: BatchGateState
BATCH_GATE_STATE_AWAITING_VERDICT: BatchGateState
BATCH_GATE_STATE_BLOCKED: BatchGateState
BATCH_GATE_STATE_RELEASED: BatchGateState
MODEL_STATUS_UNSPECIFIED: ModelStatus
MODEL_STATUS_QUEUED: ModelStatus
MODEL_STATUS_TRAINING: ModelStatus
MODEL_STATUS_READY: ModelStatus
MODEL_STATUS_FAILED: ModelStatus
MODEL_STATUS_CANCELLED: ModelStatus
BATCH_STATUS_UNSPECIFIED: BatchStatus
BATCH_STATUS_GENERATING: BatchStatus
BATCH_STATUS_READY: BatchStatus
BATCH_STATUS_FAILED: BatchStatus
BATCH_STATUS_EXPIRED: BatchStatus
BATCH_STATUS_CANCELLED: BatchStatus
EXPORT_FORMAT_UNSPECIFIED: ExportFormat
EXPORT_FORMAT_CSV: ExportFormat
EXPORT_FORMAT_JSONL: ExportFormat
EXPORT_FORMAT_PARQUET: ExportFormat
EXPORT_FORMAT_SQL: ExportFormat
ENGINE_CAPABILITY_UNSPECIFIED: EngineCapability
ENGINE_CAPABILITY_SINGLE_TABLE: EngineCapability
ENGINE_CAPABILITY_RELATIONAL: EngineCapability
ENGINE_CAPABILITY_SEQUENTIAL: EngineCapability
ENGINE_CAPABILITY_DIFFERENTIAL_PRIVACY: EngineCapability

class BatchGate(_message.Message):
    __slots__ = ("state", "message", "reason", "released_by", "released_at", "can_release")
    STATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RELEASED_BY_FIELD_NUMBER: _ClassVar[int]
    RELEASED_AT_FIELD_NUMBER: _ClassVar[int]
    CAN_RELEASE_FIELD_NUMBER: _ClassVar[int]
    state: BatchGateState
    message: str
    reason: str
    released_by: str
    released_at: _timestamp_pb2.Timestamp
    can_release: bool
    def __init__(self, state: _Optional[_Union[BatchGateState, str]] = ..., message: _Optional[str] = ..., reason: _Optional[str] = ..., released_by: _Optional[str] = ..., released_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., can_release: _Optional[bool] = ...) -> None: ...

class JobReview(_message.Message):
    __slots__ = ("approved", "reviewer_id", "comment", "reviewed_at")
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_AT_FIELD_NUMBER: _ClassVar[int]
    approved: bool
    reviewer_id: str
    comment: str
    reviewed_at: _timestamp_pb2.Timestamp
    def __init__(self, approved: _Optional[bool] = ..., reviewer_id: _Optional[str] = ..., comment: _Optional[str] = ..., reviewed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EngineParameter(_message.Message):
    __slots__ = ("name", "type", "default", "min", "max", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    default: _struct_pb2.Value
    min: float
    max: float
    description: str
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., default: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., min: _Optional[float] = ..., max: _Optional[float] = ..., description: _Optional[str] = ...) -> None: ...

class Engine(_message.Message):
    __slots__ = ("name", "library", "license", "description", "parameters", "capabilities", "max_tables", "max_depth")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LIBRARY_FIELD_NUMBER: _ClassVar[int]
    LICENSE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    MAX_TABLES_FIELD_NUMBER: _ClassVar[int]
    MAX_DEPTH_FIELD_NUMBER: _ClassVar[int]
    name: str
    library: str
    license: str
    description: str
    parameters: _containers.RepeatedCompositeFieldContainer[EngineParameter]
    capabilities: _containers.RepeatedScalarFieldContainer[EngineCapability]
    max_tables: int
    max_depth: int
    def __init__(self, name: _Optional[str] = ..., library: _Optional[str] = ..., license: _Optional[str] = ..., description: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[EngineParameter, _Mapping]]] = ..., capabilities: _Optional[_Iterable[_Union[EngineCapability, str]]] = ..., max_tables: _Optional[int] = ..., max_depth: _Optional[int] = ...) -> None: ...

class ListEnginesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListEnginesResponse(_message.Message):
    __slots__ = ("engines",)
    ENGINES_FIELD_NUMBER: _ClassVar[int]
    engines: _containers.RepeatedCompositeFieldContainer[Engine]
    def __init__(self, engines: _Optional[_Iterable[_Union[Engine, _Mapping]]] = ...) -> None: ...

class JobProgress(_message.Message):
    __slots__ = ("percent", "epoch", "total_epochs", "loss", "eta_seconds", "message")
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    TOTAL_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    LOSS_FIELD_NUMBER: _ClassVar[int]
    ETA_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    percent: float
    epoch: int
    total_epochs: int
    loss: float
    eta_seconds: float
    message: str
    def __init__(self, percent: _Optional[float] = ..., epoch: _Optional[int] = ..., total_epochs: _Optional[int] = ..., loss: _Optional[float] = ..., eta_seconds: _Optional[float] = ..., message: _Optional[str] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("id", "kind", "status", "project_id", "owner_id", "model_id", "batch_id", "progress", "error", "attempts", "created_at", "started_at", "finished_at", "sequence", "review", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: JobKind
    status: JobStatus
    project_id: str
    owner_id: str
    model_id: str
    batch_id: str
    progress: JobProgress
    error: str
    attempts: int
    created_at: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    sequence: int
    review: JobReview
    name: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[JobKind, str]] = ..., status: _Optional[_Union[JobStatus, str]] = ..., project_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., model_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., progress: _Optional[_Union[JobProgress, _Mapping]] = ..., error: _Optional[str] = ..., attempts: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sequence: _Optional[int] = ..., review: _Optional[_Union[JobReview, _Mapping]] = ..., name: _Optional[str] = ...) -> None: ...

class TrainParams(_message.Message):
    __slots__ = ("epochs", "batch_size", "time_budget_seconds", "seed", "options", "differential_privacy")
    EPOCHS_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    TIME_BUDGET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    DIFFERENTIAL_PRIVACY_FIELD_NUMBER: _ClassVar[int]
    epochs: int
    batch_size: int
    time_budget_seconds: int
    seed: int
    options: _struct_pb2.Struct
    differential_privacy: DifferentialPrivacy
    def __init__(self, epochs: _Optional[int] = ..., batch_size: _Optional[int] = ..., time_budget_seconds: _Optional[int] = ..., seed: _Optional[int] = ..., options: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., differential_privacy: _Optional[_Union[DifferentialPrivacy, _Mapping]] = ...) -> None: ...

class DifferentialPrivacy(_message.Message):
    __slots__ = ("epsilon", "delta", "max_grad_norm", "noise_multiplier")
    EPSILON_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    MAX_GRAD_NORM_FIELD_NUMBER: _ClassVar[int]
    NOISE_MULTIPLIER_FIELD_NUMBER: _ClassVar[int]
    epsilon: float
    delta: float
    max_grad_norm: float
    noise_multiplier: float
    def __init__(self, epsilon: _Optional[float] = ..., delta: _Optional[float] = ..., max_grad_norm: _Optional[float] = ..., noise_multiplier: _Optional[float] = ...) -> None: ...

class PrivacySpent(_message.Message):
    __slots__ = ("epsilon", "delta")
    EPSILON_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    epsilon: float
    delta: float
    def __init__(self, epsilon: _Optional[float] = ..., delta: _Optional[float] = ...) -> None: ...

class Model(_message.Message):
    __slots__ = ("id", "project_id", "dataset_id", "name", "engine", "params", "status", "error", "metrics", "owner_id", "created_at", "updated_at", "privacy_spent")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_SPENT_FIELD_NUMBER: _ClassVar[int]
    id: str
    project_id: str
    dataset_id: str
    name: str
    engine: str
    params: TrainParams
    status: ModelStatus
    error: str
    metrics: _struct_pb2.Struct
    owner_id: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    privacy_spent: PrivacySpent
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., dataset_id: _Optional[str] = ..., name: _Optional[str] = ..., engine: _Optional[str] = ..., params: _Optional[_Union[TrainParams, _Mapping]] = ..., status: _Optional[_Union[ModelStatus, str]] = ..., error: _Optional[str] = ..., metrics: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., owner_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., privacy_spent: _Optional[_Union[PrivacySpent, _Mapping]] = ...) -> None: ...

class Batch(_message.Message):
    __slots__ = ("id", "project_id", "model_id", "template_id", "status", "row_count", "format", "tables", "quality_score", "privacy_verdict", "error", "owner_id", "created_at", "expires_at", "dataset_id", "job_id", "verdict", "gate", "conditions")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    QUALITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_VERDICT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    GATE_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    project_id: str
    model_id: str
    template_id: str
    status: BatchStatus
    row_count: int
    format: ExportFormat
    tables: _containers.RepeatedScalarFieldContainer[str]
    quality_score: float
    privacy_verdict: str
    error: str
    owner_id: str
    created_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    dataset_id: str
    job_id: str
    verdict: _evaluation_pb2.PrivacyVerdict
    gate: BatchGate
    conditions: _struct_pb2.Struct
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., model_id: _Optional[str] = ..., template_id: _Optional[str] = ..., status: _Optional[_Union[BatchStatus, str]] = ..., row_count: _Optional[int] = ..., format: _Optional[_Union[ExportFormat, str]] = ..., tables: _Optional[_Iterable[str]] = ..., quality_score: _Optional[float] = ..., privacy_verdict: _Optional[str] = ..., error: _Optional[str] = ..., owner_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dataset_id: _Optional[str] = ..., job_id: _Optional[str] = ..., verdict: _Optional[_Union[_evaluation_pb2.PrivacyVerdict, str]] = ..., gate: _Optional[_Union[BatchGate, _Mapping]] = ..., conditions: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class TrainModelRequest(_message.Message):
    __slots__ = ("dataset_id", "engine", "params", "name")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    engine: str
    params: TrainParams
    name: str
    def __init__(self, dataset_id: _Optional[str] = ..., engine: _Optional[str] = ..., params: _Optional[_Union[TrainParams, _Mapping]] = ..., name: _Optional[str] = ...) -> None: ...

class TrainModelResponse(_message.Message):
    __slots__ = ("model", "job")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    model: Model
    job: Job
    def __init__(self, model: _Optional[_Union[Model, _Mapping]] = ..., job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class AnomalyOptions(_message.Message):
    __slots__ = ("ratio", "mark_column")
    RATIO_FIELD_NUMBER: _ClassVar[int]
    MARK_COLUMN_FIELD_NUMBER: _ClassVar[int]
    ratio: float
    mark_column: str
    def __init__(self, ratio: _Optional[float] = ..., mark_column: _Optional[str] = ...) -> None: ...

class GenerateRequest(_message.Message):
    __slots__ = ("model_id", "count", "seed", "conditions", "anomalies", "enforce_bounds", "format")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    ANOMALIES_FIELD_NUMBER: _ClassVar[int]
    ENFORCE_BOUNDS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    count: int
    seed: int
    conditions: _struct_pb2.Struct
    anomalies: AnomalyOptions
    enforce_bounds: bool
    format: ExportFormat
    def __init__(self, model_id: _Optional[str] = ..., count: _Optional[int] = ..., seed: _Optional[int] = ..., conditions: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., anomalies: _Optional[_Union[AnomalyOptions, _Mapping]] = ..., enforce_bounds: _Optional[bool] = ..., format: _Optional[_Union[ExportFormat, str]] = ...) -> None: ...

class GenerateResponse(_message.Message):
    __slots__ = ("batch", "job")
    BATCH_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    job: Job
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ..., job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class GenerateFromTemplateRequest(_message.Message):
    __slots__ = ("template_id", "builtin", "schema_json", "project_id", "count", "seed", "locale", "format", "options")
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    builtin: str
    schema_json: str
    project_id: str
    count: int
    seed: int
    locale: str
    format: ExportFormat
    options: _struct_pb2.Struct
    def __init__(self, template_id: _Optional[str] = ..., builtin: _Optional[str] = ..., schema_json: _Optional[str] = ..., project_id: _Optional[str] = ..., count: _Optional[int] = ..., seed: _Optional[int] = ..., locale: _Optional[str] = ..., format: _Optional[_Union[ExportFormat, str]] = ..., options: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class GenerateFromTemplateResponse(_message.Message):
    __slots__ = ("batch", "job")
    BATCH_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    job: Job
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ..., job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ("status", "kind", "project_id", "page_size", "page_token")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    status: JobStatus
    kind: JobKind
    project_id: str
    page_size: int
    page_token: str
    def __init__(self, status: _Optional[_Union[JobStatus, str]] = ..., kind: _Optional[_Union[JobKind, str]] = ..., project_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class CancelJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class ApproveJobRequest(_message.Message):
    __slots__ = ("job_id", "comment")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    comment: str
    def __init__(self, job_id: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class ApproveJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class RejectJobRequest(_message.Message):
    __slots__ = ("job_id", "comment")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    comment: str
    def __init__(self, job_id: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class RejectJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class ReleaseBatchRequest(_message.Message):
    __slots__ = ("batch_id", "reason")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    reason: str
    def __init__(self, batch_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReleaseBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ...) -> None: ...

class GetModelRequest(_message.Message):
    __slots__ = ("model_id",)
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    def __init__(self, model_id: _Optional[str] = ...) -> None: ...

class GetModelResponse(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: Model
    def __init__(self, model: _Optional[_Union[Model, _Mapping]] = ...) -> None: ...

class BatchGetModelsRequest(_message.Message):
    __slots__ = ("model_ids",)
    MODEL_IDS_FIELD_NUMBER: _ClassVar[int]
    model_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, model_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetModelsResponse(_message.Message):
    __slots__ = ("models",)
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[Model]
    def __init__(self, models: _Optional[_Iterable[_Union[Model, _Mapping]]] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = ("project_id", "dataset_id", "status", "page_size", "page_token")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    dataset_id: str
    status: ModelStatus
    page_size: int
    page_token: str
    def __init__(self, project_id: _Optional[str] = ..., dataset_id: _Optional[str] = ..., status: _Optional[_Union[ModelStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ("models", "next_page_token")
    MODELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[Model]
    next_page_token: str
    def __init__(self, models: _Optional[_Iterable[_Union[Model, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetBatchRequest(_message.Message):
    __slots__ = ("batch_id",)
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    def __init__(self, batch_id: _Optional[str] = ...) -> None: ...

class GetBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ...) -> None: ...

class ListBatchesRequest(_message.Message):
    __slots__ = ("project_id", "model_id", "page_size", "page_token", "dataset_id")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    model_id: str
    page_size: int
    page_token: str
    dataset_id: str
    def __init__(self, project_id: _Optional[str] = ..., model_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., dataset_id: _Optional[str] = ...) -> None: ...

class ListBatchesResponse(_message.Message):
    __slots__ = ("batches", "next_page_token")
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    batches: _containers.RepeatedCompositeFieldContainer[Batch]
    next_page_token: str
    def __init__(self, batches: _Optional[_Iterable[_Union[Batch, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PreviewBatchRequest(_message.Message):
    __slots__ = ("batch_id", "limit", "table")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    limit: int
    table: str
    def __init__(self, batch_id: _Optional[str] = ..., limit: _Optional[int] = ..., table: _Optional[str] = ...) -> None: ...

class PreviewBatchResponse(_message.Message):
    __slots__ = ("columns", "rows_json")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_JSON_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    rows_json: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., rows_json: _Optional[_Iterable[str]] = ...) -> None: ...

class DownloadBatchRequest(_message.Message):
    __slots__ = ("batch_id", "format", "table_name", "table", "csv_formula_guard")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    CSV_FORMULA_GUARD_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    format: ExportFormat
    table_name: str
    table: str
    csv_formula_guard: bool
    def __init__(self, batch_id: _Optional[str] = ..., format: _Optional[_Union[ExportFormat, str]] = ..., table_name: _Optional[str] = ..., table: _Optional[str] = ..., csv_formula_guard: _Optional[bool] = ...) -> None: ...

class DownloadBatchResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    def __init__(self, chunk: _Optional[bytes] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("id", "name", "description", "project_id", "owner_id", "schema_json", "builtin", "created_at", "options")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    project_id: str
    owner_id: str
    schema_json: str
    builtin: bool
    created_at: _timestamp_pb2.Timestamp
    options: _struct_pb2.Struct
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., project_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., schema_json: _Optional[str] = ..., builtin: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., options: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class CreateTemplateRequest(_message.Message):
    __slots__ = ("name", "description", "schema_json", "project_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    schema_json: str
    project_id: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., schema_json: _Optional[str] = ..., project_id: _Optional[str] = ...) -> None: ...

class CreateTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("project_id", "page_size", "page_token")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    page_size: int
    page_token: str
    def __init__(self, project_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("template_id",)
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    def __init__(self, template_id: _Optional[str] = ...) -> None: ...

class GetTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class DeleteTemplateRequest(_message.Message):
    __slots__ = ("template_id",)
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    def __init__(self, template_id: _Optional[str] = ...) -> None: ...

class DeleteTemplateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PreviewTemplateRequest(_message.Message):
    __slots__ = ("template_id", "builtin", "schema_json", "rows", "seed", "locale", "options")
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    builtin: str
    schema_json: str
    rows: int
    seed: int
    locale: str
    options: _struct_pb2.Struct
    def __init__(self, template_id: _Optional[str] = ..., builtin: _Optional[str] = ..., schema_json: _Optional[str] = ..., rows: _Optional[int] = ..., seed: _Optional[int] = ..., locale: _Optional[str] = ..., options: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class PreviewTemplateResponse(_message.Message):
    __slots__ = ("tables",)
    TABLES_FIELD_NUMBER: _ClassVar[int]
    tables: _containers.RepeatedCompositeFieldContainer[TemplatePreviewTable]
    def __init__(self, tables: _Optional[_Iterable[_Union[TemplatePreviewTable, _Mapping]]] = ...) -> None: ...

class TemplatePreviewTable(_message.Message):
    __slots__ = ("name", "columns", "rows_json", "truncated")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_JSON_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    name: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    rows_json: _containers.RepeatedScalarFieldContainer[str]
    truncated: bool
    def __init__(self, name: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., rows_json: _Optional[_Iterable[str]] = ..., truncated: _Optional[bool] = ...) -> None: ...

class QueuedJob(_message.Message):
    __slots__ = ("job_id", "kind")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    kind: JobKind
    def __init__(self, job_id: _Optional[str] = ..., kind: _Optional[_Union[JobKind, str]] = ...) -> None: ...

class QueuedShard(_message.Message):
    __slots__ = ("job_id", "index")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    index: int
    def __init__(self, job_id: _Optional[str] = ..., index: _Optional[int] = ...) -> None: ...
