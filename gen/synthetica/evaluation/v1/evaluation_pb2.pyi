import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReportStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_STATUS_UNSPECIFIED: _ClassVar[ReportStatus]
    REPORT_STATUS_PENDING: _ClassVar[ReportStatus]
    REPORT_STATUS_RUNNING: _ClassVar[ReportStatus]
    REPORT_STATUS_READY: _ClassVar[ReportStatus]
    REPORT_STATUS_FAILED: _ClassVar[ReportStatus]

class ReportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_FORMAT_UNSPECIFIED: _ClassVar[ReportFormat]
    REPORT_FORMAT_JSON: _ClassVar[ReportFormat]
    REPORT_FORMAT_HTML: _ClassVar[ReportFormat]

class PrivacyVerdict(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIVACY_VERDICT_UNSPECIFIED: _ClassVar[PrivacyVerdict]
    PRIVACY_VERDICT_PASS: _ClassVar[PrivacyVerdict]
    PRIVACY_VERDICT_WARN: _ClassVar[PrivacyVerdict]
    PRIVACY_VERDICT_FAIL: _ClassVar[PrivacyVerdict]

class ReportKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_KIND_UNSPECIFIED: _ClassVar[ReportKind]
    REPORT_KIND_FULL: _ClassVar[ReportKind]
    REPORT_KIND_CONFORMANCE: _ClassVar[ReportKind]
REPORT_STATUS_UNSPECIFIED: ReportStatus
REPORT_STATUS_PENDING: ReportStatus
REPORT_STATUS_RUNNING: ReportStatus
REPORT_STATUS_READY: ReportStatus
REPORT_STATUS_FAILED: ReportStatus
REPORT_FORMAT_UNSPECIFIED: ReportFormat
REPORT_FORMAT_JSON: ReportFormat
REPORT_FORMAT_HTML: ReportFormat
PRIVACY_VERDICT_UNSPECIFIED: PrivacyVerdict
PRIVACY_VERDICT_PASS: PrivacyVerdict
PRIVACY_VERDICT_WARN: PrivacyVerdict
PRIVACY_VERDICT_FAIL: PrivacyVerdict
REPORT_KIND_UNSPECIFIED: ReportKind
REPORT_KIND_FULL: ReportKind
REPORT_KIND_CONFORMANCE: ReportKind

class EvaluateOptions(_message.Message):
    __slots__ = ("target_column", "sample_rows", "seed")
    TARGET_COLUMN_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ROWS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    target_column: str
    sample_rows: int
    seed: int
    def __init__(self, target_column: _Optional[str] = ..., sample_rows: _Optional[int] = ..., seed: _Optional[int] = ...) -> None: ...

class Report(_message.Message):
    __slots__ = ("id", "batch_id", "project_id", "status", "quality_score", "privacy_verdict", "report_json", "error", "created_at", "completed_at", "kind", "options", "trigger", "owner_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    QUALITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_VERDICT_FIELD_NUMBER: _ClassVar[int]
    REPORT_JSON_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    batch_id: str
    project_id: str
    status: ReportStatus
    quality_score: float
    privacy_verdict: PrivacyVerdict
    report_json: str
    error: str
    created_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    kind: ReportKind
    options: EvaluateOptions
    trigger: str
    owner_id: str
    def __init__(self, id: _Optional[str] = ..., batch_id: _Optional[str] = ..., project_id: _Optional[str] = ..., status: _Optional[_Union[ReportStatus, str]] = ..., quality_score: _Optional[float] = ..., privacy_verdict: _Optional[_Union[PrivacyVerdict, str]] = ..., report_json: _Optional[str] = ..., error: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., kind: _Optional[_Union[ReportKind, str]] = ..., options: _Optional[_Union[EvaluateOptions, _Mapping]] = ..., trigger: _Optional[str] = ..., owner_id: _Optional[str] = ...) -> None: ...

class EvaluateRequest(_message.Message):
    __slots__ = ("batch_id", "options")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    options: EvaluateOptions
    def __init__(self, batch_id: _Optional[str] = ..., options: _Optional[_Union[EvaluateOptions, _Mapping]] = ...) -> None: ...

class EvaluateResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: Report
    def __init__(self, report: _Optional[_Union[Report, _Mapping]] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("batch_id",)
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    def __init__(self, batch_id: _Optional[str] = ...) -> None: ...

class GetReportResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: Report
    def __init__(self, report: _Optional[_Union[Report, _Mapping]] = ...) -> None: ...

class DownloadReportRequest(_message.Message):
    __slots__ = ("batch_id", "format")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    format: ReportFormat
    def __init__(self, batch_id: _Optional[str] = ..., format: _Optional[_Union[ReportFormat, str]] = ...) -> None: ...

class DownloadReportResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    def __init__(self, chunk: _Optional[bytes] = ...) -> None: ...
