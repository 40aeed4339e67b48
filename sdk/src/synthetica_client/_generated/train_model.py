from pydantic import Field

from .base_model import BaseModel
from .fragments import JobFields, ModelFields


class TrainModel(BaseModel):
    train_model: "TrainModelTrainModel" = Field(alias="trainModel")


class TrainModelTrainModel(BaseModel):
    model: "TrainModelTrainModelModel"
    job: "TrainModelTrainModelJob"


TrainModelTrainModelModel = ModelFields
TrainModelTrainModelJob = JobFields
TrainModel.model_rebuild()
TrainModelTrainModel.model_rebuild()
