from enum import Enum


class BatchGateState(str, Enum):
    OPEN = "OPEN"
    AWAITING_VERDICT = "AWAITING_VERDICT"
    BLOCKED = "BLOCKED"
    RELEASED = "RELEASED"


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
    PENDING_APPROVAL = "PENDING_APPROVAL"


class ModelStatus(str, Enum):
    QUEUED = "QUEUED"
    TRAINING = "TRAINING"
    READY = "READY"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class PrivacyGate(str, Enum):
    OFF = "OFF"
    BLOCK = "BLOCK"
    OWNER_OVERRIDE = "OWNER_OVERRIDE"


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


class RuleKind(str, Enum):
    INEQUALITY = "INEQUALITY"
    RANGE = "RANGE"
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"
    FIXED_COMBINATIONS = "FIXED_COMBINATIONS"
    ONE_HOT = "ONE_HOT"
    UNIQUE = "UNIQUE"
