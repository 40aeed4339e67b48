from .base_model import BaseModel
from .fragments import ModelFields


class Model(BaseModel):
    model: "ModelModel"


ModelModel = ModelFields
Model.model_rebuild()
