from typing import Any

from pydantic import Field

from .base_model import BaseModel


class BatchPreview(BaseModel):
    batch: "BatchPreviewBatch"


class BatchPreviewBatch(BaseModel):
    preview_rows: list[Any] = Field(alias="previewRows")


BatchPreview.model_rebuild()
