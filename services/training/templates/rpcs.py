"""TrainingService's template RPCs: generating from a saved template, a built-in one or a schema,
and saving, listing, reading, previewing and deleting templates. A saved template is its owner's;
shared with a project, its members may read and use it. TrainingServicer serves them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf import json_format

from common.context import Principal
from common.db import Database
from common.errors import InvalidArgument, NotFound, PermissionDenied
from common.ids import parse_id
from common.interceptors import require_principal
from common.pagination import page_of
from services.training import convert, service
from services.training import models as m
from services.training.access import EDITOR, Access, calling_user
from services.training.payloads import CUSTOM_SCHEMA
from services.training.settings import TrainingSettings
from services.training.templates import store as template_store
from services.training.templates.checker import TemplateChecker
from synthetica.training.v1 import training_pb2

TEMPLATE_PREVIEW_ROWS = 10
MAX_TEMPLATE_PREVIEW_ROWS = 50
# All tables of a template preview together (a schema of very wide rows gets fewer rows).
TEMPLATE_PREVIEW_BYTES = 1 << 20
MAX_NAME_LENGTH = 200


class TemplateRpcs:
    """The template half of TrainingServicer, which provides these attributes."""

    db: Database
    settings: TrainingSettings
    access: Access
    checker: TemplateChecker
    on_commit: Callable[[], None]

    async def GenerateFromTemplate(
        self, request: training_pb2.GenerateFromTemplateRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.GenerateFromTemplateResponse:
        principal = calling_user()
        if not request.project_id:
            raise InvalidArgument("project_id is required", field="project_id")
        parse_id(request.project_id, "project_id")
        if request.format and request.format not in convert.FORMAT_NAMES:
            raise InvalidArgument(f"unknown format {request.format}", field="format")
        # Who may generate here is decided first: checking a schema is work done for a user.
        approval = await self.access.approval(principal, request.project_id)
        label, source, prefix = await self._template_source(principal, request)
        name = source.pop("name")
        seed = request.seed if request.HasField("seed") else uuid.uuid4().int % 2**31
        locale = request.locale or "en_US"
        estimate = await self.checker.check_generation(
            source,
            count=request.count,
            seed=seed,
            locale=locale,
            max_rows=self.settings.max_rows_per_batch,
            max_fields=self.settings.template_max_fields,
            field=prefix,
        )
        # Refused now, before a job exists, when it clearly cannot fit in the owner's quota.
        await self.access.datasets.check_storage_quota(request.project_id, estimate)
        batch, job = await self.db.call(
            service.create_template_job,
            owner_id=principal.user_id,
            project_id=request.project_id,
            request=service.TemplateRequest(
                template_id=label,
                name=name,
                source=source,
                count=request.count,
                seed=seed,
                locale=locale,
                chunk_rows=self.settings.template_chunk_rows,
                format=convert.FORMAT_NAMES.get(request.format, "parquet"),
            ),
            max_active_jobs=self.settings.max_concurrent_jobs_per_user,
            approval=approval,
        )
        self.on_commit()
        return training_pb2.GenerateFromTemplateResponse(
            batch=convert.batch_to_proto(batch), job=convert.job_to_proto(job)
        )

    async def _template_source(
        self,
        principal: Principal,
        request: training_pb2.GenerateFromTemplateRequest | training_pb2.PreviewTemplateRequest,
    ) -> tuple[str, dict[str, Any], str]:
        """(the batch's template_id, the job's source with its "name", the field schema errors
        point into)."""
        which = request.WhichOneof("source")
        options = json_format.MessageToDict(request.options) if request.HasField("options") else {}
        if which == "template_id":
            template = await self._readable_template(principal, request.template_id)
            source: dict[str, Any] = {"schema": template.schema, "name": template.name}
            if options:
                source["options"] = options
            return str(template.id), source, "template"
        if which == "builtin":
            if not request.builtin:
                raise InvalidArgument("builtin must name a built-in template", field="builtin")
            source = {"builtin": request.builtin, "options": options, "name": request.builtin}
            return request.builtin, source, "builtin"
        if which == "schema_json":
            template_store.check_schema_size(request.schema_json)
            schema = await self.checker.check_schema(
                request.schema_json, max_fields=self.settings.template_max_fields, field="schema"
            )
            source = {"schema": schema, "name": CUSTOM_SCHEMA}
            if options:
                source["options"] = options
            return "", source, "schema"
        raise InvalidArgument(
            "say what to generate: a templateId, a builtin template or a schema", field="source"
        )

    async def CreateTemplate(
        self, request: training_pb2.CreateTemplateRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.CreateTemplateResponse:
        principal = calling_user()
        if request.project_id:
            parse_id(request.project_id, "project_id")
            await self.access.require(principal, request.project_id, EDITOR)
        template_store.check_schema_size(request.schema_json)
        schema = await self.checker.check_schema(
            request.schema_json, max_fields=self.settings.template_max_fields, field="schema"
        )
        template = await self.db.call(
            template_store.create_template,
            owner_id=principal.user_id,
            project_id=request.project_id,
            name=request.name.strip(),
            description=request.description.strip(),
            schema=schema,
        )
        return training_pb2.CreateTemplateResponse(template=convert.template_to_proto(template))

    async def ListTemplates(
        self, request: training_pb2.ListTemplatesRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.ListTemplatesResponse:
        """Built-ins (on the first page), then saved templates, newest first: a project's
        shared ones, or without a project the caller's own."""
        principal = require_principal()
        scope = await self.access.list_scope(principal, request.project_id)
        saved, token = await self.db.call(
            template_store.list_templates, **scope, **page_of(request)
        )
        builtins = [] if request.page_token else template_store.builtins()
        return training_pb2.ListTemplatesResponse(
            templates=[
                *(convert.builtin_to_proto(b) for b in builtins),
                *(convert.template_to_proto(t) for t in saved),
            ],
            next_page_token=token,
        )

    async def GetTemplate(
        self, request: training_pb2.GetTemplateRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.GetTemplateResponse:
        principal = require_principal()
        builtin = template_store.builtin(request.template_id)
        if builtin is not None:
            return training_pb2.GetTemplateResponse(template=convert.builtin_to_proto(builtin))
        template = await self._readable_template(principal, request.template_id)
        return training_pb2.GetTemplateResponse(template=convert.template_to_proto(template))

    async def DeleteTemplate(
        self, request: training_pb2.DeleteTemplateRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.DeleteTemplateResponse:
        principal = calling_user()
        if template_store.builtin(request.template_id) is not None:
            raise PermissionDenied("built-in templates cannot be deleted")
        template = await self._readable_template(principal, request.template_id)
        if str(template.owner_id) != principal.user_id:
            raise PermissionDenied("only the template's owner can delete it")
        await self.db.call(template_store.delete_template, template_id=request.template_id)
        return training_pb2.DeleteTemplateResponse()

    async def PreviewTemplate(self, request, context):
        principal = calling_user()
        rows = request.rows if request.HasField("rows") else TEMPLATE_PREVIEW_ROWS
        if not 1 <= rows <= MAX_TEMPLATE_PREVIEW_ROWS:
            raise InvalidArgument(
                f"rows must be between 1 and {MAX_TEMPLATE_PREVIEW_ROWS}", field="rows"
            )
        _, source, prefix = await self._template_source(principal, request)
        source.pop("name")
        tables = await self.checker.preview(
            source,
            rows=rows,
            seed=request.seed if request.HasField("seed") else uuid.uuid4().int % 2**31,
            locale=request.locale or "en_US",
            max_rows=self.settings.max_rows_per_batch,
            max_fields=self.settings.template_max_fields,
            max_bytes=TEMPLATE_PREVIEW_BYTES,
            field=prefix,
        )
        return training_pb2.PreviewTemplateResponse(
            tables=[training_pb2.TemplatePreviewTable(**table) for table in tables]
        )

    async def _readable_template(self, principal: Principal, template_id: str) -> m.Template:
        """The owner reads it, a shared template's project members too; for anyone else it
        does not exist."""
        template = await self.db.call(template_store.get_template, template_id=template_id)
        if not principal.is_user or str(template.owner_id) == principal.user_id:
            return template
        if template.project_id is None:
            raise NotFound(f"template {template_id} not found")
        await self.access.require_reader(principal, template.project_id)
        return template
