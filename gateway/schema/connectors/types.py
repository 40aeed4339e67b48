"""Database connection types, built from the datasets service's protos."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from gateway.schema.common import FromProto, from_message, from_proto_enum
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.type(description="a saved database connection of a project")
class DatabaseConnection(FromProto[pb.Connection]):
    id: strawberry.ID
    project_id: strawberry.ID
    name: str
    masked_url: str = strawberry.field(
        description="the URL without its password or options, e.g. "
        "postgresql+psycopg2://reader@db.example.com:5432/sales"
    )
    dialect: str
    created_by: strawberry.ID
    created_at: datetime | None


@strawberry.enum(description="why connecting to a database failed")
class ConnectionErrorCode(Enum):
    AUTH_FAILED = pb.CONNECTION_ERROR_CODE_AUTH_FAILED
    UNREACHABLE = pb.CONNECTION_ERROR_CODE_UNREACHABLE
    TIMEOUT = pb.CONNECTION_ERROR_CODE_TIMEOUT
    ADDRESS_REFUSED = pb.CONNECTION_ERROR_CODE_ADDRESS_REFUSED
    DATABASE_NOT_FOUND = pb.CONNECTION_ERROR_CODE_DATABASE_NOT_FOUND
    CONNECT_FAILED = pb.CONNECTION_ERROR_CODE_CONNECT_FAILED


@strawberry.type
class ConnectionTestResult:
    ok: bool
    error_code: ConnectionErrorCode | None
    message: str = strawberry.field(description="what went wrong; never the password")

    @classmethod
    def from_proto(cls, r: pb.TestConnectionResponse) -> ConnectionTestResult:
        return from_message(cls, r, error_code=from_proto_enum(ConnectionErrorCode, r.error_code))


@strawberry.enum
class ExportMode(Enum):
    CREATE = pb.EXPORT_MODE_CREATE
    APPEND = pb.EXPORT_MODE_APPEND


@strawberry.type
class BatchExport:
    row_count: int = strawberry.field(description="rows written and counted before commit")
    table: str
