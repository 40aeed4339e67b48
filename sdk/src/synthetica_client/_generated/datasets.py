from pydantic import Field

from .base_model import BaseModel
from .fragments import DatasetFields, PageFields


class Datasets(BaseModel):
    datasets: "DatasetsDatasets"


class DatasetsDatasets(BaseModel):
    nodes: list["DatasetsDatasetsNodes"]
    page_info: "DatasetsDatasetsPageInfo" = Field(alias="pageInfo")


DatasetsDatasetsNodes = DatasetFields
DatasetsDatasetsPageInfo = PageFields
Datasets.model_rebuild()
DatasetsDatasets.model_rebuild()
