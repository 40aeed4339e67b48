"""Training and generating from the root: ``train``, ``generate``, ``report``, ``release``; and
``models ls``, the models to generate from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from synthetica_client._base import is_uuid
from synthetica_client.cli._app import (
    DatasetArgument,
    JsonOption,
    NamedInProject,
    answer,
    app,
    err,
    example,
    json_argument,
    listing,
    models_app,
    out,
    print_json,
    save_batch,
    state,
    table,
    value,
)
from synthetica_client.errors import NotFound, SyntheticaError

# The share of an id or PII column's fakes written unlike every real value from which
# `report` names the column (as the report's HTML page does).
UNLIKE_SHARE = 0.5
# The gap between a phone column's mixes of forms from which `synthetica report` names it.
FORM_GAP = 0.2


@models_app.command(
    "ls",
    epilog=example(
        "synthetica models ls --project Census",
        "synthetica models ls --project Census --status READY --json",
    ),
)
def models_ls(
    ctx: typer.Context,
    project: Annotated[str, typer.Option("--project", "-p", help="Project id or name.")],
    status: Annotated[
        str | None, typer.Option(help="QUEUED, TRAINING, READY, FAILED or CANCELLED.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A project's models, newest first: the id to give `synthetica generate`."""
    listing(
        state(ctx).client().models.list(project=project, status=status),
        as_json,
        ["id", "name", "engine", "status", "dataset", "created"],
        lambda m: [m.id, m.name, m.engine, value(m.status), m.dataset_id, m.created_at],
    )


@app.command(
    epilog=example(
        "synthetica train 0b6f… --engine tabular_argn --budget 120 --seed 1 --wait",
        "synthetica train adult --project Census --engine gaussian_copula --json",
    )
)
def train(
    ctx: typer.Context,
    dataset: DatasetArgument,
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
    project: NamedInProject = None,
    as_json: JsonOption = False,
) -> None:
    """Train a model on a dataset."""
    client = state(ctx).client()
    job = client.train(
        dataset, engine=engine, time_budget=budget, epochs=epochs, seed=seed, project=project
    )
    if not wait:
        answer(job, as_json, f"Queued training job {job.id} (model {job.model_id})")
        return
    model = job.wait(progress=True)
    answer(model, as_json, f"Model {model.id} is {value(model.status)} ({model.engine})")


def _newest(client: Any, kind: str, given: str, project: str | None) -> Any:
    """A model or batch by its id; else, a dataset's (id or name, in ``project``) newest READY
    model or newest batch, said on stderr so that the user sees which was taken."""
    space, newest = (
        (client.models, "newest READY model") if kind == "model" else (client.batches, "newest")
    )
    if is_uuid(given):
        try:
            return space.get(given)
        except NotFound:
            pass  # a dataset's id, perhaps
        try:
            client.datasets.get(given)
        except NotFound:
            raise NotFound(f"no {kind} or dataset with id {given}") from None
    found = space.newest(given, project=project)
    said = f"Using {kind} {found.id}: the {newest} of dataset {given!r}"
    err.print(said, markup=False, soft_wrap=True)
    return found


@app.command(
    epilog=example(
        "synthetica generate adult --project Census --rows 1000 -o synthetic.csv",
        "synthetica generate 5d1c… --rows 100000 -o synthetic.parquet",
        "synthetica generate 5d1c… --rows 1000 --format csv --seed 7",
        'synthetica generate 5d1c… --rows 1000 --conditions \'{"age": {"gte": 30}}\'',
    )
)
def generate(
    ctx: typer.Context,
    model: Annotated[
        str,
        typer.Argument(help="Model id, or a dataset's name or id: its newest READY model."),
    ],
    rows: Annotated[int, typer.Option(help="How many rows.")],
    format: Annotated[
        str | None, typer.Option(help="csv, jsonl, parquet or sql (default: from -o, else csv).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to save the rows (default: batch-ID.FORMAT)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Same seed, same rows.")] = None,
    conditions: Annotated[
        str | None,
        typer.Option(
            help='Column -> value, range or list, as JSON: \'{"age": {"gte": 30, "lt": 40}}\'.'
        ),
    ] = None,
    project: NamedInProject = None,
    as_json: JsonOption = False,
) -> None:
    """Generate synthetic rows from a model; waits and downloads them."""
    client = state(ctx).client()
    given = json_argument(conditions, "--conditions") if conditions else None
    chosen = _newest(client, "model", model, project)
    batch = chosen.generate(rows, seed=seed, conditions=given, progress=True)
    fmt = (format or (output.suffix.lstrip(".") if output and output.suffix else "csv")).lower()
    target = output or Path(f"batch-{batch.id}.{fmt}")
    save_batch(batch, target, fmt, "", as_json)


@app.command(
    epilog=example(
        "synthetica report 7a2e…",
        "synthetica report adult --project Census",
        "synthetica report 7a2e… --open",
        "synthetica report 7a2e… --json",
    )
)
def report(
    ctx: typer.Context,
    batch: Annotated[
        str,
        typer.Argument(help="Batch id, or a dataset's name or id: the batch made from it last."),
    ],
    open_page: Annotated[
        bool, typer.Option("--open", help="Open the HTML report in a browser.")
    ] = False,
    save: Annotated[Path | None, typer.Option(help="Save the report (.html, or .json).")] = None,
    project: NamedInProject = None,
    as_json: JsonOption = False,
) -> None:
    """A batch's evaluation report: quality, privacy, utility (waits until it is ready)."""
    client = state(ctx).client()
    chosen = _newest(client, "batch", batch, project)
    rep = chosen.report(wait=True)
    if save:
        rep.save(save)
    if open_page:
        rep.open()
    if as_json:
        print_json(rep)
    else:
        out.print(f"Report of batch {rep.batch_id}: {value(rep.status)}")
        if rep.comparison:
            # A conditioned batch: which real rows the scores compare it with.
            out.print(Text.assemble(("Note:", "bold"), f" {rep.comparison.note}"))
        table(None, ["", ""], _report_rows(rep, save))
        _relational_report(rep)
        if rep.html_url:
            # On a line of its own, never cut to the terminal's width: it is there to be copied.
            out.print(f"Report page: {rep.html_url}", soft_wrap=True)
    if value(rep.status) == "FAILED":
        raise SyntheticaError(f"the report failed: {rep.error or 'no reason given'}")


@app.command(epilog=example('synthetica release 7a2e… --reason "reviewed with the DPO"'))
def release(
    ctx: typer.Context,
    batch: Annotated[str, typer.Argument(help="Batch id.")],
    reason: Annotated[str, typer.Option(help="Why it may go out (recorded, told to owners).")],
    as_json: JsonOption = False,
) -> None:
    """Release a batch the project's privacy gate holds (owners and admins, OWNER_OVERRIDE)."""
    released = state(ctx).client().batches.release(batch, reason)
    gate = released.gate
    answer(released, as_json, f"Batch {released.id}: {value(gate.state) if gate else '-'}")


def _relational_report(rep: Any) -> None:
    """Several tables or sequences: what needs a look first, then each table, link and
    sequence (the single-table summary above is the whole dataset's)."""
    for alert in rep.alerts:
        out.print(Text.assemble(("!", "bold"), f" {alert}"))
    sections = [
        ("Tables", ["table", "synthetic rows", "quality", "privacy", "note"], [
            [t.name, f"{t.synthetic_rows:,}", _score(t.quality_score),
             value(t.privacy_verdict) or "-", t.note or ""]
            for t in rep.tables
        ]),
        ("Links", ["child column", "parent key", "children per parent", "integrity", "orphans"], [
            [f"{k.child_table}.{k.child_column}", f"{k.parent_table}.{k.parent_column}",
             _score(k.cardinality_score), _share(k.integrity.share), k.integrity.orphan_rows]
            for k in rep.links
        ]),
        ("Sequences", ["table", "entity", "score", "per step", "privacy"], [
            [q.table, q.entity_key, _score(q.score), _score(q.step_score),
             value(q.privacy_verdict) or "-"]
            for q in rep.sequences
        ]),
    ]  # fmt: skip
    for title, columns, rows in sections:
        if rows:
            table(title, columns, rows)


def _score(score: float | None) -> str:
    return f"{score:.3f}" if score is not None else "-"


def _share(share: float | None) -> str:
    return f"{share:.1%}" if share is not None else "-"


def _report_rows(rep: Any, save: Path | None) -> list[list[Any]]:
    rows = [
        ["quality score", _score(rep.quality_score)],
        ["privacy verdict", value(rep.privacy_verdict) or "-"],
    ]
    verdicts = {
        # Rows pairing values the real rows never (or almost never) pair: a woman "Husband".
        "combinations": rep.combination_verdict,
        # Rows whose number lies outside its category's real range: a 21-year-old doctorate.
        "ranges": rep.range_verdict,
    }
    for name, check in verdicts.items():
        if check is not None:
            shown = f"{value(check.verdict)}: {check.rows:,} rows ({check.share:.2%})"
            rows.append([f"{name} verdict", shown])
    if rep.utility and isinstance(rep.utility, dict):
        target, why = rep.utility.get("target_column", "-"), rep.utility.get("target_reason")
        rows.append(["ML-utility target", f"{target} ({why})" if why else target])
    for rule in rep.rules:
        if rule.violation_count:
            rows.append([f"rule {rule.description}", f"{rule.violation_count:,} rows break it"])
    for order in rep.orderings:
        if order.violation_count:
            # Every real row keeps it; an INEQUALITY rule makes generation keep it.
            rows.append([f"out of order {order.description}", f"{order.violation_count:,} rows"])
    for dependency in rep.dependencies:
        if dependency.violation_count:
            # Models trained now keep them; a FIXED_COMBINATIONS rule does for older ones.
            rows.append(
                [f"not kept {dependency.description}", f"{dependency.violation_count:,} rows"]
            )
        if dependency.unseen_source_count:
            # Two sources paired as no real row pairs them (a route that never flies).
            unseen = dependency.unseen_source_count
            rows.append([f"never paired {dependency.source}", f"{unseen:,} rows"])
    for pair in rep.impossible_combinations:
        if pair.violation_count:
            # No real row (or almost none) has one; models trained now never generate them.
            rows.append(
                [
                    f"ruled out {pair.description} ({'; '.join(pair.combinations)})",
                    f"{pair.violation_count:,} rows",
                ]
            )
    for bound in rep.category_ranges:
        if bound.violation_count:
            # Every real row of the value lies within; models trained now keep numbers within.
            rows.append([f"outside {bound.description}", f"{bound.violation_count:,} rows"])
    for total in rep.totals:
        if total.violation_count:
            # Every real row adds up; models trained now set each total from its parts.
            rows.append(
                [f"total {total.description}", f"{total.violation_count:,} rows do not add up"]
            )
    for leader in rep.leaders:
        if leader.violation_count:
            # Every real row names its largest; models trained now set it from the numbers.
            rows.append(
                [
                    f"leader {leader.column} (largest of {', '.join(leader.columns)})",
                    f"{leader.violation_count:,} rows name another",
                ]
            )
    for check in rep.calendar:
        if check.violation_count:
            # Every real row is a real date or time; models trained now write real ones.
            what = "date" if check.description.endswith("make a date") else "time"
            rows.append(
                [
                    f"calendar {', '.join(check.columns)}",
                    f"{check.violation_count:,} rows make no {what}",
                ]
            )
    for check in rep.missing_when:
        if check.violation_count:
            # Every real row with the value misses them; models trained now keep them missing.
            rows.append([f"not missing {check.description}", f"{check.violation_count:,} rows"])
    for key in rep.unique_keys:
        if key.violation_count:
            # No two real rows share the pair; models trained now keep it unique where the real
            # values allow (the unavoidable rows are a name in more rows than it has years).
            beyond = f" ({key.unavoidable_count:,} unavoidable)" if key.unavoidable_count else ""
            rows.append(
                [f"repeated {key.name} and {key.time}", f"{key.violation_count:,} rows{beyond}"]
            )
    for group in rep.group_constants:
        if group.violation_count:
            # Every real group of rows sharing the id has one value of these columns.
            rows.append([f"not alike {group.description}", f"{group.violation_count:,} rows"])
    for form in rep.written_forms:
        if form.form_gap is not None and form.form_gap >= FORM_GAP:
            # A phone column whose fakes come in another mix of the real forms.
            rows.append([f"forms of {form.column}", f"{form.form_gap:.0%} off the real mix"])
        if form.unlike_share is not None and form.unlike_share >= UNLIKE_SHARE:
            # An id or PII column whose fakes look like none of the real values.
            rows.append(
                [
                    f"written unlike the real {form.column}",
                    f"{form.unlike_share:.0%} ({form.example!r}; real {form.real_example!r})",
                ]
            )
    if save:
        rows.append(["saved to", str(save)])
    return rows
