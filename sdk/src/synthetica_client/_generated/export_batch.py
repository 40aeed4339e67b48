from pydantic import Field

from .base_model import BaseModel


class ExportBatch(BaseModel):
    export_batch: "ExportBatchExportBatch" = Field(alias="exportBatch")


class ExportBatchExportBatch(BaseModel):
    row_count: int = Field(alias="rowCount")
    table: str


ExportBatch.model_rebuild()
