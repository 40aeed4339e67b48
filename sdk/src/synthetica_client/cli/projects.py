"""``synthetica projects``: list, create, join with an invitation and change settings."""

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


@projects_app.command(
    "join",
    epilog=example(
        "synthetica projects join syninv_...",
        "synthetica projects join 'https://synthetica.example.com/invitations#syninv_...'",
    ),
)
def projects_join(
    ctx: typer.Context,
    invitation: Annotated[
        str, typer.Argument(help="The invitation token, or the invitation link, you were sent.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Join a project with the invitation an owner sent you."""
    project = state(ctx).client().projects.join(invitation)
    answer(
        project, as_json, f"Joined project {project.name} as {value(project.my_role)}: {project.id}"
    )


@projects_app.command(
    "settings",
    epilog=example(
        "synthetica projects settings Census --privacy-gate OWNER_OVERRIDE --approval-required"
    ),
)
def projects_settings(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    privacy_gate: Annotated[
        str | None, typer.Option(help="OFF, BLOCK or OWNER_OVERRIDE (batches failing privacy).")
    ] = None,
    approval_required: Annotated[
        bool | None,
        typer.Option(
            "--approval-required/--no-approval-required",
            help="Editors' training and generation requests wait for an owner's approval.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a project's settings, or change them (owners and admins)."""
    client = state(ctx).client()
    if privacy_gate is None and approval_required is None:
        updated = client.projects.get(project)
    else:
        updated = client.projects.update(
            project, privacy_gate=privacy_gate, approval_required=approval_required
        )
    answer(
        updated,
        as_json,
        f"Project {updated.name}: privacy gate {value(updated.privacy_gate)}, "
        f"approval {'required' if updated.approval_required else 'not required'}",
    )
