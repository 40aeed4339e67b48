from pydantic import Field

from .base_model import BaseModel
from .fragments import ModelFields, PageFields


class Models(BaseModel):
    models: "ModelsModels"


class ModelsModels(BaseModel):
    nodes: list["ModelsModelsNodes"]
    page_info: "ModelsModelsPageInfo" = Field(alias="pageInfo")


ModelsModelsNodes = ModelFields
ModelsModelsPageInfo = PageFields
Models.model_rebuild()
ModelsModels.model_rebuild()
