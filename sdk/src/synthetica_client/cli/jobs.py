"""``synthetica jobs``: list and cancel."""

from __future__ import annotations

from typing import Annotated

import typer

from synthetica_client.cli._app import JsonOption, answer, example, jobs_app, listing, state, value


@jobs_app.command(
    "ls", epilog=example("synthetica jobs ls --status RUNNING", "synthetica jobs ls --json")
)
def jobs_ls(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option(help="QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED.")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="TRAIN, GENERATE or TEMPLATE.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Your jobs, newest first."""
    listing(
        state(ctx).client().jobs.list(status=status, kind=kind),
        as_json,
        ["id", "kind", "status", "progress", "created", "error"],
        lambda j: [
            j.id,
            value(j.kind),
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
