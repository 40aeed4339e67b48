from pydantic import Field

from .base_model import BaseModel
from .fragments import ConnectionFields


class CreateConnection(BaseModel):
    create_connection: "CreateConnectionCreateConnection" = Field(
        alias="createConnection"
    )


CreateConnectionCreateConnection = ConnectionFields
CreateConnection.model_rebuild()
