from .base_model import BaseModel
from .fragments import JobFields


class Job(BaseModel):
    job: "JobJob"


JobJob = JobFields
Job.model_rebuild()
