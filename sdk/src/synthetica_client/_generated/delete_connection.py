from pydantic import Field

from .base_model import BaseModel


class DeleteConnection(BaseModel):
    delete_connection: bool = Field(alias="deleteConnection")
