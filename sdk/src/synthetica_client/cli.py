"""The ``synthetica`` command line: the Python client from a shell.

Every command prints a short, readable answer on stdout (``--json`` on the commands that
read something gives it as JSON instead), progress bars on stderr when it is a terminal,
and on failure one line ``error: CODE: message`` on stderr with exit status 1 (2 for a
command line it does not understand).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from synthetica_client import config
from synthetica_client._sync import Client
from synthetica_client.errors import SyntheticaError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

app = typer.Typer(
    name="synthetica",
    help="Synthetic tabular data from the command line: upload, train, generate, evaluate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
projects_app = typer.Typer(help="Projects: list and create.", no_args_is_help=True)
datasets_app = typer.Typer(help="Datasets: upload, list, show.", no_args_is_help=True)
templates_app = typer.Typer(
    help="Fake data from built-in or saved templates.", no_args_is_help=True
)
jobs_app = typer.Typer(help="Jobs: list and cancel.", no_args_is_help=True)
app.add_typer(projects_app, name="projects")
app.add_typer(datasets_app, name="datasets")
app.add_typer(templates_app, name="templates")
app.add_typer(jobs_app, name="jobs")

JsonOption = Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")]


def example(*lines: str) -> str:
    """An epilog with examples, shown by --help."""
    return "[b]Example:[/b]\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


class State:
    def __init__(self, url: str | None, api_key: str | None) -> None:
        self.url = url
        self.api_key = api_key
        self._client: Client | None = None

    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.url, api_key=self.api_key)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def state(ctx: typer.Context) -> State:
    return ctx.find_root().obj


@app.callback()
def root(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", envvar=config.ENV_URL, help="The gateway, e.g. http://127.0.0.1:8000."
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", envvar=config.ENV_API_KEY, help="An API key (else the saved login)."
        ),
    ] = None,
) -> None:
    ctx.obj = State(url, api_key)
    ctx.call_on_close(ctx.obj.close)


def dump(value: Any) -> Any:
    if isinstance(value, list):
        return [dump(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True)
    return value


def print_json(value: Any) -> None:
    out.print_json(json.dumps(dump(value), default=str))


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    shown = Table(title=title, title_justify="left")
    for column in columns:
        shown.add_column(column)
    for row in rows:
        shown.add_row(*("" if v is None else str(v) for v in row))
    out.print(shown)


def value(enum_or_str: Any) -> str:
    return getattr(enum_or_str, "value", enum_or_str) or ""


def options_from(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; a value that reads as JSON (numbers, true, lists) is taken as
    such, anything else as a string."""
    found: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r} is not key=value", param_hint="--option")
        try:
            found[key] = json.loads(raw)
        except ValueError:
            found[key] = raw
    return found


# --- accounts ---------------------------------------------------------------------------


@app.command(
    epilog=example(
        "synthetica login --url http://127.0.0.1:8000", "synthetica login --api-key syn_..."
    )
)
def login(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Option(help="Your email (asked when missing).")] = None,
    password: Annotated[
        str | None, typer.Option(help="Your password (asked, hidden, when missing).")
    ] = None,
) -> None:
    """Sign in; the login is saved for later commands and Python sessions.

    The file is readable by you only. With --api-key, the key is checked and saved instead.
    """
    st = state(ctx)
    url = config.normalize_url(st.url or config.DEFAULT_URL)
    if st.api_key:
        with Client(url, api_key=st.api_key) as client:
            me = client.me()
            path = config.save(config.Credentials(url, api_key=st.api_key, email=me.email))
    else:
        email = email or typer.prompt("Email")
        password = password or typer.prompt("Password", hide_input=True)
        with Client(url) as client:
            me = client.login(email, password, save=True)
            path = config.config_path()
    out.print(f"Logged in to {url} as {me.email} (saved in {path})")


@app.command(epilog=example("synthetica logout"))
def logout() -> None:
    """End the saved login, on the server too, and forget it."""
    saved = config.load_saved()
    if saved is None:
        out.print("Not logged in.")
        return
    if saved.refresh_token:
        try:
            with Client(saved.url) as client:
                client.logout()
        except SyntheticaError as exc:
            err.print(f"warning: the server did not end the session: {exc}")
    config.forget()
    out.print(f"Logged out of {saved.url}")


@app.command(epilog=example("synthetica whoami", "synthetica whoami --json"))
def whoami(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Who you are signed in as, and where."""
    client = state(ctx).client()
    me = client.me()
    if as_json:
        print_json({**dump(me), "url": client.url})
        return
    out.print(f"{me.email} ({value(me.role).lower()}) at {client.url}")


# --- projects ---------------------------------------------------------------------------


@projects_app.command(
    "ls", epilog=example("synthetica projects ls", "synthetica projects ls --json")
)
def projects_ls(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The projects you are a member of, newest first."""
    projects = state(ctx).client().projects.list()
    if as_json:
        print_json(projects)
        return
    table(
        None,
        ["id", "name", "role", "created"],
        [[p.id, p.name, value(p.my_role), p.created_at] for p in projects],
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
    if as_json:
        print_json(project)
        return
    out.print(f"Created project {project.name}: {project.id}")


# --- datasets ---------------------------------------------------------------------------


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
    project: Annotated[str, typer.Option("--project", "-p", help="Project id or name.")],
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
        .datasets.upload(file, project=project, name=name, options=options_from(option or []))
    )
    show_dataset(dataset, as_json)


@datasets_app.command("ls", epilog=example("synthetica datasets ls --project Census"))
def datasets_ls(
    ctx: typer.Context,
    project: Annotated[str, typer.Option("--project", "-p", help="Project id or name.")],
    as_json: JsonOption = False,
) -> None:
    """A project's datasets, newest first."""
    datasets = state(ctx).client().datasets.list(project)
    if as_json:
        print_json(datasets)
        return
    table(
        None,
        ["id", "name", "status", "rows", "columns", "created"],
        [
            [d.id, d.name, value(d.status), d.row_count, len(d.columns), d.created_at]
            for d in datasets
        ],
    )


@datasets_app.command(
    "show",
    epilog=example("synthetica datasets show 0b6f…", "synthetica datasets show 0b6f… --json"),
)
def datasets_show(
    ctx: typer.Context,
    dataset_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: JsonOption = False,
) -> None:
    """A dataset with its columns (and, with --json, its statistics)."""
    show_dataset(state(ctx).client().datasets.get(dataset_id), as_json)


def show_dataset(dataset: Any, as_json: bool) -> None:
    if as_json:
        print_json(dataset)
        return
    out.print(
        f"Dataset {dataset.name} ({dataset.id}): {value(dataset.status)}, "
        f"{dataset.row_count:,} rows ({dataset.train_row_count:,} train, "
        f"{dataset.holdout_row_count:,} holdout)"
    )
    table(
        None,
        ["column", "type", "sdtype", "pii"],
        [[c.name, c.data_type, c.sdtype, "yes" if c.pii else ""] for c in dataset.columns],
    )


# --- training and generating ---------------------------------------------------------------


@app.command(
    epilog=example(
        "synthetica train 0b6f… --engine tabular_argn --budget 120 --seed 1 --wait",
        "synthetica train 0b6f… --engine gaussian_copula --json",
    )
)
def train(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset id.")],
    engine: Annotated[
        str, typer.Option(help="gaussian_copula, ctgan, tvae, copulagan or tabular_argn.")
    ],
    budget: Annotated[int | None, typer.Option(help="Training time budget in seconds.")] = None,
    epochs: Annotated[int | None, typer.Option(help="Epochs (epoch-based engines).")] = None,
    seed: Annotated[int | None, typer.Option(help="Same seed, same model.")] = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="Wait for the model, with a progress bar (Ctrl-C asks whether to cancel).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Train a model on a dataset."""
    client = state(ctx).client()
    job = client.train(dataset, engine=engine, time_budget=budget, epochs=epochs, seed=seed)
    if not wait:
        if as_json:
            print_json(job)
        else:
            out.print(f"Queued training job {job.id} (model {job.model_id})")
        return
    model = job.wait(progress=True)
    if as_json:
        print_json(model)
        return
    out.print(f"Model {model.id} is {value(model.status)} ({model.engine})")


@app.command(
    epilog=example(
        "synthetica generate 5d1c… --rows 100000 -o synthetic.parquet",
        "synthetica generate 5d1c… --rows 1000 --format csv --seed 7",
    )
)
def generate(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="Model id.")],
    rows: Annotated[int, typer.Option(help="How many rows.")],
    format: Annotated[
        str | None, typer.Option(help="csv, jsonl, parquet or sql (default: from -o, else csv).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to save the rows (default: batch-ID.FORMAT)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Same seed, same rows.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Generate synthetic rows from a model; waits and downloads them."""
    client = state(ctx).client()
    batch = client.models.get(model).generate(rows, seed=seed, progress=True)
    saved = save_batch(batch, output, format)
    if as_json:
        print_json({**dump(batch), "file": str(saved)})
        return
    out.print(f"Batch {batch.id}: {batch.row_count:,} rows saved to {saved}")


def save_batch(batch: Any, output: Path | None, format: str | None) -> Path:
    fmt = (format or (output.suffix.lstrip(".") if output and output.suffix else "csv")).lower()
    target = output or Path(f"batch-{batch.id}.{fmt}")
    return batch.download(target, format=fmt, progress=True)


@app.command(
    epilog=example(
        "synthetica report 7a2e…",
        "synthetica report 7a2e… --open",
        "synthetica report 7a2e… --json",
    )
)
def report(
    ctx: typer.Context,
    batch: Annotated[str, typer.Argument(help="Batch id.")],
    open_page: Annotated[
        bool, typer.Option("--open", help="Open the HTML report in a browser.")
    ] = False,
    save: Annotated[Path | None, typer.Option(help="Save the report (.html, or .json).")] = None,
    as_json: JsonOption = False,
) -> None:
    """A batch's evaluation report: quality, privacy, utility (waits until it is ready)."""
    rep = state(ctx).client().batches.get(batch).report(wait=True)
    if save:
        rep.save(save)
    if open_page:
        rep.open()
    if as_json:
        print_json(rep)
    else:
        score = f"{rep.quality_score:.3f}" if rep.quality_score is not None else "-"
        out.print(f"Report of batch {rep.batch_id}: {value(rep.status)}")
        rows = [["quality score", score], ["privacy verdict", value(rep.privacy_verdict) or "-"]]
        if rep.utility and isinstance(rep.utility, dict):
            rows.append(["ML-utility target", rep.utility.get("target_column", "-")])
        if rep.html_url:
            rows.append(["page", rep.html_url])
        if save:
            rows.append(["saved to", str(save)])
        table(None, ["", ""], rows)
    if value(rep.status) == "FAILED":
        raise SyntheticaError(f"the report failed: {rep.error or 'no reason given'}")


# --- templates --------------------------------------------------------------------------


@templates_app.command(
    "ls", epilog=example("synthetica templates ls", "synthetica templates ls --json")
)
def templates_ls(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Built-in templates, then your saved ones."""
    templates = state(ctx).client().templates.list()
    if as_json:
        print_json(templates)
        return
    table(
        None,
        ["id", "name", "kind", "description"],
        [[t.id, t.name, "built-in" if t.builtin else "saved", t.description] for t in templates],
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
    name: Annotated[str, typer.Argument(help="A built-in's name, or a saved template's id.")],
    rows: Annotated[int, typer.Option(help="Rows of each table, 1..50.")] = 10,
    seed: Annotated[int | None, typer.Option(help="The seed a generation would use.")] = None,
    locale: Annotated[str, typer.Option(help="en_US, de_DE, fr_FR, ja_JP.")] = "en_US",
    option: Annotated[
        list[str] | None, typer.Option(help="Template option key=value, e.g. fraud_rate=0.05.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a template's first rows at once, without a job."""
    tables = (
        state(ctx)
        .client()
        .templates.preview(
            name, rows=rows, seed=seed, locale=locale, options=options_from(option or []) or None
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
    name: Annotated[str, typer.Argument(help="A built-in's name, or a saved template's id.")],
    rows: Annotated[int, typer.Option(help="Rows (of each table without its own count).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to save the rows.")],
    format: Annotated[
        str | None, typer.Option(help="csv, jsonl, parquet or sql (default: from -o).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Same seed, same bytes.")] = None,
    locale: Annotated[str, typer.Option(help="en_US, de_DE, fr_FR, ja_JP.")] = "en_US",
    project: Annotated[
        str | None,
        typer.Option("--project", "-p", help="Project id or name (default: your only one)."),
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option(help="Template option key=value, e.g. fraud_rate=0.05.")
    ] = None,
    table_name: Annotated[
        str, typer.Option("--table", help="Which table of a multi-table template.")
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
        options=options_from(option or []) or None,
    )
    fmt = (format or output.suffix.lstrip(".") or "csv").lower()
    saved = batch.download(output, format=fmt, table=table_name, progress=True)
    if as_json:
        print_json({**dump(batch), "file": str(saved)})
        return
    out.print(f"Batch {batch.id}: {batch.row_count:,} rows saved to {saved}")


# --- jobs -------------------------------------------------------------------------------


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
    jobs = state(ctx).client().jobs.list(status=status, kind=kind)
    if as_json:
        print_json(jobs)
        return
    table(
        None,
        ["id", "kind", "status", "progress", "created", "error"],
        [
            [
                j.id,
                value(j.kind),
                value(j.status),
                f"{j.progress.percent:.0f}%",
                j.created_at,
                j.error,
            ]
            for j in jobs
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
    if as_json:
        print_json(job)
        return
    out.print(f"Job {job.id} is {value(job.status)}")


def main(argv: list[str] | None = None) -> int:
    """The console script: runs a command; a failure becomes one line and exit status 1
    (the command line's own mistakes: 2, from typer)."""
    try:
        app(args=argv, prog_name="synthetica")
    except SyntheticaError as exc:
        err.print(f"error: {exc.code}: {exc}", markup=False, soft_wrap=True)
        return 1
    except OSError as exc:
        what = (
            f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc.strerror or exc)
        )
        err.print(f"error: {what}", markup=False, soft_wrap=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
