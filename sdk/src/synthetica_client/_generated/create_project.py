from pydantic import Field

from .base_model import BaseModel
from .fragments import ProjectFields


class CreateProject(BaseModel):
    create_project: "CreateProjectCreateProject" = Field(alias="createProject")


CreateProjectCreateProject = ProjectFields
CreateProject.model_rebuild()
