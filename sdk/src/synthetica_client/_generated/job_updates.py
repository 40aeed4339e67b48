from pydantic import Field

from .base_model import BaseModel
from .fragments import JobUpdateFields


class JobUpdates(BaseModel):
    job_updates: "JobUpdatesJobUpdates" = Field(alias="jobUpdates")


JobUpdatesJobUpdates = JobUpdateFields
JobUpdates.model_rebuild()
