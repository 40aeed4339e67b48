from typing import Any, Optional

from .base_model import BaseModel
from .fragments import (
    DatasetFields,
    DatasetFieldsColumns,  # noqa: F401
)


class Dataset(BaseModel):
    dataset: "DatasetDataset"


class DatasetDataset(DatasetFields):
    stats: Optional[Any]


Dataset.model_rebuild()
