from pydantic import Field

from .base_model import BaseModel
from .fragments import ProjectFields


class AcceptProjectInvitation(BaseModel):
    accept_project_invitation: "AcceptProjectInvitationAcceptProjectInvitation" = Field(
        alias="acceptProjectInvitation"
    )


AcceptProjectInvitationAcceptProjectInvitation = ProjectFields
AcceptProjectInvitation.model_rebuild()
