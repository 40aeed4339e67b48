from .base_model import BaseModel
from .fragments import BatchFields


class Batch(BaseModel):
    batch: "BatchBatch"


BatchBatch = BatchFields
Batch.model_rebuild()
