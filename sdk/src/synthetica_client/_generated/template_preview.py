from typing import Any

from pydantic import Field

from .base_model import BaseModel


class TemplatePreview(BaseModel):
    template_preview: list["TemplatePreviewTemplatePreview"] = Field(
        alias="templatePreview"
    )


class TemplatePreviewTemplatePreview(BaseModel):
    name: str
    columns: list[str]
    rows: list[Any]
    truncated: bool


TemplatePreview.model_rebuild()
