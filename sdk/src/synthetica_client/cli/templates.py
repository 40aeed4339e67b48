"""``synthetica templates``: list, preview, generate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synthetica_client.cli._app import (
    JsonOption,
    example,
    listing,
    options_from,
    print_json,
    save_batch,
    state,
    table,
    templates_app,
)

TemplateArgument = Annotated[
    str, typer.Argument(help="A built-in's name, or a saved template's id.")
]
LocaleOption = Annotated[str, typer.Option(help="en_US, de_DE, fr_FR, ja_JP.")]
TemplateOptions = Annotated[
    list[str] | None, typer.Option(help="Template option key=value, e.g. fraud_rate=0.05.")
]


@templates_app.command(
    "ls", epilog=example("synthetica templates ls", "synthetica templates ls --json")
)
def templates_ls(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Built-in templates, then your saved ones."""
    listing(
        state(ctx).client().templates.list(),
        as_json,
        ["id", "name", "kind", "description"],
        lambda t: [t.id, t.name, "built-in" if t.builtin else "saved", t.description],
    )


@templates_app.command(
    "preview",
    epilog=example(
        "synthetica templates preview user --rows 5",
        "synthetica templates preview finance_transactions --option fraud_rate=0.5 --json",
    ),
)
def templates_preview(
    ctx: typer.Context,
    name: TemplateArgument,
    rows: Annotated[int, typer.Option(help="Rows of each table, 1..50.")] = 10,
    seed: Annotated[int | None, typer.Option(help="The seed a generation would use.")] = None,
    locale: LocaleOption = "en_US",
    option: TemplateOptions = None,
    as_json: JsonOption = False,
) -> None:
    """Show a template's first rows at once, without a job."""
    tables = (
        state(ctx)
        .client()
        .templates.preview(
            name, rows=rows, seed=seed, locale=locale, options=options_from(option) or None
        )
    )
    if as_json:
        print_json(tables)
        return
    for title, found in tables.items():
        columns = list(found[0]) if found else []
        table(title, columns, [[row.get(c) for c in columns] for row in found])


@templates_app.command(
    "generate",
    epilog=example(
        "synthetica templates generate user --rows 1000000 -o users.parquet --seed 3 "
        "--locale de_DE",
        "synthetica templates generate finance_transactions --rows 1000 -o tx.csv "
        "--option fraud_rate=0.05",
    ),
)
def templates_generate(
    ctx: typer.Context,
    name: TemplateArgument,
    rows: Annotated[int, typer.Option(help="Rows (of each table without its own count).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to save the rows.")],
    format: Annotated[
        str | None, typer.Option(help="csv, jsonl, parquet or sql (default: from -o).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Same seed, same bytes.")] = None,
    locale: LocaleOption = "en_US",
    project: Annotated[
        str | None,
        typer.Option("--project", "-p", help="Project id or name (default: your only one)."),
    ] = None,
    option: TemplateOptions = None,
    table_name: Annotated[
        str,
        typer.Option(
            "--table",
            help="One table of a multi-table template (default: a file per table; SQL: one).",
        ),
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Generate fake rows from a template; waits and downloads them."""
    client = state(ctx).client()
    batch = client.generate_from_template(
        name,
        rows=rows,
        seed=seed,
        locale=locale,
        project=project,
        options=options_from(option) or None,
    )
    fmt = (format or output.suffix.lstrip(".") or "csv").lower()
    save_batch(batch, output, fmt, table_name, as_json)
