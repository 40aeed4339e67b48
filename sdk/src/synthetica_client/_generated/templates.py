from pydantic import Field

from .base_model import BaseModel
from .fragments import PageFields, TemplateFields


class Templates(BaseModel):
    templates: "TemplatesTemplates"


class TemplatesTemplates(BaseModel):
    nodes: list["TemplatesTemplatesNodes"]
    page_info: "TemplatesTemplatesPageInfo" = Field(alias="pageInfo")


TemplatesTemplatesNodes = TemplateFields
TemplatesTemplatesPageInfo = PageFields
Templates.model_rebuild()
TemplatesTemplates.model_rebuild()
