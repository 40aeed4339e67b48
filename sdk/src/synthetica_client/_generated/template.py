from typing import Any

from pydantic import Field

from .base_model import BaseModel
from .fragments import TemplateFields


class Template(BaseModel):
    template: "TemplateTemplate"


class TemplateTemplate(TemplateFields):
    schema_: Any = Field(alias="schema")


Template.model_rebuild()
