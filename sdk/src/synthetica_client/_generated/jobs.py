from pydantic import Field

from .base_model import BaseModel
from .fragments import JobFields, PageFields


class Jobs(BaseModel):
    jobs: "JobsJobs"


class JobsJobs(BaseModel):
    nodes: list["JobsJobsNodes"]
    page_info: "JobsJobsPageInfo" = Field(alias="pageInfo")


JobsJobsNodes = JobFields
JobsJobsPageInfo = PageFields
Jobs.model_rebuild()
JobsJobs.model_rebuild()
