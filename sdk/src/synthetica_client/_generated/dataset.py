from typing import Any, Optional

from .base_model import BaseModel
from .fragments import (  # noqa: F401
    DatasetFields,
    DatasetFieldsColumns,
    DatasetFieldsForeignKeys,
    DatasetFieldsReferentialProblems,
    DatasetFieldsRules,
    DatasetFieldsTables,
)


class Dataset(BaseModel):
    dataset: "DatasetDataset"


class DatasetDataset(DatasetFields):
    stats: Optional[Any]


Dataset.model_rebuild()
