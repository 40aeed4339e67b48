from pydantic import Field

from .base_model import BaseModel
from .fragments import ProjectFields


class UpdateProject(BaseModel):
    update_project: "UpdateProjectUpdateProject" = Field(alias="updateProject")


UpdateProjectUpdateProject = ProjectFields
UpdateProject.model_rebuild()
