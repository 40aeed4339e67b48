"""``synthetica datasets``: upload, upload-tables, list, show, rules, rm."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from synthetica_client._base import is_uuid
from synthetica_client.cli._app import (
    DatasetArgument,
    JsonOption,
    NamedInProject,
    ProjectOption,
    datasets_app,
    example,
    json_argument,
    listing,
    options_from,
    out,
    print_json,
    state,
    table,
    value,
)
from synthetica_client.errors import NotFound


@datasets_app.command(
    "upload",
    epilog=example(
        "synthetica datasets upload adult-train.csv --project Census --name adult",
        "synthetica datasets upload data.txt --project Census --option delimiter='|' "
        "--option has_header=false",
    ),
)
def datasets_upload(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="CSV, TSV, Parquet, JSON(L), or gzip of them.",
        ),
    ],
    project: ProjectOption,
    name: Annotated[str | None, typer.Option(help="Dataset name (default: the file's).")] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            help="Ingest option key=value: format, delimiter, has_header, encoding, "
            "column_names, missing_values, holdout_fraction, seed."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Upload a table; waits until it is ingested and shows its columns."""
    dataset = (
        state(ctx)
        .client()
        .datasets.upload(file, project=project, name=name, options=options_from(option))
    )
    show_dataset(dataset, as_json)


@datasets_app.command(
    "upload-tables",
    epilog=example(
        "synthetica datasets upload-tables customers.csv orders.csv --project Shop --name shop",
        "synthetica datasets upload-tables shop.zip --project Shop",
    ),
)
def datasets_upload_tables(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="CSV, TSV, Parquet or JSON files (each a table named by its file stem), "
            "or one zip of them.",
        ),
    ],
    project: ProjectOption,
    name: Annotated[str | None, typer.Option(help="Dataset name.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Upload several tables into one dataset in one call; waits until they are ingested
    and linked, and shows the dataset."""
    dataset = state(ctx).client().upload_tables(files, project=project, name=name)
    show_dataset(dataset, as_json)


@datasets_app.command("ls", epilog=example("synthetica datasets ls --project Census"))
def datasets_ls(ctx: typer.Context, project: ProjectOption, as_json: JsonOption = False) -> None:
    """A project's datasets, newest first."""
    listing(
        state(ctx).client().datasets.list(project),
        as_json,
        ["id", "name", "status", "rows", "columns", "created"],
        lambda d: [d.id, d.name, value(d.status), d.row_count, len(d.columns), d.created_at],
    )


@datasets_app.command(
    "show",
    epilog=example(
        "synthetica datasets show 0b6f…",
        "synthetica datasets show adult --project Census --json",
    ),
)
def datasets_show(
    ctx: typer.Context,
    dataset: DatasetArgument,
    project: NamedInProject = None,
    as_json: JsonOption = False,
) -> None:
    """A dataset with its columns (and, with --json, its statistics)."""
    show_dataset(state(ctx).client().datasets.get(dataset, project=project), as_json)


@datasets_app.command(
    "rules",
    epilog=example(
        "synthetica datasets rules 0b6f…",
        "synthetica datasets rules 0b6f… --set rules.json",
        "synthetica datasets rules 0b6f… --set '[]'",
    ),
)
def datasets_rules(
    ctx: typer.Context,
    dataset: DatasetArgument,
    set_rules: Annotated[
        str | None,
        typer.Option(
            "--set",
            help="Replace the rules: a JSON list (or a .json file holding one), e.g. "
            '\'[{"kind": "range", "column": "age", "low": 17, "high": 90}]\'.',
        ),
    ] = None,
    project: NamedInProject = None,
    as_json: JsonOption = False,
) -> None:
    """A dataset's rules with the real rows that break each; --set replaces them."""
    found = state(ctx).client().datasets.get(dataset, project=project)
    if set_rules is not None:
        found = found.set_rules(json_argument(set_rules, "--set"))
    listing(
        found.rules,
        as_json,
        ["rule", "kind", "real rows breaking it"],
        lambda r: [r.description, value(r.kind), r.real_violation_count],
    )


@datasets_app.command(
    "rm",
    epilog=example(
        "synthetica datasets rm 0b6f…", "synthetica datasets rm adult --project Census --yes"
    ),
)
def datasets_rm(
    ctx: typer.Context,
    dataset: DatasetArgument,
    project: NamedInProject = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Delete a dataset and its files (editors and owners); models trained on it keep working.

    A name must be the name of one dataset only, whatever its status: a failed upload and the
    dataset uploaded after it under the same name are told apart by id.
    """
    client = state(ctx).client()
    if is_uuid(dataset):
        found = client.datasets.get(dataset)
    else:
        projects = [client.projects.get(project)] if project else client.projects.list()
        named = [d for p in projects for d in client.datasets.list(p) if d.name == dataset]
        if len(named) != 1:
            ids = ", ".join(f"{d.id} ({value(d.status)})" for d in named)
            raise NotFound(
                f"{len(named)} datasets named {dataset!r}: {ids}; give the id of the one to delete"
                if named
                else f"no dataset named {dataset!r}"
            )
        found = named[0]
    rows = f", {found.row_count:,} rows" if found.row_count else ""
    if not yes:
        typer.confirm(
            f"Delete dataset {found.name} ({found.id}, {value(found.status)}{rows})?", abort=True
        )
    found.delete()
    out.print(f"Deleted dataset {found.name} ({found.id})")


def show_dataset(dataset: Any, as_json: bool) -> None:
    if as_json:
        print_json(dataset)
        return
    tables = list(dataset.tables or [])
    if len(tables) <= 1:
        out.print(
            f"Dataset {dataset.name} ({dataset.id}): {value(dataset.status)}, "
            f"{dataset.row_count:,} rows ({dataset.train_row_count:,} train, "
            f"{dataset.holdout_row_count:,} holdout)"
        )
        _columns(dataset.columns)
        return
    # Several tables: each with its rows, keys and columns, then how they link.
    out.print(
        f"Dataset {dataset.name} ({dataset.id}): {value(dataset.status)}, {len(tables)} tables"
    )
    for t in tables:
        key = f", primary key {t.primary_key}" if t.primary_key else ""
        sequence = f", sequences of {t.sequence.entity_key}" if t.sequence else ""
        out.print(
            f"\nTable {t.name}: {value(t.status)}, {t.row_count:,} rows "
            f"({t.train_row_count:,} train, {t.holdout_row_count:,} holdout){key}{sequence}"
        )
        _columns(t.columns)
    problems = {_link(p.foreign_key): p for p in dataset.referential_problems or []}
    links = [
        [*_link(k), *((p.orphan_count, p.duplicate_parent_key_count) if p else ("-", "-"))]
        for k in dataset.foreign_keys or []
        for p in [problems.get(_link(k))]
    ]
    out.print("\nLinks" if links else "\nNo links between the tables.")
    if links:
        table(None, ["child column", "parent key", "orphans", "duplicate parent keys"], links)


def _link(key: Any) -> tuple[str, str]:
    return f"{key.child_table}.{key.child_column}", f"{key.parent_table}.{key.parent_column}"


def _columns(columns: Any) -> None:
    table(
        None,
        ["column", "type", "sdtype", "pii"],
        [[c.name, c.data_type, c.sdtype, "yes" if c.pii else ""] for c in columns],
    )
