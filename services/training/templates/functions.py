"""The functions expressions may call (``slug(name)``, ``randint(1, 6)``, ``city()``, ...),
vectorized over a chunk's rows, registered in :data:`expressions.FUNCTIONS`."""

from __future__ import annotations

import ast
import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from services.training.templates import addresses
from services.training.templates.expressions import (
    FUNCTIONS,
    EvalContext,
    ExpressionError,
    Value,
    as_float,
    broadcast,
    eval_node,
    if_else,
    is_string,
    literal,
    slugify,
    to_string,
)


def _args(ctx: EvalContext, nodes: tuple[ast.expr, ...]) -> list[Value]:
    return [eval_node(n, ctx) for n in nodes]


def _number(ctx: EvalContext, node: ast.expr) -> float:
    value = eval_node(node, ctx)
    if not isinstance(value, pa.Scalar) or not isinstance(value.as_py(), int | float):
        raise ExpressionError(f"{ast.unparse(node)!r} must be a number literal")
    return value.as_py()


def _fn_randint(ctx: EvalContext, low: ast.expr, high: ast.expr) -> pa.Array:
    lo, hi = int(_number(ctx, low)), int(_number(ctx, high))
    if lo > hi:
        raise ExpressionError(f"randint({lo}, {hi}): low is greater than high")
    return pa.array(ctx.rng.integers(lo, hi + 1, ctx.n, dtype=np.int64))


def _fn_uniform(ctx: EvalContext, low: ast.expr, high: ast.expr) -> pa.Array:
    return pa.array(ctx.rng.uniform(_number(ctx, low), _number(ctx, high), ctx.n))


def _fn_normal(ctx: EvalContext, mean: ast.expr, std: ast.expr) -> pa.Array:
    return pa.array(ctx.rng.normal(_number(ctx, mean), _number(ctx, std), ctx.n))


def _fn_bernoulli(ctx: EvalContext, p: ast.expr) -> pa.Array:
    return pa.array(ctx.rng.random(ctx.n) < _number(ctx, p))


def _fn_choice(ctx: EvalContext, *nodes: ast.expr) -> pa.Array:
    options = pa.array([literal(n) for n in nodes])
    return options.take(pa.array(ctx.rng.integers(0, len(options), ctx.n)))


def _fn_choice_by(ctx: EvalContext, key: ast.expr, table: ast.expr) -> pa.Array:
    """Pick one option per row from the list the row's key maps to."""
    mapping = literal(table)
    if not isinstance(mapping, dict) or not mapping:
        raise ExpressionError("choice_by(key, {value: (options...)}) needs a literal dict")
    keys = broadcast(eval_node(key, ctx), ctx.n)
    flat: list[Any] = []
    starts, sizes = {}, {}
    for k, options in mapping.items():
        options = options if isinstance(options, tuple | list) else (options,)
        starts[k], sizes[k] = len(flat), len(options)
        flat.extend(options)
    start = pc.fill_null(_map(keys, starts), -1).to_numpy(zero_copy_only=False)
    size = pc.fill_null(_map(keys, sizes), 1).to_numpy(zero_copy_only=False)
    index = start + (ctx.rng.random(ctx.n) * size).astype(np.int64)
    picked = pa.array(flat).take(pa.array(np.maximum(index, 0)))
    return pc.if_else(pa.array(start < 0), pa.scalar(None, picked.type), picked)


def _map(keys: pa.Array, mapping: Mapping[Any, Any]) -> pa.Array:
    position = pc.index_in(keys, value_set=pa.array(list(mapping)))
    return pa.array(list(mapping.values())).take(position)


def _fn_map(ctx: EvalContext, key: ast.expr, table: ast.expr) -> pa.Array:
    mapping = literal(table)
    if not isinstance(mapping, dict) or not mapping:
        raise ExpressionError("map(key, {value: result}) needs a literal dict")
    return _map(broadcast(eval_node(key, ctx), ctx.n), mapping)


def _fn_digits(ctx: EvalContext, count: ast.expr) -> pa.Array:
    k = int(_number(ctx, count))
    if not 1 <= k <= 18:
        raise ExpressionError("digits(k) needs 1 <= k <= 18")
    values = pa.array(ctx.rng.integers(0, 10**k, ctx.n, dtype=np.int64))
    return pc.utf8_lpad(pc.cast(values, pa.string()), k, "0")


def _per_unique(values: pa.Array, transform: Callable[[str], str]) -> pa.Array:
    # Vocabulary columns have few distinct values: transform each once, then gather.
    encoded = (
        pc.dictionary_encode(values).combine_chunks()
        if isinstance(values, pa.ChunkedArray)
        else pc.dictionary_encode(values)
    )
    dictionary = pa.array([transform(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return dictionary.take(encoded.indices)


def _fn_slug(ctx: EvalContext, node: ast.expr) -> Value:
    value = to_string(broadcast(eval_node(node, ctx), ctx.n))
    return _per_unique(value, lambda v: slugify(v, ctx.vocab.translit))


def _fn_years_between(ctx: EvalContext, start: ast.expr, end: ast.expr) -> Value:
    a, b = broadcast(eval_node(start, ctx), ctx.n), broadcast(eval_node(end, ctx), ctx.n)
    years = pc.subtract(pc.year(b), pc.year(a))
    month_day_a = pc.add(pc.multiply(pc.month(a), 100), pc.day(a))
    month_day_b = pc.add(pc.multiply(pc.month(b), 100), pc.day(b))
    before_birthday = pc.cast(pc.less(month_day_b, month_day_a), pa.int64())
    return pc.subtract(years, before_birthday)


def _duration(unit_seconds: float) -> Callable[[EvalContext, ast.expr], Value]:
    def make(ctx: EvalContext, node: ast.expr) -> Value:
        micros = pc.multiply(as_float(eval_node(node, ctx)), unit_seconds * 1_000_000)
        return pc.cast(pc.round(micros), pa.int64()).cast(pa.duration("us"))

    return make


def _fn_date(ctx: EvalContext, node: ast.expr) -> Value:
    value = eval_node(node, ctx)
    if isinstance(value, pa.StringScalar):
        return pa.scalar(dt.date.fromisoformat(value.as_py()))
    return pc.cast(pc.cast(value, pa.timestamp("us")), pa.date32())


def _fn_datetime(ctx: EvalContext, node: ast.expr) -> Value:
    value = eval_node(node, ctx)
    if isinstance(value, pa.StringScalar):
        return pa.scalar(dt.datetime.fromisoformat(value.as_py()), pa.timestamp("us"))
    return pc.cast(value, pa.timestamp("us"))


def _simple(kernel: Callable[..., Value]) -> Callable[..., Value]:
    def apply(ctx: EvalContext, *nodes: ast.expr) -> Value:
        return kernel(*_args(ctx, nodes))

    return apply


def _vocab_pick(attribute: str) -> Callable[[EvalContext], pa.Array]:
    def pick(ctx: EvalContext) -> pa.Array:
        values: pa.Array = getattr(ctx.vocab, attribute)
        return values.take(pa.array(ctx.rng.integers(0, len(values), ctx.n)))

    return pick


def _fn_first_name_for(ctx: EvalContext, gender: ast.expr) -> pa.Array:
    """A first name that matches the row's gender ('female' / 'male', anything else: either)."""
    genders = broadcast(eval_node(gender, ctx), ctx.n)
    female = _vocab_pick("first_names_female")(ctx)
    male = _vocab_pick("first_names_male")(ctx)
    either = pc.if_else(pa.array(ctx.rng.random(ctx.n) < 0.5), female, male)
    is_female, is_male = pc.equal(genders, "female"), pc.equal(genders, "male")
    return pc.if_else(
        pc.fill_null(is_female, False),
        female,
        pc.if_else(pc.fill_null(is_male, False), male, either),
    )


def _fn_full_name(ctx: EvalContext, first: ast.expr, last: ast.expr) -> Value:
    first_v, last_v = eval_node(first, ctx), eval_node(last, ctx)
    if ctx.vocab.family_name_first:
        return pc.binary_join_element_wise(last_v, first_v, " ")
    return pc.binary_join_element_wise(first_v, last_v, " ")


def _fn_round(ctx: EvalContext, value: ast.expr, digits: ast.expr | None = None) -> Value:
    ndigits = 0 if digits is None else int(_number(ctx, digits))
    return pc.round(as_float(eval_node(value, ctx)), ndigits)


def _fn_int(ctx: EvalContext, node: ast.expr) -> Value:
    value = eval_node(node, ctx)
    if is_string(value):
        return pc.cast(value, pa.int64())
    return pc.cast(pc.trunc(as_float(value)), pa.int64())


def _fn_today(ctx: EvalContext) -> Value:
    return pa.scalar(ctx.reference_date)


def _fn_now(ctx: EvalContext) -> Value:
    midnight = dt.datetime.combine(ctx.reference_date, dt.time())
    return pa.scalar(midnight, pa.timestamp("us"))


def _fn_left(ctx: EvalContext, node: ast.expr, count: ast.expr) -> Value:
    return pc.utf8_slice_codeunits(to_string(eval_node(node, ctx)), 0, int(_number(ctx, count)))


def _fn_pad(ctx: EvalContext, node: ast.expr, width: ast.expr) -> Value:
    return pc.utf8_lpad(to_string(eval_node(node, ctx)), int(_number(ctx, width)), "0")


def _fn_locale_value(attribute: str) -> Callable[[EvalContext], Value]:
    def value(ctx: EvalContext) -> Value:
        return pa.scalar(getattr(ctx.vocab.style, attribute))

    return value


def _fn_sin(ctx: EvalContext, node: ast.expr) -> Value:
    return pc.sin(as_float(eval_node(node, ctx)))


FUNCTIONS.update(
    {
        # strings
        "lower": (1, 1, _simple(pc.utf8_lower)),
        "upper": (1, 1, _simple(pc.utf8_upper)),
        "title": (1, 1, _simple(pc.utf8_title)),
        "str": (1, 1, _simple(to_string)),
        "slug": (1, 1, _fn_slug),
        "left": (2, 2, _fn_left),
        "pad": (2, 2, _fn_pad),
        "digits": (1, 1, _fn_digits),
        "full_name": (2, 2, _fn_full_name),
        # numbers
        "round": (1, 2, _fn_round),
        "abs": (1, 1, _simple(pc.abs)),
        "int": (1, 1, _fn_int),
        "float": (1, 1, _simple(as_float)),
        "min": (2, 2, _simple(pc.min_element_wise)),
        "max": (2, 2, _simple(pc.max_element_wise)),
        "sin": (1, 1, _fn_sin),
        "pi": (0, 0, lambda ctx: pa.scalar(math.pi)),
        # logic and lookups
        "where": (3, 3, lambda ctx, c, a, b: if_else(*_args(ctx, (c, a, b)))),
        "coalesce": (2, 2, _simple(pc.coalesce)),
        "is_null": (1, 1, _simple(pc.is_null)),
        "map": (2, 2, _fn_map),
        "choice_by": (2, 2, _fn_choice_by),
        # dates
        "today": (0, 0, _fn_today),
        "now": (0, 0, _fn_now),
        "date": (1, 1, _fn_date),
        "datetime": (1, 1, _fn_datetime),
        "year": (1, 1, _simple(pc.year)),
        "years_between": (2, 2, _fn_years_between),
        "days": (1, 1, _duration(86_400)),
        "hours": (1, 1, _duration(3_600)),
        "minutes": (1, 1, _duration(60)),
        "seconds": (1, 1, _duration(1)),
        # randomness (seeded per table, chunk and field)
        "randint": (2, 2, _fn_randint),
        "uniform": (2, 2, _fn_uniform),
        "normal": (2, 2, _fn_normal),
        "bernoulli": (1, 1, _fn_bernoulli),
        "choice": (1, 64, _fn_choice),
        # locale vocabularies
        "first_name_for": (1, 1, _fn_first_name_for),
        "email_domain": (0, 0, _vocab_pick("email_domains")),
        "company_suffix": (0, 0, _vocab_pick("company_suffixes")),
        "stock_exchange": (0, 0, _vocab_pick("stock_exchanges")),
        "city": (0, 0, addresses.cities),
        "tld": (0, 0, _fn_locale_value("tld")),
        "currency": (0, 0, _fn_locale_value("currency")),
        "price_level": (0, 0, _fn_locale_value("price_level")),
        "money_decimals": (0, 0, _fn_locale_value("money_decimals")),
        "country": (0, 0, _fn_locale_value("country")),
    }
)
