from pydantic import Field

from .base_model import BaseModel
from .fragments import BatchFields, JobFields


class GenerateFromTemplate(BaseModel):
    generate_from_template: "GenerateFromTemplateGenerateFromTemplate" = Field(
        alias="generateFromTemplate"
    )


class GenerateFromTemplateGenerateFromTemplate(BaseModel):
    batch: "GenerateFromTemplateGenerateFromTemplateBatch"
    job: "GenerateFromTemplateGenerateFromTemplateJob"


GenerateFromTemplateGenerateFromTemplateBatch = BatchFields
GenerateFromTemplateGenerateFromTemplateJob = JobFields
GenerateFromTemplate.model_rebuild()
GenerateFromTemplateGenerateFromTemplate.model_rebuild()
