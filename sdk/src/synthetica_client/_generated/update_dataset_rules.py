from pydantic import Field

from .base_model import BaseModel
from .fragments import DatasetFields


class UpdateDatasetRules(BaseModel):
    update_dataset_rules: "UpdateDatasetRulesUpdateDatasetRules" = Field(
        alias="updateDatasetRules"
    )


UpdateDatasetRulesUpdateDatasetRules = DatasetFields
UpdateDatasetRules.model_rebuild()
