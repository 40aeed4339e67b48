from pydantic import Field

from .base_model import BaseModel
from .fragments import PageFields, ProjectFields


class Projects(BaseModel):
    projects: "ProjectsProjects"


class ProjectsProjects(BaseModel):
    nodes: list["ProjectsProjectsNodes"]
    page_info: "ProjectsProjectsPageInfo" = Field(alias="pageInfo")


ProjectsProjectsNodes = ProjectFields
ProjectsProjectsPageInfo = PageFields
Projects.model_rebuild()
ProjectsProjects.model_rebuild()
