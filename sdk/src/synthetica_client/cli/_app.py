"""The ``synthetica`` application, its command groups, and what every command shares: the
client of the invocation and the ways of printing an answer."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.segment import Segment
from rich.table import Table

from synthetica_client import config
from synthetica_client._sync import Client
from synthetica_client.errors import BadUserInput

# Piped, lines are not cut to the 80 columns rich assumes (unless COLUMNS says so): a script or
# a pager reads them whole.
_PIPED_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200
# No markup: what is printed is mostly the server's text (dataset, column and table names a
# teammate chose), where "[/x]" ended the command in a MarkupError and "[link=…]" hid a link.
# Control characters in the server's text (a teammate's project named "\x1b]0;…\x1b[2J") are
# printed as escapes such as "\x1b": reaching the terminal, ESC sequences cleared the screen,
# retitled the window, rewrote what was printed before or set the clipboard (OSC 52). Rich
# itself strips only BEL, BS, VT, FF and CR. Tab and line feed are printed as they are.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


class _Console(Console):
    """A console that shows the control characters of what it prints (rich's own cursor and
    screen controls go out as they are)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else segment._replace(text=segment.text.translate(_CONTROLS))
            for segment in buffer
        )


out = _Console(highlight=False, markup=False, width=_PIPED_WIDTH)
err = _Console(stderr=True, highlight=False)

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
jobs_app = typer.Typer(help="Jobs: list, cancel, approve and reject.", no_args_is_help=True)
models_app = typer.Typer(help="Models: list them, to generate from one.", no_args_is_help=True)
app.add_typer(projects_app, name="projects")
app.add_typer(datasets_app, name="datasets")
app.add_typer(templates_app, name="templates")
connections_app = typer.Typer(
    help="Database connections: add, list, test, import a table or query.", no_args_is_help=True
)
app.add_typer(models_app, name="models")
app.add_typer(jobs_app, name="jobs")
app.add_typer(connections_app, name="connections")

JsonOption = Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")]
ProjectOption = Annotated[str, typer.Option("--project", "-p", help="Project id or name.")]
# A dataset named, not given by id: the project to look in (else every project of yours).
NamedInProject = Annotated[
    str | None,
    typer.Option("--project", "-p", help="Where to look for a dataset given by name."),
]
DatasetArgument = Annotated[str, typer.Argument(metavar="DATASET", help="Dataset id or name.")]


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
    """Rows under ``columns``. An id is never cut (it is there to be copied into the next
    command) and a long value wraps rather than ending in "…"."""
    cells = [[_cell(v) for v in row] for row in rows]
    shown = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_header=any(columns),
    )
    for i, column in enumerate(columns):
        if column == "id":
            widest = max((len(row[i]) for row in cells), default=0)
            shown.add_column(column, no_wrap=True, min_width=max(widest, len(column)))
        else:
            shown.add_column(column, overflow="fold")
    for row in cells:
        shown.add_row(*row)
    out.print(shown)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")  # the reader's time, to the minute
    # Escaped here too, so that the column is as wide as what is shown.
    return str(value).translate(_CONTROLS)


def answer(value: Any, as_json: bool, line: str) -> None:
    """One object: as JSON, or one line about it."""
    if as_json:
        print_json(value)
    else:
        out.print(line)


def listing(
    items: list[Any], as_json: bool, columns: list[str], row: Callable[[Any], list[Any]]
) -> None:
    """A list: as JSON, or a table with a row for each item."""
    if as_json:
        print_json(items)
    else:
        table(None, columns, [row(item) for item in items])


def save_batch(batch: Any, target: Path, fmt: str, table: str, as_json: bool) -> None:
    """Downloads a batch's rows to ``target``. A batch of several tables becomes a file per
    table, ``<stem>.<table><suffix>`` (one CSV holds one table), unless ``table`` names one
    or the format is SQL, whose one file creates every table in dependency order."""
    tables = list(batch.tables or [])
    if table or fmt == "sql" or len(tables) <= 1:
        files = [batch.download(target, format=fmt, table=table, progress=True)]
    else:
        files = [
            batch.download(path, format=fmt, table=name, progress=True)
            for name, path in zip(tables, table_files(target, tables), strict=True)
        ]
    conditions = getattr(batch, "conditions", None)
    asked = f" with conditions {json.dumps(conditions)}" if conditions else ""
    answer(
        {**dump(batch), "file": str(files[0]), "files": [str(f) for f in files]},
        as_json,
        f"Batch {batch.id}: {batch.row_count:,} rows{asked} saved to {', '.join(map(str, files))}",
    )


# A table's part of a file name: letters, digits, "_" and "-", short enough that the whole
# name stays under the 255 bytes file systems allow.
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_TABLE_PART_CHARS = 80


def table_files(target: Path, tables: list[str]) -> list[Path]:
    """A file beside ``target`` for each table, ``<stem>.<table><suffix>``. The names come
    from the server, so they are never trusted as paths: anything but letters, digits, "_"
    and "-" becomes "_" (no "/", "..", drive or device name reaches the file system), a long
    name is cut, and names that would meet on a case-insensitive file system (``orders`` and
    ``Orders`` on macOS or Windows) get a number, so no table overwrites another's file."""
    if any(not name for name in tables):
        raise BadUserInput(
            "the server sent a table without a name: save the batch with --format sql"
        )
    files: list[Path] = []
    taken: set[str] = set()
    for name in tables:
        part = _UNSAFE.sub("_", name)[:_TABLE_PART_CHARS]
        candidate, n = part, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{part}-{n}"
        taken.add(candidate.casefold())
        files.append(target.with_name(f"{target.stem}.{candidate}{target.suffix}"))
    return files


def value(enum_or_str: Any) -> str:
    return getattr(enum_or_str, "value", enum_or_str) or ""


def options_from(pairs: list[str] | None) -> dict[str, Any]:
    """``key=value`` pairs; a value that reads as JSON (numbers, true, lists) is taken as
    such, anything else as a string."""
    found: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r} is not key=value", param_hint="--option")
        try:
            found[key] = json.loads(raw)
        except ValueError:
            found[key] = raw
    return found


def json_argument(text: str, option: str) -> Any:
    """A JSON value given inline, or the contents of the .json file it names."""
    path = Path(text)
    source = path.read_text() if text.endswith(".json") and path.is_file() else text
    try:
        return json.loads(source)
    except ValueError as exc:
        raise typer.BadParameter(f"not JSON: {exc}", param_hint=option) from None
