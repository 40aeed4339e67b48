from pydantic import Field

from .base_model import BaseModel
from .fragments import JobFields


class RejectJob(BaseModel):
    reject_job: "RejectJobRejectJob" = Field(alias="rejectJob")


RejectJobRejectJob = JobFields
RejectJob.model_rebuild()
