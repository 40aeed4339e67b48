from pydantic import Field

from .base_model import BaseModel
from .fragments import DatasetFields


class UpdateDatasetRelationships(BaseModel):
    update_dataset_relationships: "UpdateDatasetRelationshipsUpdateDatasetRelationships" = Field(
        alias="updateDatasetRelationships"
    )


UpdateDatasetRelationshipsUpdateDatasetRelationships = DatasetFields
UpdateDatasetRelationships.model_rebuild()
