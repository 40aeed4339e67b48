"""Templates: ``client.templates`` (built-in and saved schemas, previews), asynchronous and
synchronous. Generating from one is ``client.generate_from_template``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synthetica_client._base import all_pages, id_of
from synthetica_client._generated.fragments import TemplateFields
from synthetica_client._generated.input_types import TemplatePreviewInput
from synthetica_client._mirror import Namespace, blocking

if TYPE_CHECKING:
    from synthetica_client._async import AsyncClient
    from synthetica_client._projects import ProjectRef


class Template(TemplateFields):
    """A built-in template (``id`` is its name) or a saved schema."""


class AsyncTemplates:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def list(
        self, *, project: ProjectRef | None = None, limit: int | None = None
    ) -> list[Template]:
        """The built-in templates, then your saved ones (or a project's)."""
        project_id = await self._c.projects._id(project)
        found = await all_pages(self._c._t.templates, "templates", limit, project_id=project_id)
        return [Template.model_validate(t.model_dump(by_alias=True)) for t in found]

    async def get(self, template: str) -> Template:
        """A built-in by name, or a saved template by id."""
        return Template.model_validate(
            (await self._c._t.template(id=template)).template.model_dump(by_alias=True)
        )

    async def preview(
        self,
        template: str | TemplateFields | None = None,
        *,
        schema: dict[str, Any] | None = None,
        rows: int = 10,
        seed: int | None = None,
        locale: str = "en_US",
        options: dict[str, Any] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """``rows`` rows (1..50) of every table of a built-in template, a saved one or an
        unsaved ``schema``, made as ``generate_from_template`` makes them but at once and
        without a job: ``{table: [row, ...]}``, parents first; same seed, same rows."""
        name = id_of(template) if template is not None else None
        builtin = template_id = None
        if name is not None:
            found = await self.get(name)
            builtin, template_id = (found.id, None) if found.builtin else (None, found.id)
        request = TemplatePreviewInput(
            builtin=builtin,
            template_id=template_id,
            schema=schema,
            rows=rows,
            seed=seed,
            locale=locale,
            options=options,
        )
        tables = (await self._c._t.template_preview(input=request)).template_preview
        return {t.name: list(t.rows) for t in tables}


class Templates(Namespace):
    get = blocking(AsyncTemplates.get, Template)
    preview = blocking(AsyncTemplates.preview, dict[str, list[dict[str, Any]]])
    list = blocking(AsyncTemplates.list, list[Template])
