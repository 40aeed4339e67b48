"""Projects: ``client.projects`` and ``Project`` objects, asynchronous and synchronous."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from synthetica_client._base import Bound, all_pages, enum_or_none, is_uuid
from synthetica_client._datasets import Dataset
from synthetica_client._generated.enums import PrivacyGate
from synthetica_client._generated.fragments import ProjectFields
from synthetica_client._generated.input_types import CreateProjectInput, UpdateProjectInput
from synthetica_client._mirror import Mirror, Namespace, blocking, mirrors
from synthetica_client.errors import BadUserInput, NotFound

if TYPE_CHECKING:
    from synthetica_client._async import AsyncClient
    from synthetica_client._datasets import AsyncDataset


def token_of_invitation(invitation: str) -> str:
    """The token of an invitation link (after ``#``, or its last path segment in the older
    form), or the text itself when it is a bare token."""
    text = invitation.strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    else:
        text = text.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return unquote(text).strip()


# A project as the methods take it: its id, its name, or the object (of either client).
ProjectRef = str | ProjectFields


class AsyncProject(Bound, ProjectFields):
    _resource = "projects"

    async def datasets(self) -> list[AsyncDataset]:
        return await self._client.datasets.list(self)

    async def update(self, **changes: Any) -> AsyncProject:
        """See ``client.projects.update``."""
        return await self._client.projects.update(self, **changes)


class AsyncProjects:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def create(self, name: str, *, description: str = "") -> AsyncProject:
        result = await self._c._t.create_project(
            input=CreateProjectInput(name=name, description=description)
        )
        return AsyncProject.bind(result.create_project, self._c)

    async def update(
        self,
        project: ProjectRef,
        *,
        name: str | None = None,
        description: str | None = None,
        privacy_gate: str | None = None,
        approval_required: bool | None = None,
    ) -> AsyncProject:
        """Renames or describes a project (owners), or changes its settings (owners and
        admins): ``privacy_gate`` "OFF", "BLOCK" or "OWNER_OVERRIDE"; ``approval_required``.
        What is left out stays as it is."""
        result = await self._c._t.update_project(
            input=UpdateProjectInput(
                id=await self._id_or_given(project),
                name=name,
                description=description,
                privacyGate=enum_or_none(PrivacyGate, privacy_gate, "privacy_gate"),
                approvalRequired=approval_required,
            )
        )
        return AsyncProject.bind(result.update_project, self._c)

    async def join(self, invitation_token: str) -> AsyncProject:
        """Joins a project with the invitation its owner sent you: the bare token or the
        dashboard's whole link (``https://.../invitations#<token>``, or the older
        ``.../invitations/<token>``), as the role it was given. NotFound once it was taken,
        withdrawn or replaced, or when you are a member already."""
        token = token_of_invitation(invitation_token)
        result = await self._c._t.accept_project_invitation(token=token)
        return AsyncProject.bind(result.accept_project_invitation, self._c)

    async def _id_or_given(self, project: ProjectRef) -> str:
        # An admin may change a project they cannot read: an id is used as it is.
        if isinstance(project, str) and is_uuid(project):
            return project
        return (await self.get(project)).id

    async def list(self, *, limit: int | None = None) -> list[AsyncProject]:
        return [
            AsyncProject.bind(p, self._c)
            for p in await all_pages(self._c._t.projects, "projects", limit)
        ]

    async def get(self, project: ProjectRef) -> AsyncProject:
        """By id, or by its exact name among your projects."""
        if isinstance(project, AsyncProject):
            return project
        if not isinstance(project, str):
            project = str(project.id)
        if is_uuid(project):
            return AsyncProject.bind((await self._c._t.project(id=project)).project, self._c)
        named = [p for p in await self.list() if p.name == project]
        if len(named) != 1:
            problem = "no project" if not named else f"{len(named)} projects"
            raise NotFound(f"{problem} named {project!r}: use the project's id")
        return named[0]

    async def _id(self, project: ProjectRef | None) -> str | None:
        """The id of a project given by id, name or object; None for None."""
        return (await self.get(project)).id if project else None

    async def _only(self) -> AsyncProject:
        """The caller's one project; asks for ``project=`` when there are none or several."""
        projects = await self.list(limit=2)
        if len(projects) != 1:
            why = "you have no project yet" if not projects else "you are in several projects"
            raise BadUserInput(
                f"{why}: pass project=",
                extensions={"fields": [{"field": "project", "message": "required"}]},
            )
        return projects[0]


@mirrors(AsyncProject)
class Project(Mirror, ProjectFields):
    datasets = blocking(AsyncProject.datasets, list[Dataset])

    def update(self, **changes: Any) -> Project:
        """See ``client.projects.update``."""
        return self._client._run(self._twin().update, **changes)


class Projects(Namespace):
    create = blocking(AsyncProjects.create, Project)
    get = blocking(AsyncProjects.get, Project)
    update = blocking(AsyncProjects.update, Project)
    list = blocking(AsyncProjects.list, list[Project])
    join = blocking(AsyncProjects.join, Project)
