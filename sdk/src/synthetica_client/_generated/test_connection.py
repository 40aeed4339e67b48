from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import ConnectionErrorCode


class TestConnection(BaseModel):
    test_connection: "TestConnectionTestConnection" = Field(alias="testConnection")


class TestConnectionTestConnection(BaseModel):
    ok: bool
    error_code: Optional[ConnectionErrorCode] = Field(alias="errorCode")
    message: str


TestConnection.model_rebuild()
