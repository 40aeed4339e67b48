from typing import Any

from pydantic import Field

from .base_model import BaseModel


class DatasetPreview(BaseModel):
    dataset: "DatasetPreviewDataset"


class DatasetPreviewDataset(BaseModel):
    preview_rows: list[Any] = Field(alias="previewRows")


DatasetPreview.model_rebuild()
