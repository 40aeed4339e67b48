"""``synthetica projects``: list and create."""

from __future__ import annotations

from typing import Annotated

import typer

from synthetica_client.cli._app import (
    JsonOption,
    answer,
    example,
    listing,
    projects_app,
    state,
    value,
)


@projects_app.command(
    "ls", epilog=example("synthetica projects ls", "synthetica projects ls --json")
)
def projects_ls(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The projects you are a member of, newest first."""
    listing(
        state(ctx).client().projects.list(),
        as_json,
        ["id", "name", "role", "created"],
        lambda p: [p.id, p.name, value(p.my_role), p.created_at],
    )


@projects_app.command(
    "create", epilog=example('synthetica projects create Census --description "US census 1994"')
)
def projects_create(
    ctx: typer.Context,
    name: str,
    description: Annotated[str, typer.Option(help="What the project is for.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Create a project (you become its owner)."""
    project = state(ctx).client().projects.create(name, description=description)
    answer(project, as_json, f"Created project {project.name}: {project.id}")
