from .base_model import BaseModel
from .fragments import BatchFields, JobFields


class Generate(BaseModel):
    generate: "GenerateGenerate"


class GenerateGenerate(BaseModel):
    batch: "GenerateGenerateBatch"
    job: "GenerateGenerateJob"


GenerateGenerateBatch = BatchFields
GenerateGenerateJob = JobFields
Generate.model_rebuild()
GenerateGenerate.model_rebuild()
