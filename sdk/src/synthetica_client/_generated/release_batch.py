from pydantic import Field

from .base_model import BaseModel
from .fragments import BatchFields


class ReleaseBatch(BaseModel):
    release_batch: "ReleaseBatchReleaseBatch" = Field(alias="releaseBatch")


ReleaseBatchReleaseBatch = BatchFields
ReleaseBatch.model_rebuild()
