"""Plan and run template / custom-schema generation, chunk by chunk.

``plan`` validates everything (including a tiny dry run of every table, so type errors in
derivations surface with their field path) before ``generate`` does any real work.
Each chunk gets its own random generators derived from (seed, table, chunk, field), so the
same (seed, count, chunk_rows) always yields byte-identical data and memory stays bounded
by the chunk size, whatever the row count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from common.contracts.template_schema import FieldSpec, Schema, SchemaError, parse_schema
from common.moments import DEFAULT_REFERENCE_DATE
from services.training.templates import builtin, columns
from services.training.templates.expressions import EvalContext, ExpressionError, evaluate
from services.training.templates.lengths import row_widths
from services.training.templates.limits import CHUNK_CHARS
from services.training.templates.ordering import field_expression, field_order, table_order
from services.training.templates.validation import (
    DEFAULT_MAX_FIELDS,
    DEFAULT_MAX_ROWS,
    validate_schema,
)
from services.training.templates.vocab import SUPPORTED_LOCALES, Vocabulary, get_vocabulary

DEFAULT_CHUNK_ROWS = 100_000
_DRY_RUN_ROWS = 64
_MAX_SEED = 2**63 - 1
# The random stream of a chunk's places, apart from every field's (table, chunk, field).
_PLACE_STREAM = 0x706C616365

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TablePlan:
    """One table to generate: its index in the schema, row count and field order, and the
    most rows one chunk of it may have (wide rows get fewer, so a chunk holds at most
    CHUNK_CHARS characters)."""

    index: int
    name: str
    rows: int
    field_order: tuple[int, ...]
    arrow_schema: pa.Schema
    max_chunk_rows: int = DEFAULT_CHUNK_ROWS


@dataclass(frozen=True)
class GenerationPlan:
    """A validated request; ``tables`` lists parents before children."""

    schema: Schema
    tables: tuple[TablePlan, ...]
    seed: int
    locale: str
    reference_date: dt.date
    template_id: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def table(self, name: str) -> TablePlan:
        return next(t for t in self.tables if t.name == name)


def plan(
    spec: str | Schema | Mapping[str, Any],
    count: int,
    seed: int = 0,
    locale: str = "en_US",
    *,
    options: Mapping[str, Any] | None = None,
    reference_date: dt.date = DEFAULT_REFERENCE_DATE,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_fields: int = DEFAULT_MAX_FIELDS,
) -> GenerationPlan:
    """Validate a template id (see :func:`builtin.list_templates`) or a schema and plan it.

    ``count`` is the number of rows of each root table (tables without their own ``count``
    or ``rows_per_parent``). Raises :class:`SchemaError` with ``(path, message)`` pairs.
    """
    _check_request(count, seed, locale)
    template_id, schema = _resolve(spec, options or {})
    rows = validate_schema(
        schema,
        count=count,
        max_fields=max_fields,
        max_rows=max_rows,
        reference_date=reference_date,
        locale=locale,
    )
    widths = row_widths(schema, locale)
    tables = tuple(
        TablePlan(
            index=t,
            name=schema.tables[t].name,
            rows=rows[schema.tables[t].name],
            field_order=tuple(field_order(schema, t)),
            arrow_schema=_arrow_schema(schema, t),
            max_chunk_rows=max(1, CHUNK_CHARS // max(1, widths[schema.tables[t].name])),
        )
        for t in table_order(schema)
    )
    result = GenerationPlan(schema, tables, seed, locale, reference_date, template_id)
    for table in tables:
        _chunk(result, table, np.arange(min(table.rows, _DRY_RUN_ROWS)), chunk_index=0)
    return result


def generate(
    plan: GenerationPlan,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """Yield ``(table_name, batch)`` chunks of at most ``chunk_rows`` rows, table by table
    (fewer for a table whose rows are wide, see :attr:`TablePlan.max_chunk_rows`).

    ``progress(rows_done, rows_total)`` is called after each chunk.
    """
    if chunk_rows <= 0:
        raise ValueError("chunk_rows must be positive")
    done = 0
    for table in plan.tables:
        size = chunk_size(table, chunk_rows)
        for batch in table_chunks(plan, table, size, range(-(-table.rows // size))):
            yield table.name, batch
            done += batch.num_rows
            if progress is not None:
                progress(done, plan.total_rows)


def chunk_size(table: TablePlan, chunk_rows: int) -> int:
    """The rows of each of the table's chunks (the last one may have fewer)."""
    return min(chunk_rows, table.max_chunk_rows)


def table_chunks(
    plan: GenerationPlan, table: TablePlan, size: int, chunks: range
) -> Iterator[pa.RecordBatch]:
    """The chunks numbered ``chunks`` of one table, of ``size`` rows: each depends only on
    the plan and its number, so a range of them (a shard) is the same rows as in the whole."""
    for chunk_index in chunks:
        start = chunk_index * size
        rows = np.arange(start, min(start + size, table.rows), dtype=np.int64)
        yield _chunk(plan, table, rows, chunk_index)


def preview(plan: GenerationPlan, rows: int) -> Iterator[tuple[str, pa.RecordBatch]]:
    """``rows`` rows of every table (fewer where a table has fewer), parents first, made as
    :func:`generate` makes a chunk (a sample like a job's rows, not its first rows: values are
    drawn a chunk at a time)."""
    for table in plan.tables:
        yield table.name, _chunk(plan, table, np.arange(min(rows, table.rows)), chunk_index=0)


def _check_request(count: int, seed: int, locale: str) -> None:
    errors = []
    if not isinstance(count, int) or count <= 0:
        errors.append(("count", f"count must be a positive number of rows, got {count!r}"))
    if not isinstance(seed, int) or not 0 <= seed <= _MAX_SEED:
        errors.append(("seed", f"seed must be an integer in [0, 2**63 - 1], got {seed!r}"))
    if locale not in SUPPORTED_LOCALES:
        errors.append(("locale", f"unsupported locale {locale!r}; use one of {SUPPORTED_LOCALES}"))
    if errors:
        raise SchemaError(errors)


def _resolve(
    spec: str | Schema | Mapping[str, Any], options: Mapping[str, Any]
) -> tuple[str | None, Schema]:
    if isinstance(spec, str) and not spec.lstrip().startswith("{"):
        return spec, builtin.build_template(spec, options)
    if options:
        raise SchemaError([("options", "options apply to built-in templates only")])
    if isinstance(spec, Mapping):
        spec = dict(spec)
    return None, parse_schema(spec)


def _arrow_schema(schema: Schema, t: int) -> pa.Schema:
    fields = schema.tables[t].fields
    return pa.schema([pa.field(f.name, columns.arrow_type(f)) for f in fields if not f.hidden])


def _spawn(plan: GenerationPlan, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(plan.seed, spawn_key=key)


def _rng(plan: GenerationPlan, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(_spawn(plan, *key)))


def field_key(plan: GenerationPlan, table_index: int, field_index: int) -> int:
    """The per-field key that makes key values (UUIDs, unique ints) depend on the seed."""
    state = _spawn(plan, table_index, field_index, 0x6B6579).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


def _chunk(
    plan: GenerationPlan, table: TablePlan, rows: np.ndarray, chunk_index: int
) -> pa.RecordBatch:
    spec_table = plan.schema.tables[table.index]
    vocab = get_vocabulary(plan.locale)
    place = None
    if vocab.places is not None:
        place = _rng(plan, table.index, chunk_index, _PLACE_STREAM, 0).integers(
            0, len(vocab.places), len(rows)
        )
    values: dict[str, pa.Array] = {}
    for f in table.field_order:
        spec = spec_table.fields[f]
        try:
            values[spec.name] = _field(
                plan, table, f, spec, rows, chunk_index, values, vocab, place
            )
        except (
            ExpressionError,
            pa.ArrowException,
            ValueError,
            TypeError,
            KeyError,
            ArithmeticError,
        ) as exc:
            raise SchemaError([(f"tables[{table.index}].fields[{f}]", _describe(exc))]) from exc
    arrays = [values[name] for name in table.arrow_schema.names]
    return pa.RecordBatch.from_arrays(arrays, schema=table.arrow_schema)


def _describe(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"cannot generate this field: {message}"


def _field(
    plan: GenerationPlan,
    table: TablePlan,
    f: int,
    spec: FieldSpec,
    rows: np.ndarray,
    chunk_index: int,
    values: Mapping[str, pa.Array],
    vocab: Vocabulary,
    place: np.ndarray | None,
) -> pa.Array:
    rng = _rng(plan, table.index, chunk_index, f)
    if spec.foreign_key:
        result = _foreign_key(plan, table, f, spec, rows, rng)
    elif spec.derive or spec.template:
        ctx = EvalContext(rng, rows, vocab, plan.reference_date, values, place)
        expression = field_expression(spec)
        assert expression is not None
        result = _cast(evaluate(expression, ctx), columns.arrow_type(spec))
    else:
        ctx = columns.FieldContext(
            rng, rows, vocab, plan.reference_date, field_key(plan, table.index, f), place
        )
        result = columns.GENERATORS[spec.type](spec, ctx)
    if spec.null_rate > 0:
        nulls = _rng(plan, table.index, chunk_index, f, 1).random(len(rows)) < spec.null_rate
        result = pc.if_else(pa.array(nulls), pa.scalar(None, result.type), result)
    return result


def _cast(values: pa.Array, target: pa.DataType) -> pa.Array:
    if values.type == target:
        return values
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), target)
    # Timestamps become dates by dropping the time of day, which a safe cast refuses.
    safe = not (pa.types.is_timestamp(values.type) and pa.types.is_date(target))
    return pc.cast(values, target, safe=safe)


def _foreign_key(
    plan: GenerationPlan,
    table: TablePlan,
    f: int,
    spec: FieldSpec,
    rows: np.ndarray,
    rng: np.random.Generator,
) -> pa.Array:
    fk = spec.foreign_key
    assert fk is not None
    parent = plan.table(fk.table)
    parent_fields = plan.schema.tables[parent.index].fields
    target = next(i for i, s in enumerate(parent_fields) if s.name == fk.field)
    if spec.unique:
        index = columns.permute(rows, parent.rows, field_key(plan, table.index, f))
    elif fk.mode == "sequential":
        index = rows * parent.rows // table.rows
    else:
        index = rng.integers(0, parent.rows, len(rows))
    key = field_key(plan, parent.index, target)
    return columns.key_values(parent_fields[target], index, key)
