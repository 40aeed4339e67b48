import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProjectRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROJECT_ROLE_UNSPECIFIED: _ClassVar[ProjectRole]
    PROJECT_ROLE_VIEWER: _ClassVar[ProjectRole]
    PROJECT_ROLE_EDITOR: _ClassVar[ProjectRole]
    PROJECT_ROLE_OWNER: _ClassVar[ProjectRole]

class PrivacyGate(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIVACY_GATE_UNSPECIFIED: _ClassVar[PrivacyGate]
    PRIVACY_GATE_OFF: _ClassVar[PrivacyGate]
    PRIVACY_GATE_BLOCK: _ClassVar[PrivacyGate]
    PRIVACY_GATE_OWNER_OVERRIDE: _ClassVar[PrivacyGate]

class DatasetStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATASET_STATUS_UNSPECIFIED: _ClassVar[DatasetStatus]
    DATASET_STATUS_INGESTING: _ClassVar[DatasetStatus]
    DATASET_STATUS_READY: _ClassVar[DatasetStatus]
    DATASET_STATUS_FAILED: _ClassVar[DatasetStatus]

class DatasetSplit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATASET_SPLIT_UNSPECIFIED: _ClassVar[DatasetSplit]
    DATASET_SPLIT_TRAIN: _ClassVar[DatasetSplit]
    DATASET_SPLIT_HOLDOUT: _ClassVar[DatasetSplit]
    DATASET_SPLIT_ALL: _ClassVar[DatasetSplit]

class RuleKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_KIND_UNSPECIFIED: _ClassVar[RuleKind]
    RULE_KIND_INEQUALITY: _ClassVar[RuleKind]
    RULE_KIND_RANGE: _ClassVar[RuleKind]
    RULE_KIND_POSITIVE: _ClassVar[RuleKind]
    RULE_KIND_NEGATIVE: _ClassVar[RuleKind]
    RULE_KIND_FIXED_COMBINATIONS: _ClassVar[RuleKind]
    RULE_KIND_ONE_HOT: _ClassVar[RuleKind]
    RULE_KIND_UNIQUE: _ClassVar[RuleKind]

class ConnectionErrorCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONNECTION_ERROR_CODE_UNSPECIFIED: _ClassVar[ConnectionErrorCode]
    CONNECTION_ERROR_CODE_AUTH_FAILED: _ClassVar[ConnectionErrorCode]
    CONNECTION_ERROR_CODE_UNREACHABLE: _ClassVar[ConnectionErrorCode]
    CONNECTION_ERROR_CODE_TIMEOUT: _ClassVar[ConnectionErrorCode]
    CONNECTION_ERROR_CODE_ADDRESS_REFUSED: _ClassVar[ConnectionErrorCode]
    CONNECTION_ERROR_CODE_DATABASE_NOT_FOUND: _ClassVar[ConnectionErrorCode]
    CONNECTION_ERROR_CODE_CONNECT_FAILED: _ClassVar[ConnectionErrorCode]

class ExportMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_MODE_UNSPECIFIED: _ClassVar[ExportMode]
    EXPORT_MODE_CREATE: _ClassVar[ExportMode]
    EXPORT_MODE_APPEND: _ClassVar[ExportMode]
PROJECT_ROLE_UNSPECIFIED: ProjectRole
PROJECT_ROLE_VIEWER: ProjectRole
PROJECT_ROLE_EDITOR: ProjectRole
PROJECT_ROLE_OWNER: ProjectRole
PRIVACY_GATE_UNSPECIFIED: PrivacyGate
PRIVACY_GATE_OFF: PrivacyGate
PRIVACY_GATE_BLOCK: PrivacyGate
PRIVACY_GATE_OWNER_OVERRIDE: PrivacyGate
DATASET_STATUS_UNSPECIFIED: DatasetStatus
DATASET_STATUS_INGESTING: DatasetStatus
DATASET_STATUS_READY: DatasetStatus
DATASET_STATUS_FAILED: DatasetStatus
DATASET_SPLIT_UNSPECIFIED: DatasetSplit
DATASET_SPLIT_TRAIN: DatasetSplit
DATASET_SPLIT_HOLDOUT: DatasetSplit
DATASET_SPLIT_ALL: DatasetSplit
RULE_KIND_UNSPECIFIED: RuleKind
RULE_KIND_INEQUALITY: RuleKind
RULE_KIND_RANGE: RuleKind
RULE_KIND_POSITIVE: RuleKind
RULE_KIND_NEGATIVE: RuleKind
RULE_KIND_FIXED_COMBINATIONS: RuleKind
RULE_KIND_ONE_HOT: RuleKind
RULE_KIND_UNIQUE: RuleKind
CONNECTION_ERROR_CODE_UNSPECIFIED: ConnectionErrorCode
CONNECTION_ERROR_CODE_AUTH_FAILED: ConnectionErrorCode
CONNECTION_ERROR_CODE_UNREACHABLE: ConnectionErrorCode
CONNECTION_ERROR_CODE_TIMEOUT: ConnectionErrorCode
CONNECTION_ERROR_CODE_ADDRESS_REFUSED: ConnectionErrorCode
CONNECTION_ERROR_CODE_DATABASE_NOT_FOUND: ConnectionErrorCode
CONNECTION_ERROR_CODE_CONNECT_FAILED: ConnectionErrorCode
EXPORT_MODE_UNSPECIFIED: ExportMode
EXPORT_MODE_CREATE: ExportMode
EXPORT_MODE_APPEND: ExportMode

class ProjectSettings(_message.Message):
    __slots__ = ("privacy_gate", "approval_required")
    PRIVACY_GATE_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    privacy_gate: PrivacyGate
    approval_required: bool
    def __init__(self, privacy_gate: _Optional[_Union[PrivacyGate, str]] = ..., approval_required: _Optional[bool] = ...) -> None: ...

class Project(_message.Message):
    __slots__ = ("id", "name", "description", "owner_id", "my_role", "created_at", "updated_at", "settings")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    MY_ROLE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    owner_id: str
    my_role: ProjectRole
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    settings: ProjectSettings
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., owner_id: _Optional[str] = ..., my_role: _Optional[_Union[ProjectRole, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., settings: _Optional[_Union[ProjectSettings, _Mapping]] = ...) -> None: ...

class ProjectMember(_message.Message):
    __slots__ = ("project_id", "user_id", "email", "role", "added_at", "pending")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    user_id: str
    email: str
    role: ProjectRole
    added_at: _timestamp_pb2.Timestamp
    pending: bool
    def __init__(self, project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., email: _Optional[str] = ..., role: _Optional[_Union[ProjectRole, str]] = ..., added_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pending: _Optional[bool] = ...) -> None: ...

class CreateProjectRequest(_message.Message):
    __slots__ = ("name", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class CreateProjectResponse(_message.Message):
    __slots__ = ("project",)
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: Project
    def __init__(self, project: _Optional[_Union[Project, _Mapping]] = ...) -> None: ...

class GetProjectRequest(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class GetProjectResponse(_message.Message):
    __slots__ = ("project",)
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: Project
    def __init__(self, project: _Optional[_Union[Project, _Mapping]] = ...) -> None: ...

class ListProjectsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProjectsResponse(_message.Message):
    __slots__ = ("projects", "next_page_token")
    PROJECTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    projects: _containers.RepeatedCompositeFieldContainer[Project]
    next_page_token: str
    def __init__(self, projects: _Optional[_Iterable[_Union[Project, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class BatchGetProjectsRequest(_message.Message):
    __slots__ = ("project_ids",)
    PROJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    project_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, project_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetProjectsResponse(_message.Message):
    __slots__ = ("projects",)
    PROJECTS_FIELD_NUMBER: _ClassVar[int]
    projects: _containers.RepeatedCompositeFieldContainer[Project]
    def __init__(self, projects: _Optional[_Iterable[_Union[Project, _Mapping]]] = ...) -> None: ...

class UpdateProjectRequest(_message.Message):
    __slots__ = ("project_id", "name", "description", "privacy_gate", "approval_required")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_GATE_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    name: str
    description: str
    privacy_gate: PrivacyGate
    approval_required: bool
    def __init__(self, project_id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., privacy_gate: _Optional[_Union[PrivacyGate, str]] = ..., approval_required: _Optional[bool] = ...) -> None: ...

class UpdateProjectResponse(_message.Message):
    __slots__ = ("project",)
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: Project
    def __init__(self, project: _Optional[_Union[Project, _Mapping]] = ...) -> None: ...

class DeleteProjectRequest(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class DeleteProjectResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddProjectMemberRequest(_message.Message):
    __slots__ = ("project_id", "email", "role")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    email: str
    role: ProjectRole
    def __init__(self, project_id: _Optional[str] = ..., email: _Optional[str] = ..., role: _Optional[_Union[ProjectRole, str]] = ...) -> None: ...

class AddProjectMemberResponse(_message.Message):
    __slots__ = ("member", "invitation_token")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    INVITATION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    member: ProjectMember
    invitation_token: str
    def __init__(self, member: _Optional[_Union[ProjectMember, _Mapping]] = ..., invitation_token: _Optional[str] = ...) -> None: ...

class AcceptProjectInvitationRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class AcceptProjectInvitationResponse(_message.Message):
    __slots__ = ("project",)
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: Project
    def __init__(self, project: _Optional[_Union[Project, _Mapping]] = ...) -> None: ...

class RemoveProjectMemberRequest(_message.Message):
    __slots__ = ("project_id", "user_id", "email")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    user_id: str
    email: str
    def __init__(self, project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class RemoveProjectMemberResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ChangeMemberRoleRequest(_message.Message):
    __slots__ = ("project_id", "user_id", "role")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    user_id: str
    role: ProjectRole
    def __init__(self, project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., role: _Optional[_Union[ProjectRole, str]] = ...) -> None: ...

class ChangeMemberRoleResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: ProjectMember
    def __init__(self, member: _Optional[_Union[ProjectMember, _Mapping]] = ...) -> None: ...

class ListProjectMembersRequest(_message.Message):
    __slots__ = ("project_id", "page_size", "page_token")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    page_size: int
    page_token: str
    def __init__(self, project_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProjectMembersResponse(_message.Message):
    __slots__ = ("members", "next_page_token")
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[ProjectMember]
    next_page_token: str
    def __init__(self, members: _Optional[_Iterable[_Union[ProjectMember, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CheckProjectAccessRequest(_message.Message):
    __slots__ = ("project_id", "user_id", "required_role", "include_owners")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_ROLE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_OWNERS_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    user_id: str
    required_role: ProjectRole
    include_owners: bool
    def __init__(self, project_id: _Optional[str] = ..., user_id: _Optional[str] = ..., required_role: _Optional[_Union[ProjectRole, str]] = ..., include_owners: _Optional[bool] = ...) -> None: ...

class CheckProjectAccessResponse(_message.Message):
    __slots__ = ("allowed", "role", "settings", "owner_ids")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    OWNER_IDS_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    role: ProjectRole
    settings: ProjectSettings
    owner_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, allowed: _Optional[bool] = ..., role: _Optional[_Union[ProjectRole, str]] = ..., settings: _Optional[_Union[ProjectSettings, _Mapping]] = ..., owner_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class IngestOptions(_message.Message):
    __slots__ = ("format", "delimiter", "has_header", "encoding", "column_names", "missing_values", "holdout_fraction", "seed")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    DELIMITER_FIELD_NUMBER: _ClassVar[int]
    HAS_HEADER_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    COLUMN_NAMES_FIELD_NUMBER: _ClassVar[int]
    MISSING_VALUES_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_FRACTION_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    format: str
    delimiter: str
    has_header: bool
    encoding: str
    column_names: _containers.RepeatedScalarFieldContainer[str]
    missing_values: _containers.RepeatedScalarFieldContainer[str]
    holdout_fraction: float
    seed: int
    def __init__(self, format: _Optional[str] = ..., delimiter: _Optional[str] = ..., has_header: _Optional[bool] = ..., encoding: _Optional[str] = ..., column_names: _Optional[_Iterable[str]] = ..., missing_values: _Optional[_Iterable[str]] = ..., holdout_fraction: _Optional[float] = ..., seed: _Optional[int] = ...) -> None: ...

class UploadHeader(_message.Message):
    __slots__ = ("project_id", "name", "file_name", "options", "size_bytes", "wait_seconds", "dataset_id", "table_name")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    name: str
    file_name: str
    options: IngestOptions
    size_bytes: int
    wait_seconds: int
    dataset_id: str
    table_name: str
    def __init__(self, project_id: _Optional[str] = ..., name: _Optional[str] = ..., file_name: _Optional[str] = ..., options: _Optional[_Union[IngestOptions, _Mapping]] = ..., size_bytes: _Optional[int] = ..., wait_seconds: _Optional[int] = ..., dataset_id: _Optional[str] = ..., table_name: _Optional[str] = ...) -> None: ...

class UploadDatasetRequest(_message.Message):
    __slots__ = ("header", "chunk")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: UploadHeader
    chunk: bytes
    def __init__(self, header: _Optional[_Union[UploadHeader, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class UploadDatasetResponse(_message.Message):
    __slots__ = ("dataset",)
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: Dataset
    def __init__(self, dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class ColumnMetadata(_message.Message):
    __slots__ = ("name", "data_type", "sdtype", "pii", "datetime_format", "decimals", "least_decimals")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SDTYPE_FIELD_NUMBER: _ClassVar[int]
    PII_FIELD_NUMBER: _ClassVar[int]
    DATETIME_FORMAT_FIELD_NUMBER: _ClassVar[int]
    DECIMALS_FIELD_NUMBER: _ClassVar[int]
    LEAST_DECIMALS_FIELD_NUMBER: _ClassVar[int]
    name: str
    data_type: str
    sdtype: str
    pii: bool
    datetime_format: str
    decimals: int
    least_decimals: int
    def __init__(self, name: _Optional[str] = ..., data_type: _Optional[str] = ..., sdtype: _Optional[str] = ..., pii: _Optional[bool] = ..., datetime_format: _Optional[str] = ..., decimals: _Optional[int] = ..., least_decimals: _Optional[int] = ...) -> None: ...

class DatasetMetadata(_message.Message):
    __slots__ = ("columns", "primary_key", "target_column", "missing_value")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_KEY_FIELD_NUMBER: _ClassVar[int]
    TARGET_COLUMN_FIELD_NUMBER: _ClassVar[int]
    MISSING_VALUE_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedCompositeFieldContainer[ColumnMetadata]
    primary_key: str
    target_column: str
    missing_value: str
    def __init__(self, columns: _Optional[_Iterable[_Union[ColumnMetadata, _Mapping]]] = ..., primary_key: _Optional[str] = ..., target_column: _Optional[str] = ..., missing_value: _Optional[str] = ...) -> None: ...

class Dataset(_message.Message):
    __slots__ = ("id", "project_id", "name", "status", "error", "row_count", "train_row_count", "holdout_row_count", "size_bytes", "metadata", "detected", "created_by", "created_at", "updated_at", "error_code", "warnings", "file_name", "tables", "foreign_keys", "referential_problems", "rules")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRAIN_ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DETECTED_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    FOREIGN_KEYS_FIELD_NUMBER: _ClassVar[int]
    REFERENTIAL_PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    id: str
    project_id: str
    name: str
    status: DatasetStatus
    error: str
    row_count: int
    train_row_count: int
    holdout_row_count: int
    size_bytes: int
    metadata: DatasetMetadata
    detected: IngestOptions
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    error_code: str
    warnings: _containers.RepeatedScalarFieldContainer[str]
    file_name: str
    tables: _containers.RepeatedCompositeFieldContainer[DatasetTable]
    foreign_keys: _containers.RepeatedCompositeFieldContainer[ForeignKey]
    referential_problems: _containers.RepeatedCompositeFieldContainer[ReferentialProblems]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., name: _Optional[str] = ..., status: _Optional[_Union[DatasetStatus, str]] = ..., error: _Optional[str] = ..., row_count: _Optional[int] = ..., train_row_count: _Optional[int] = ..., holdout_row_count: _Optional[int] = ..., size_bytes: _Optional[int] = ..., metadata: _Optional[_Union[DatasetMetadata, _Mapping]] = ..., detected: _Optional[_Union[IngestOptions, _Mapping]] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_code: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ..., file_name: _Optional[str] = ..., tables: _Optional[_Iterable[_Union[DatasetTable, _Mapping]]] = ..., foreign_keys: _Optional[_Iterable[_Union[ForeignKey, _Mapping]]] = ..., referential_problems: _Optional[_Iterable[_Union[ReferentialProblems, _Mapping]]] = ..., rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ...) -> None: ...

class RuleBound(_message.Message):
    __slots__ = ("column", "number", "datetime")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    DATETIME_FIELD_NUMBER: _ClassVar[int]
    column: str
    number: float
    datetime: str
    def __init__(self, column: _Optional[str] = ..., number: _Optional[float] = ..., datetime: _Optional[str] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("kind", "column", "columns", "low", "high", "strict", "real_violation_count", "description", "combinations_json")
    KIND_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    LOW_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    REAL_VIOLATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COMBINATIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    kind: RuleKind
    column: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    low: RuleBound
    high: RuleBound
    strict: bool
    real_violation_count: int
    description: str
    combinations_json: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, kind: _Optional[_Union[RuleKind, str]] = ..., column: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., low: _Optional[_Union[RuleBound, _Mapping]] = ..., high: _Optional[_Union[RuleBound, _Mapping]] = ..., strict: _Optional[bool] = ..., real_violation_count: _Optional[int] = ..., description: _Optional[str] = ..., combinations_json: _Optional[_Iterable[str]] = ...) -> None: ...

class ReferentialProblems(_message.Message):
    __slots__ = ("foreign_key", "orphan_count", "orphan_examples", "duplicate_parent_key_count", "duplicate_parent_key_examples", "null_child_key_count", "null_parent_key_count")
    FOREIGN_KEY_FIELD_NUMBER: _ClassVar[int]
    ORPHAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    ORPHAN_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_PARENT_KEY_COUNT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_PARENT_KEY_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    NULL_CHILD_KEY_COUNT_FIELD_NUMBER: _ClassVar[int]
    NULL_PARENT_KEY_COUNT_FIELD_NUMBER: _ClassVar[int]
    foreign_key: ForeignKey
    orphan_count: int
    orphan_examples: _containers.RepeatedScalarFieldContainer[str]
    duplicate_parent_key_count: int
    duplicate_parent_key_examples: _containers.RepeatedScalarFieldContainer[str]
    null_child_key_count: int
    null_parent_key_count: int
    def __init__(self, foreign_key: _Optional[_Union[ForeignKey, _Mapping]] = ..., orphan_count: _Optional[int] = ..., orphan_examples: _Optional[_Iterable[str]] = ..., duplicate_parent_key_count: _Optional[int] = ..., duplicate_parent_key_examples: _Optional[_Iterable[str]] = ..., null_child_key_count: _Optional[int] = ..., null_parent_key_count: _Optional[int] = ...) -> None: ...

class DatasetTable(_message.Message):
    __slots__ = ("name", "row_count", "train_row_count", "holdout_row_count", "metadata", "sequence", "file_name", "size_bytes", "warnings", "status", "error", "error_code", "suggested_sequence")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRAIN_ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    row_count: int
    train_row_count: int
    holdout_row_count: int
    metadata: DatasetMetadata
    sequence: SequenceSpec
    file_name: str
    size_bytes: int
    warnings: _containers.RepeatedScalarFieldContainer[str]
    status: DatasetStatus
    error: str
    error_code: str
    suggested_sequence: SequenceSpec
    def __init__(self, name: _Optional[str] = ..., row_count: _Optional[int] = ..., train_row_count: _Optional[int] = ..., holdout_row_count: _Optional[int] = ..., metadata: _Optional[_Union[DatasetMetadata, _Mapping]] = ..., sequence: _Optional[_Union[SequenceSpec, _Mapping]] = ..., file_name: _Optional[str] = ..., size_bytes: _Optional[int] = ..., warnings: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[DatasetStatus, str]] = ..., error: _Optional[str] = ..., error_code: _Optional[str] = ..., suggested_sequence: _Optional[_Union[SequenceSpec, _Mapping]] = ...) -> None: ...

class SequenceSpec(_message.Message):
    __slots__ = ("entity_key", "order_column")
    ENTITY_KEY_FIELD_NUMBER: _ClassVar[int]
    ORDER_COLUMN_FIELD_NUMBER: _ClassVar[int]
    entity_key: str
    order_column: str
    def __init__(self, entity_key: _Optional[str] = ..., order_column: _Optional[str] = ...) -> None: ...

class ForeignKey(_message.Message):
    __slots__ = ("parent_table", "parent_column", "child_table", "child_column")
    PARENT_TABLE_FIELD_NUMBER: _ClassVar[int]
    PARENT_COLUMN_FIELD_NUMBER: _ClassVar[int]
    CHILD_TABLE_FIELD_NUMBER: _ClassVar[int]
    CHILD_COLUMN_FIELD_NUMBER: _ClassVar[int]
    parent_table: str
    parent_column: str
    child_table: str
    child_column: str
    def __init__(self, parent_table: _Optional[str] = ..., parent_column: _Optional[str] = ..., child_table: _Optional[str] = ..., child_column: _Optional[str] = ...) -> None: ...

class GetDatasetRequest(_message.Message):
    __slots__ = ("dataset_id",)
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    def __init__(self, dataset_id: _Optional[str] = ...) -> None: ...

class GetDatasetResponse(_message.Message):
    __slots__ = ("dataset",)
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: Dataset
    def __init__(self, dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class ListDatasetsRequest(_message.Message):
    __slots__ = ("project_id", "page_size", "page_token")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    page_size: int
    page_token: str
    def __init__(self, project_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDatasetsResponse(_message.Message):
    __slots__ = ("datasets", "next_page_token")
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    datasets: _containers.RepeatedCompositeFieldContainer[Dataset]
    next_page_token: str
    def __init__(self, datasets: _Optional[_Iterable[_Union[Dataset, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class BatchGetDatasetsRequest(_message.Message):
    __slots__ = ("dataset_ids",)
    DATASET_IDS_FIELD_NUMBER: _ClassVar[int]
    dataset_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, dataset_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetDatasetsResponse(_message.Message):
    __slots__ = ("datasets",)
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    datasets: _containers.RepeatedCompositeFieldContainer[Dataset]
    def __init__(self, datasets: _Optional[_Iterable[_Union[Dataset, _Mapping]]] = ...) -> None: ...

class GetDatasetStatsRequest(_message.Message):
    __slots__ = ("dataset_id", "table")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    table: str
    def __init__(self, dataset_id: _Optional[str] = ..., table: _Optional[str] = ...) -> None: ...

class GetDatasetStatsResponse(_message.Message):
    __slots__ = ("stats_json",)
    STATS_JSON_FIELD_NUMBER: _ClassVar[int]
    stats_json: str
    def __init__(self, stats_json: _Optional[str] = ...) -> None: ...

class PreviewRowsRequest(_message.Message):
    __slots__ = ("dataset_id", "limit", "offset", "table")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    limit: int
    offset: int
    table: str
    def __init__(self, dataset_id: _Optional[str] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ..., table: _Optional[str] = ...) -> None: ...

class PreviewRowsResponse(_message.Message):
    __slots__ = ("columns", "rows_json")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_JSON_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    rows_json: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., rows_json: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateDatasetMetadataRequest(_message.Message):
    __slots__ = ("dataset_id", "metadata", "clear_primary_key", "clear_target_column", "table")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CLEAR_PRIMARY_KEY_FIELD_NUMBER: _ClassVar[int]
    CLEAR_TARGET_COLUMN_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    metadata: DatasetMetadata
    clear_primary_key: bool
    clear_target_column: bool
    table: str
    def __init__(self, dataset_id: _Optional[str] = ..., metadata: _Optional[_Union[DatasetMetadata, _Mapping]] = ..., clear_primary_key: _Optional[bool] = ..., clear_target_column: _Optional[bool] = ..., table: _Optional[str] = ...) -> None: ...

class UpdateDatasetMetadataResponse(_message.Message):
    __slots__ = ("dataset",)
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: Dataset
    def __init__(self, dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class TableKeys(_message.Message):
    __slots__ = ("table", "primary_key", "sequence")
    TABLE_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_KEY_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    table: str
    primary_key: str
    sequence: SequenceSpec
    def __init__(self, table: _Optional[str] = ..., primary_key: _Optional[str] = ..., sequence: _Optional[_Union[SequenceSpec, _Mapping]] = ...) -> None: ...

class UpdateDatasetRelationshipsRequest(_message.Message):
    __slots__ = ("dataset_id", "tables", "foreign_keys", "replace_foreign_keys")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    FOREIGN_KEYS_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FOREIGN_KEYS_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    tables: _containers.RepeatedCompositeFieldContainer[TableKeys]
    foreign_keys: _containers.RepeatedCompositeFieldContainer[ForeignKey]
    replace_foreign_keys: bool
    def __init__(self, dataset_id: _Optional[str] = ..., tables: _Optional[_Iterable[_Union[TableKeys, _Mapping]]] = ..., foreign_keys: _Optional[_Iterable[_Union[ForeignKey, _Mapping]]] = ..., replace_foreign_keys: _Optional[bool] = ...) -> None: ...

class UpdateDatasetRelationshipsResponse(_message.Message):
    __slots__ = ("dataset",)
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: Dataset
    def __init__(self, dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class RemoveDatasetTableRequest(_message.Message):
    __slots__ = ("dataset_id", "table_name")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    table_name: str
    def __init__(self, dataset_id: _Optional[str] = ..., table_name: _Optional[str] = ...) -> None: ...

class RemoveDatasetTableResponse(_message.Message):
    __slots__ = ("dataset",)
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: Dataset
    def __init__(self, dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class UpdateDatasetRulesRequest(_message.Message):
    __slots__ = ("dataset_id", "rules")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    def __init__(self, dataset_id: _Optional[str] = ..., rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ...) -> None: ...

class UpdateDatasetRulesResponse(_message.Message):
    __slots__ = ("dataset",)
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: Dataset
    def __init__(self, dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class DeleteDatasetRequest(_message.Message):
    __slots__ = ("dataset_id",)
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    def __init__(self, dataset_id: _Optional[str] = ...) -> None: ...

class DeleteDatasetResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetStorageUsageRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetStorageUsageResponse(_message.Message):
    __slots__ = ("used_bytes", "quota_bytes")
    USED_BYTES_FIELD_NUMBER: _ClassVar[int]
    QUOTA_BYTES_FIELD_NUMBER: _ClassVar[int]
    used_bytes: int
    quota_bytes: int
    def __init__(self, used_bytes: _Optional[int] = ..., quota_bytes: _Optional[int] = ...) -> None: ...

class CheckStorageQuotaRequest(_message.Message):
    __slots__ = ("project_id", "size_bytes")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    size_bytes: int
    def __init__(self, project_id: _Optional[str] = ..., size_bytes: _Optional[int] = ...) -> None: ...

class CheckStorageQuotaResponse(_message.Message):
    __slots__ = ("used_bytes", "quota_bytes")
    USED_BYTES_FIELD_NUMBER: _ClassVar[int]
    QUOTA_BYTES_FIELD_NUMBER: _ClassVar[int]
    used_bytes: int
    quota_bytes: int
    def __init__(self, used_bytes: _Optional[int] = ..., quota_bytes: _Optional[int] = ...) -> None: ...

class ChargeBatchStorageRequest(_message.Message):
    __slots__ = ("batch_id", "part", "attempt", "project_id", "dataset_id", "size_bytes", "committed")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PART_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    part: int
    attempt: int
    project_id: str
    dataset_id: str
    size_bytes: int
    committed: bool
    def __init__(self, batch_id: _Optional[str] = ..., part: _Optional[int] = ..., attempt: _Optional[int] = ..., project_id: _Optional[str] = ..., dataset_id: _Optional[str] = ..., size_bytes: _Optional[int] = ..., committed: _Optional[bool] = ...) -> None: ...

class ChargeBatchStorageResponse(_message.Message):
    __slots__ = ("charged",)
    CHARGED_FIELD_NUMBER: _ClassVar[int]
    charged: bool
    def __init__(self, charged: _Optional[bool] = ...) -> None: ...

class ReleaseBatchStorageRequest(_message.Message):
    __slots__ = ("batch_ids", "part", "attempt")
    BATCH_IDS_FIELD_NUMBER: _ClassVar[int]
    PART_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    batch_ids: _containers.RepeatedScalarFieldContainer[str]
    part: int
    attempt: int
    def __init__(self, batch_ids: _Optional[_Iterable[str]] = ..., part: _Optional[int] = ..., attempt: _Optional[int] = ...) -> None: ...

class ReleaseBatchStorageResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReadDatasetRequest(_message.Message):
    __slots__ = ("dataset_id", "split", "table")
    DATASET_ID_FIELD_NUMBER: _ClassVar[int]
    SPLIT_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    dataset_id: str
    split: DatasetSplit
    table: str
    def __init__(self, dataset_id: _Optional[str] = ..., split: _Optional[_Union[DatasetSplit, str]] = ..., table: _Optional[str] = ...) -> None: ...

class ReadDatasetResponse(_message.Message):
    __slots__ = ("arrow_ipc_chunk",)
    ARROW_IPC_CHUNK_FIELD_NUMBER: _ClassVar[int]
    arrow_ipc_chunk: bytes
    def __init__(self, arrow_ipc_chunk: _Optional[bytes] = ...) -> None: ...

class Connection(_message.Message):
    __slots__ = ("id", "project_id", "name", "masked_url", "dialect", "created_by", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MASKED_URL_FIELD_NUMBER: _ClassVar[int]
    DIALECT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    project_id: str
    name: str
    masked_url: str
    dialect: str
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., name: _Optional[str] = ..., masked_url: _Optional[str] = ..., dialect: _Optional[str] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateConnectionRequest(_message.Message):
    __slots__ = ("project_id", "name", "url")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    name: str
    url: str
    def __init__(self, project_id: _Optional[str] = ..., name: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class CreateConnectionResponse(_message.Message):
    __slots__ = ("connection",)
    CONNECTION_FIELD_NUMBER: _ClassVar[int]
    connection: Connection
    def __init__(self, connection: _Optional[_Union[Connection, _Mapping]] = ...) -> None: ...

class ListConnectionsRequest(_message.Message):
    __slots__ = ("project_id", "page_size", "page_token")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    page_size: int
    page_token: str
    def __init__(self, project_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListConnectionsResponse(_message.Message):
    __slots__ = ("connections", "next_page_token")
    CONNECTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    connections: _containers.RepeatedCompositeFieldContainer[Connection]
    next_page_token: str
    def __init__(self, connections: _Optional[_Iterable[_Union[Connection, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteConnectionRequest(_message.Message):
    __slots__ = ("connection_id",)
    CONNECTION_ID_FIELD_NUMBER: _ClassVar[int]
    connection_id: str
    def __init__(self, connection_id: _Optional[str] = ...) -> None: ...

class DeleteConnectionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TestConnectionRequest(_message.Message):
    __slots__ = ("connection_id",)
    CONNECTION_ID_FIELD_NUMBER: _ClassVar[int]
    connection_id: str
    def __init__(self, connection_id: _Optional[str] = ...) -> None: ...

class TestConnectionResponse(_message.Message):
    __slots__ = ("ok", "error_code", "message")
    OK_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    error_code: ConnectionErrorCode
    message: str
    def __init__(self, ok: _Optional[bool] = ..., error_code: _Optional[_Union[ConnectionErrorCode, str]] = ..., message: _Optional[str] = ...) -> None: ...

class ImportDatasetRequest(_message.Message):
    __slots__ = ("connection_id", "project_id", "name", "table", "query", "wait_seconds")
    CONNECTION_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    connection_id: str
    project_id: str
    name: str
    table: str
    query: str
    wait_seconds: int
    def __init__(self, connection_id: _Optional[str] = ..., project_id: _Optional[str] = ..., name: _Optional[str] = ..., table: _Optional[str] = ..., query: _Optional[str] = ..., wait_seconds: _Optional[int] = ...) -> None: ...

class ImportDatasetResponse(_message.Message):
    __slots__ = ("dataset",)
    DATASET_FIELD_NUMBER: _ClassVar[int]
    dataset: Dataset
    def __init__(self, dataset: _Optional[_Union[Dataset, _Mapping]] = ...) -> None: ...

class ExportBatchRequest(_message.Message):
    __slots__ = ("batch_id", "connection_id", "table", "mode", "batch_table")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_ID_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    BATCH_TABLE_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    connection_id: str
    table: str
    mode: ExportMode
    batch_table: str
    def __init__(self, batch_id: _Optional[str] = ..., connection_id: _Optional[str] = ..., table: _Optional[str] = ..., mode: _Optional[_Union[ExportMode, str]] = ..., batch_table: _Optional[str] = ...) -> None: ...

class ExportBatchResponse(_message.Message):
    __slots__ = ("row_count", "table")
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    row_count: int
    table: str
    def __init__(self, row_count: _Optional[int] = ..., table: _Optional[str] = ...) -> None: ...
