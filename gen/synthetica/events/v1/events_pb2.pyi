import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from synthetica.datasets.v1 import datasets_pb2 as _datasets_pb2
from synthetica.evaluation.v1 import evaluation_pb2 as _evaluation_pb2
from synthetica.training.v1 import training_pb2 as _training_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Event(_message.Message):
    __slots__ = ("id", "type", "occurred_at", "user_id", "project_id", "user_registered", "dataset_uploaded", "dataset_failed", "dataset_deleted", "job_updated", "model_trained", "model_failed", "batch_generated", "evaluation_completed", "api_key_revoked", "user_disabled", "batch_released", "job_reviewed", "job_approval_requested", "dataset_updated", "project_updated", "project_deleted", "project_member_added", "project_member_removed", "project_member_role_changed")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    DATASET_UPLOADED_FIELD_NUMBER: _ClassVar[int]
    DATASET_FAILED_FIELD_NUMBER: _ClassVar[int]
    DATASET_DELETED_FIELD_NUMBER: _ClassVar[int]
    JOB_UPDATED_FIELD_NUMBER: _ClassVar[int]
    MODEL_TRAINED_FIELD_NUMBER: _ClassVar[int]
    MODEL_FAILED_FIELD_NUMBER: _ClassVar[int]
    BATCH_GENERATED_FIELD_NUMBER: _ClassVar[int]
    EVALUATION_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    API_KEY_REVOKED_FIELD_NUMBER: _ClassVar[int]
    USER_DISABLED_FIELD_NUMBER: _ClassVar[int]
    BATCH_RELEASED_FIELD_NUMBER: _ClassVar[int]
    JOB_REVIEWED_FIELD_NUMBER: _ClassVar[int]
    JOB_APPROVAL_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    DATASET_UPDATED_FIELD_NUMBER: _ClassVar[int]
    PROJECT_UPDATED_FIELD_NUMBER: _ClassVar[int]
    PROJECT_DELETED_FIELD_NUMBER: _ClassVar[int]
    PROJECT_MEMBER_ADDED_FIELD_NUMBER: _ClassVar[int]
    PROJECT_MEMBER_REMOVED_FIELD_NUMBER: _ClassVar[int]
    PROJECT_MEMBER_ROLE_CHANGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    occurred_at: _timestamp_pb2.Timestamp
    user_id: str
    project_id: str
    user_registered: UserRegistered
    dataset_uploaded: DatasetUploaded
    dataset_failed: DatasetFailed
    dataset_deleted: DatasetDeleted
    job_updated: JobUpdated
    model_trained: ModelTrained
    model_failed: ModelFailed
    batch_generated: BatchGenerated
    evaluation_completed: EvaluationCompleted
    api_key_revoked: ApiKeyRevoked
    user_disabled: UserDisabled
    batch_released: BatchReleased
    job_reviewed: JobReviewed
    job_approval_requested: JobApprovalRequested
    dataset_updated: DatasetUpdated
    project_updated: ProjectUpdated
    project_deleted: ProjectDeleted
    project_member_added: ProjectMemberAdded
    project_member_removed: ProjectMemberRemoved
    project_member_role_changed: ProjectMemberRoleChanged
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user_id: _Optional[str] = ..., project_id: _Optional[str] = ..., user_registered: _Optional[_Union[UserRegistered, _Mapping]] = ..., dataset_uploaded: _Optional[_Union[DatasetUploaded, _Mapping]] = ..., dataset_failed: _Optional[_Union[DatasetFailed, _Mapping]] = ..., dataset_deleted: _Optional[_Union[DatasetDeleted, _Mapping]] = ..., job_updated: _Optional[_Union[JobUpdated, _Mapping]] = ..., model_trained: _Optional[_Union[ModelTrained, _Mapping]] = ..., model_failed: _Optional[_Union[ModelFailed, _Mapping]] = ..., batch_generated: _Optional[_Union[BatchGenerated, _Mapping]] = ..., evaluation_completed: _Optional[_Union[EvaluationCompleted, _Mapping]] = ..., api_key_revoked: _Optional[_Union[ApiKeyRevoked, _Mapping]] = ..., user_disabled: _Optional[_Union[UserDisabled, _Mapping]] = ..., batch_released: _Optional[_Union[BatchReleased, _Mapping]] = ..., job_reviewed: _Optional[_Union[JobReviewed, _Mapping]] = ..., job_approval_requested: _Optional[_Union[JobApprovalRequested, _Mapping]] = ..., dataset_updated: _Optional[_Union[DatasetUpdated, _Mapping]] = ..., project_updated: _Optional[_Union[ProjectUpdated, _Mapping]] = ..., project_deleted: _Optional[_Union[ProjectDeleted, _Mapping]] = ..., project_member_added: _Optional[_Union[ProjectMemberAdded, _Mapping]] = ..., project_member_removed: _Optional[_Union[ProjectMemberRemoved, _Mapping]] = ..., project_member_role_changed: _Optional[_Union[ProjectMemberRoleChanged, _Mapping]] = ...) -> None: ...

class UserRegistered(_message.Message):
    __slots__ = ("user_id", "email", "role")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    role: str
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class DatasetUploaded(_message.Message):
    __slots__ = ("dataset_id", "name", "row_count", "column_count")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    COLUMN_COUNT_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    name: str
    row_count: int
    column_count: int
    def __init__(self, dataset_id: _Optional[str] = ..., name: _Optional[str] = ..., row_count: _Optional[int] = ..., column_count: _Optional[int] = ...) -> None: ...

class DatasetFailed(_message.Message):
    __slots__ = ("dataset_id", "name", "error")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    name: str
    error: str
    def __init__(self, dataset_id: _Optional[str] = ..., name: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class DatasetDeleted(_message.Message):
    __slots__ = ("dataset_id",)
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    def __init__(self, dataset_id: _Optional[str] = ...) -> None: ...

class JobUpdated(_message.Message):
    __slots__ = ("job_id", "kind", "status", "percent", "epoch", "total_epochs", "loss", "eta_seconds", "message", "model_id", "batch_id", "error", "sequence", "job_kind", "job_status", "progress", "rejected")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    TOTAL_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    LOSS_FIELD_NUMBER: _ClassVar[int]
    ETA_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    JOB_KIND_FIELD_NUMBER: _ClassVar[int]
    JOB_STATUS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    kind: str
    status: str
    percent: float
    epoch: int
    total_epochs: int
    loss: float
    eta_seconds: float
    message: str
    model_id: str
    batch_id: str
    error: str
    sequence: int
    job_kind: _training_pb2.JobKind
    job_status: _training_pb2.JobStatus
    progress: _training_pb2.JobProgress
    rejected: bool
    def __init__(self, job_id: _Optional[str] = ..., kind: _Optional[str] = ..., status: _Optional[str] = ..., percent: _Optional[float] = ..., epoch: _Optional[int] = ..., total_epochs: _Optional[int] = ..., loss: _Optional[float] = ..., eta_seconds: _Optional[float] = ..., message: _Optional[str] = ..., model_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., error: _Optional[str] = ..., sequence: _Optional[int] = ..., job_kind: _Optional[_Union[_training_pb2.JobKind, str]] = ..., job_status: _Optional[_Union[_training_pb2.JobStatus, str]] = ..., progress: _Optional[_Union[_training_pb2.JobProgress, _Mapping]] = ..., rejected: _Optional[bool] = ...) -> None: ...

class ModelTrained(_message.Message):
    __slots__ = ("model_id", "dataset_id", "engine", "duration_seconds")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    dataset_id: str
    engine: str
    duration_seconds: float
    def __init__(self, model_id: _Optional[str] = ..., dataset_id: _Optional[str] = ..., engine: _Optional[str] = ..., duration_seconds: _Optional[float] = ...) -> None: ...

class ModelFailed(_message.Message):
    __slots__ = ("model_id", "dataset_id", "engine", "error")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    dataset_id: str
    engine: str
    error: str
    def __init__(self, model_id: _Optional[str] = ..., dataset_id: _Optional[str] = ..., engine: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class BatchGenerated(_message.Message):
    __slots__ = ("batch_id", "model_id", "template_id", "row_count", "dataset_id")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    model_id: str
    template_id: str
    row_count: int
    dataset_id: str
    def __init__(self, batch_id: _Optional[str] = ..., model_id: _Optional[str] = ..., template_id: _Optional[str] = ..., row_count: _Optional[int] = ..., dataset_id: _Optional[str] = ...) -> None: ...

class EvaluationCompleted(_message.Message):
    __slots__ = ("report_id", "batch_id", "quality_score", "privacy_verdict", "verdict")
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    QUALITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_VERDICT_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    batch_id: str
    quality_score: float
    privacy_verdict: str
    verdict: _evaluation_pb2.PrivacyVerdict
    def __init__(self, report_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., quality_score: _Optional[float] = ..., privacy_verdict: _Optional[str] = ..., verdict: _Optional[_Union[_evaluation_pb2.PrivacyVerdict, str]] = ...) -> None: ...

class ApiKeyRevoked(_message.Message):
    __slots__ = ("api_key_id", "user_id", "prefix")
    API_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    api_key_id: str
    user_id: str
    prefix: str
    def __init__(self, api_key_id: _Optional[str] = ..., user_id: _Optional[str] = ..., prefix: _Optional[str] = ...) -> None: ...

class UserDisabled(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class BatchReleased(_message.Message):
    __slots__ = ("batch_id", "reason", "released_by", "owner_ids")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RELEASED_BY_FIELD_NUMBER: _ClassVar[int]
    OWNER_IDS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    reason: str
    released_by: str
    owner_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, batch_id: _Optional[str] = ..., reason: _Optional[str] = ..., released_by: _Optional[str] = ..., owner_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class JobReviewed(_message.Message):
    __slots__ = ("job_id", "job_kind", "approved", "comment", "reviewer_id")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_KIND_FIELD_NUMBER: _ClassVar[int]
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    job_kind: _training_pb2.JobKind
    approved: bool
    comment: str
    reviewer_id: str
    def __init__(self, job_id: _Optional[str] = ..., job_kind: _Optional[_Union[_training_pb2.JobKind, str]] = ..., approved: _Optional[bool] = ..., comment: _Optional[str] = ..., reviewer_id: _Optional[str] = ...) -> None: ...

class JobApprovalRequested(_message.Message):
    __slots__ = ("job_id", "job_kind", "owner_ids")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_KIND_FIELD_NUMBER: _ClassVar[int]
    OWNER_IDS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    job_kind: _training_pb2.JobKind
    owner_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, job_id: _Optional[str] = ..., job_kind: _Optional[_Union[_training_pb2.JobKind, str]] = ..., owner_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class DatasetUpdated(_message.Message):
    __slots__ = ("dataset_id", "name", "status", "changed")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    name: str
    status: _datasets_pb2.DatasetStatus
    changed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, dataset_id: _Optional[str] = ..., name: _Optional[str] = ..., status: _Optional[_Union[_datasets_pb2.DatasetStatus, str]] = ..., changed: _Optional[_Iterable[str]] = ...) -> None: ...

class ProjectUpdated(_message.Message):
    __slots__ = ("project_id", "name")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    name: str
    def __init__(self, project_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ProjectDeleted(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class ProjectMemberAdded(_message.Message):
    __slots__ = ("project_id", "user_id", "role", "invitation_accepted")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    INVITATION_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    user_id: str
    role: _datasets_pb2.ProjectRole
    invitation_accepted: bool
    def __init__(self, project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[_datasets_pb2.ProjectRole, str]] = ..., invitation_accepted: _Optional[bool] = ...) -> None: ...

class ProjectMemberRemoved(_message.Message):
    __slots__ = ("project_id", "user_id", "role")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    user_id: str
    role: _datasets_pb2.ProjectRole
    def __init__(self, project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[_datasets_pb2.ProjectRole, str]] = ...) -> None: ...

class ProjectMemberRoleChanged(_message.Message):
    __slots__ = ("project_id", "user_id", "role", "previous_role")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_ROLE_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    user_id: str
    role: _datasets_pb2.ProjectRole
    previous_role: _datasets_pb2.ProjectRole
    def __init__(self, project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[_datasets_pb2.ProjectRole, str]] = ..., previous_role: _Optional[_Union[_datasets_pb2.ProjectRole, str]] = ...) -> None: ...
