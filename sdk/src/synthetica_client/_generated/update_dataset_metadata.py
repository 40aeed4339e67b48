from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import (  # noqa: F401
    DatasetFields,
    DatasetFieldsColumns,
    DatasetFieldsForeignKeys,
    DatasetFieldsReferentialProblems,
    DatasetFieldsRules,
    DatasetFieldsTables,
)


class UpdateDatasetMetadata(BaseModel):
    update_dataset_metadata: "UpdateDatasetMetadataUpdateDatasetMetadata" = Field(
        alias="updateDatasetMetadata"
    )


class UpdateDatasetMetadataUpdateDatasetMetadata(DatasetFields):
    stats: Optional[Any]


UpdateDatasetMetadata.model_rebuild()
