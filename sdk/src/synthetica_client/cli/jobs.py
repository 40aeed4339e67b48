"""``synthetica jobs``: list, cancel, and approve or reject requests waiting for approval."""

from __future__ import annotations

from typing import Annotated

import typer

from synthetica_client.cli._app import JsonOption, answer, example, jobs_app, listing, state, value


@jobs_app.command(
    "ls",
    epilog=example(
        "synthetica jobs ls --status RUNNING",
        "synthetica jobs ls --status PENDING_APPROVAL --project Census",
        "synthetica jobs ls --json",
    ),
)
def jobs_ls(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(help="QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED or PENDING_APPROVAL."),
    ] = None,
    kind: Annotated[str | None, typer.Option(help="TRAIN, GENERATE or TEMPLATE.")] = None,
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="A project's jobs (id or name).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Your jobs (or a project's), newest first."""
    listing(
        state(ctx).client().jobs.list(status=status, kind=kind, project=project),
        as_json,
        ["id", "kind", "name", "status", "progress", "created", "error"],
        lambda j: [
            j.id,
            value(j.kind),
            j.name or "",
            value(j.status),
            f"{j.progress.percent:.0f}%",
            j.created_at,
            j.error,
        ],
    )


@jobs_app.command("cancel", epilog=example("synthetica jobs cancel 3c9d…"))
def jobs_cancel(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOption = False,
) -> None:
    """Stop a queued or running job."""
    job = state(ctx).client().jobs.cancel(job_id)
    answer(job, as_json, f"Job {job.id} is {value(job.status)}")


CommentOption = Annotated[str, typer.Option("--comment", "-m", help="Told to the requester.")]


@jobs_app.command(
    "approve", epilog=example('synthetica jobs approve 3c9d… -m "fine, the 2024 data"')
)
def jobs_approve(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Argument(metavar="ID")],
    comment: CommentOption = "",
    as_json: JsonOption = False,
) -> None:
    """Let a PENDING_APPROVAL job run (project owners and admins)."""
    job = state(ctx).client().jobs.approve(job_id, comment)
    answer(job, as_json, f"Job {job.id} is {value(job.status)}")


@jobs_app.command("reject", epilog=example('synthetica jobs reject 3c9d… -m "use the 2024 data"'))
def jobs_reject(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Argument(metavar="ID")],
    comment: Annotated[str, typer.Option("--comment", "-m", help="Why (told to the requester).")],
    as_json: JsonOption = False,
) -> None:
    """Cancel a PENDING_APPROVAL job for good (project owners and admins)."""
    job = state(ctx).client().jobs.reject(job_id, comment)
    answer(job, as_json, f"Job {job.id} is {value(job.status)}")
