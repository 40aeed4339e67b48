from pydantic import Field

from .base_model import BaseModel
from .fragments import DatasetFields


class RemoveDatasetTable(BaseModel):
    remove_dataset_table: "RemoveDatasetTableRemoveDatasetTable" = Field(
        alias="removeDatasetTable"
    )


RemoveDatasetTableRemoveDatasetTable = DatasetFields
RemoveDatasetTable.model_rebuild()
