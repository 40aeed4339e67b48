"""Templates: the built-in ones (from the generation core) and users' saved schemas.

A saved template belongs to its owner; with a project it is shared with that project's
members (who may read and generate from it; only the owner deletes it). Ids of built-ins
are their names (``user``, ``ecommerce_transaction``, ...), ids of saved ones UUIDs.
Every schema is validated by the core (in a child process, see ``templates.checker``) before
it is stored, with one field violation per problem, pointing at the field
(``schema.tables[0].fields[2].type``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.errors import FieldViolation, InvalidArgument, NotFound
from common.ids import parse_id
from common.pagination import paginate
from services.training import models as m
from services.training.templates import SchemaError, TemplateInfo, parse_schema
from services.training.templates import list_templates as core_templates

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000
MAX_SCHEMA_BYTES = 1 << 20
MAX_VIOLATIONS = 20


@dataclass(frozen=True)
class Builtin:
    """A built-in template as the API shows it: its schema with default options."""

    id: str
    description: str
    options: dict[str, float]
    schema: dict[str, Any]


def builtins() -> list[Builtin]:
    return [_builtin(info) for info in core_templates()]


def builtin(name: str) -> Builtin | None:
    return next((b for b in builtins() if b.id == name), None)


def _builtin(info: TemplateInfo) -> Builtin:
    schema = parse_schema(info.build(dict(info.options)))
    return Builtin(
        id=info.id,
        description=info.description,
        options=dict(info.options),
        schema=schema.model_dump(mode="json", exclude_none=True),
    )


def invalid_schema(exc: SchemaError, prefix: str = "schema") -> InvalidArgument:
    """A core SchemaError as INVALID_ARGUMENT with one violation per (path, message).

    Paths inside the schema (``tables[0]...``) are prefixed with the request field that
    carried it; request-level paths (count, seed, locale, options) stay as they are.
    """
    violations = [
        FieldViolation(_request_path(path, prefix), message) for path, message in exc.errors
    ]
    first = violations[0]
    more = len(violations) - 1
    summary = f"{first.field}: {first.description}" + (f" (and {more} more)" if more > 0 else "")
    # The violations travel in the status trailers, which have a size limit.
    return InvalidArgument(summary, violations=violations[:MAX_VIOLATIONS])


def _request_path(path: str, prefix: str) -> str:
    if path == "schema":
        return prefix
    if path.startswith("tables"):
        return f"{prefix}.{path}"
    if path == "templateId":
        return "builtin"
    return path


def check_schema_size(text: str, *, field: str = "schema") -> None:
    """A schema's JSON text is given and not too big; the schema itself is checked (and
    dry-run) in a child process, see ``templates.checker``."""
    if not text.strip():
        raise InvalidArgument(f"{field} is required", field=field)
    if len(text.encode()) > MAX_SCHEMA_BYTES:
        raise InvalidArgument(f"{field} is larger than {MAX_SCHEMA_BYTES} bytes", field=field)


def _check_text(name: str, description: str) -> None:
    violations = []
    if not name:
        violations.append(FieldViolation("name", "a template needs a name"))
    elif len(name) > MAX_NAME_LENGTH:
        violations.append(FieldViolation("name", f"at most {MAX_NAME_LENGTH} characters"))
    if len(description) > MAX_DESCRIPTION_LENGTH:
        violations.append(
            FieldViolation("description", f"at most {MAX_DESCRIPTION_LENGTH} characters")
        )
    if violations:
        first = violations[0]
        raise InvalidArgument(f"{first.field}: {first.description}", violations=violations)


def create_template(
    *,
    session: Session,
    owner_id: str,
    project_id: str,
    name: str,
    description: str,
    schema: dict[str, Any],
) -> m.Template:
    _check_text(name, description)
    template = m.Template(
        id=uuid.uuid4(),
        owner_id=parse_id(owner_id, "owner_id"),
        project_id=parse_id(project_id, "project_id") if project_id else None,
        name=name,
        description=description,
        schema=schema,
    )
    session.add(template)
    session.flush()
    session.refresh(template)
    return template


def get_template(*, session: Session, template_id: str) -> m.Template:
    """A saved template; NotFound for an unknown id of any shape."""
    try:
        key = uuid.UUID(template_id)
    except (ValueError, TypeError, AttributeError):
        raise NotFound(f"template {template_id!r} not found") from None
    template = session.get(m.Template, key)
    if template is None:
        raise NotFound(f"template {template_id} not found")
    return template


def list_templates(
    *,
    session: Session,
    owner_id: str = "",
    project_id: str = "",
    page_size: int = 0,
    page_token: str = "",
) -> tuple[list[m.Template], str]:
    """Newest first: a project's shared templates, or an owner's own (shared or not)."""
    query = select(m.Template)
    if project_id:
        query = query.where(m.Template.project_id == parse_id(project_id, "project_id"))
    if owner_id:
        query = query.where(m.Template.owner_id == parse_id(owner_id, "owner_id"))
    return paginate(session, query, page_size=page_size, page_token=page_token, newest_first=True)


def delete_template(*, session: Session, template_id: str) -> None:
    session.delete(get_template(session=session, template_id=template_id))


def schema_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, separators=(",", ":"))
