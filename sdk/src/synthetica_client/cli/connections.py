"""``synthetica connections``: add, list, test, and import a table or a query."""

from __future__ import annotations

from typing import Annotated

import typer

from synthetica_client.cli._app import JsonOption, answer, connections_app, example, listing, state

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="Project id or name.")]


@connections_app.command(
    "add",
    epilog=example(
        "synthetica connections add warehouse 'postgresql://reader:secret@db.example.com/sales'"
        " -p Census"
    ),
)
def connections_add(
    ctx: typer.Context, name: str, url: str, project: ProjectOption, as_json: JsonOption = False
) -> None:
    """Save a database URL (its password is encrypted and never shown again)."""
    saved = state(ctx).client().connections.create(project, name, url)
    answer(saved, as_json, f"Saved connection {saved.name}: {saved.masked_url} ({saved.id})")


@connections_app.command("ls", epilog=example("synthetica connections ls -p Census"))
def connections_ls(ctx: typer.Context, project: ProjectOption, as_json: JsonOption = False) -> None:
    """A project's connections, newest first."""
    listing(
        state(ctx).client().connections.list(project),
        as_json,
        ["id", "name", "url"],
        lambda c: [c.id, c.name, c.masked_url],
    )


@connections_app.command("test", epilog=example("synthetica connections test warehouse -p Census"))
def connections_test(ctx: typer.Context, connection: str, project: ProjectOption) -> None:
    """Connect once and say whether that worked (exit status 1 when not)."""
    result = state(ctx).client().connections.get(connection, project).test()
    if not result.ok:
        answer(result, False, f"failed: {result.error_code}: {result.message}")
        raise typer.Exit(1)
    answer(result, False, "ok")


@connections_app.command(
    "import",
    epilog=example(
        "synthetica connections import warehouse -p Census --table public.customers",
        "synthetica connections import warehouse -p Census --query 'SELECT * FROM orders'"
        " --name orders",
    ),
)
def connections_import(
    ctx: typer.Context,
    connection: str,
    project: ProjectOption,
    table: Annotated[str, typer.Option(help="A table, or schema.table.")] = "",
    query: Annotated[str, typer.Option(help="One read-only SELECT.")] = "",
    name: Annotated[str, typer.Option(help="The new dataset's name.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Import a table or a query into a new dataset of the project."""
    found = state(ctx).client().connections.get(connection, project)
    if query:
        dataset = found.import_query(query, name=name or "query")
    else:
        dataset = found.import_table(table, name=name)
    answer(
        dataset, as_json, f"Imported {dataset.row_count:,} rows into {dataset.name}: {dataset.id}"
    )
