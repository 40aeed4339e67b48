from enum import Enum


class BatchStatus(str, Enum):
    GENERATING = "GENERATING"
    READY = "READY"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


class ConnectionErrorCode(str, Enum):
    AUTH_FAILED = "AUTH_FAILED"
    UNREACHABLE = "UNREACHABLE"
    TIMEOUT = "TIMEOUT"
    ADDRESS_REFUSED = "ADDRESS_REFUSED"
    DATABASE_NOT_FOUND = "DATABASE_NOT_FOUND"
    CONNECT_FAILED = "CONNECT_FAILED"


class DatasetStatus(str, Enum):
    INGESTING = "INGESTING"
    READY = "READY"
    FAILED = "FAILED"


class ExportFormat(str, Enum):
    CSV = "CSV"
    JSONL = "JSONL"
    PARQUET = "PARQUET"
    SQL = "SQL"


class ExportMode(str, Enum):
    CREATE = "CREATE"
    APPEND = "APPEND"


class JobKind(str, Enum):
    TRAIN = "TRAIN"
    GENERATE = "GENERATE"
    TEMPLATE = "TEMPLATE"


class JobStatus(str, Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class ModelStatus(str, Enum):
    QUEUED = "QUEUED"
    TRAINING = "TRAINING"
    READY = "READY"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class PrivacyVerdict(str, Enum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"


class ProjectRole(str, Enum):
    OWNER = "OWNER"
    EDITOR = "EDITOR"
    VIEWER = "VIEWER"


class ReportKind(str, Enum):
    FULL = "FULL"
    CONFORMANCE = "CONFORMANCE"


class ReportStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    READY = "READY"
    FAILED = "FAILED"


class Role(str, Enum):
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"
