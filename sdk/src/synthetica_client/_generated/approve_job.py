from pydantic import Field

from .base_model import BaseModel
from .fragments import JobFields


class ApproveJob(BaseModel):
    approve_job: "ApproveJobApproveJob" = Field(alias="approveJob")


ApproveJobApproveJob = JobFields
ApproveJob.model_rebuild()
