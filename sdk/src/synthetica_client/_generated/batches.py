from pydantic import Field

from .base_model import BaseModel
from .fragments import BatchFields, PageFields


class Batches(BaseModel):
    batches: "BatchesBatches"


class BatchesBatches(BaseModel):
    nodes: list["BatchesBatchesNodes"]
    page_info: "BatchesBatchesPageInfo" = Field(alias="pageInfo")


BatchesBatchesNodes = BatchFields
BatchesBatchesPageInfo = PageFields
Batches.model_rebuild()
BatchesBatches.model_rebuild()
