from pydantic import Field

from .base_model import BaseModel
from .fragments import DatasetFields


class ImportDataset(BaseModel):
    import_dataset: "ImportDatasetImportDataset" = Field(alias="importDataset")


ImportDatasetImportDataset = DatasetFields
ImportDataset.model_rebuild()
