"""A small, safe expression language for derived fields.

Expressions use Python syntax but are never passed to ``eval``: the source is parsed
with :mod:`ast`, every node is checked against a whitelist, and evaluation walks the tree
applying vectorized :mod:`pyarrow.compute` kernels to whole columns at once.

Supported: field names (and ``_row``, the row number within the table), number, string,
boolean and ``None`` literals, ``+ - * / // % **``, comparisons (``in`` / ``not in`` a
tuple of literals), ``and`` / ``or`` / ``not``, ``a if cond else b``, f-strings without
format specs, and the functions in :data:`FUNCTIONS`. String templates such as
``"{slug(first_name)}.{slug(last_name)}@example.com"`` compile to f-strings.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from services.training.templates.limits import MAX_NESTING
from services.training.templates.vocab import Vocabulary

Value: TypeAlias = pa.Array | pa.Scalar

MAX_EXPRESSION_LENGTH = 2_000


class ExpressionError(ValueError):
    """An expression that cannot be compiled or evaluated."""


@dataclass(frozen=True)
class Expression:
    """A compiled, validated expression and the field names it reads."""

    source: str
    tree: ast.expr
    names: frozenset[str]


@dataclass
class EvalContext:
    """What an expression may see besides the row's fields."""

    rng: np.random.Generator
    rows: np.ndarray
    vocab: Vocabulary
    reference_date: dt.date
    columns: Mapping[str, pa.Array] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.rows)


_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_CMPOPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
_ALLOWED = (
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.BinOp,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Tuple,
    ast.List,
    ast.Dict,
    ast.JoinedStr,
    ast.FormattedValue,
    *_BINOPS,
    *_CMPOPS,
)
_BUILTIN_NAMES = frozenset({"_row"})


def compile_expression(source: str) -> Expression:
    """Parse and check an expression; raise :class:`ExpressionError` if it is not allowed."""
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error in {source!r}: {exc.msg}") from None
    if _depth(tree) > MAX_NESTING:
        raise ExpressionError(f"expression nested more than {MAX_NESTING} levels deep")
    names: set[str] = set()
    function_names = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        _check_node(node, names, is_function=id(node) in function_names)
    return Expression(source=source, tree=tree.body, names=frozenset(names - _BUILTIN_NAMES))


def _depth(tree: ast.AST) -> int:
    """How deeply the tree nests, found without recursion (evaluation recurses)."""
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_NESTING:
            pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def compile_template(template: str) -> Expression:
    """Compile a ``{expr}`` string template, e.g. ``"{first_name}.{last_name}@example.com"``."""
    return compile_expression("f" + repr(template))


def _check_node(node: ast.AST, names: set[str], *, is_function: bool) -> None:
    if not isinstance(node, _ALLOWED):
        raise ExpressionError(f"{type(node).__name__} is not allowed in expressions")
    if isinstance(node, ast.Name) and not is_function:
        names.add(node.id)
    elif isinstance(node, ast.Call):
        _check_call(node)
    elif isinstance(node, ast.Compare) and len(node.ops) != 1:
        raise ExpressionError("chained comparisons are not supported; use 'and'")
    elif isinstance(node, ast.FormattedValue) and (node.format_spec or node.conversion != -1):
        raise ExpressionError("format specs in templates are not supported; use pad() or round()")
    elif isinstance(node, ast.Constant) and not isinstance(
        node.value, int | float | str | bool | type(None)
    ):
        raise ExpressionError(f"literal {node.value!r} is not allowed")


def _check_call(node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        shown = ast.unparse(node.func)
        raise ExpressionError(f"unknown function {shown!r}; known: {', '.join(sorted(FUNCTIONS))}")
    if node.keywords:
        raise ExpressionError(f"{node.func.id}() takes positional arguments only")
    low, high, _ = FUNCTIONS[node.func.id]
    if not low <= len(node.args) <= high:
        raise ExpressionError(f"{node.func.id}() takes {low}..{high} arguments")
    # Tuples, lists and dicts are literal lookup tables, not values: keep them out of
    # the function's value arguments so names inside them cannot smuggle data around.
    for arg in node.args:
        if isinstance(arg, ast.Dict | ast.Tuple | ast.List):
            _literal(arg)


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ExpressionError(f"{ast.unparse(node)!r} must contain literals only") from None


def evaluate(expr: Expression, ctx: EvalContext) -> pa.Array:
    """Evaluate ``expr`` over the rows of ``ctx`` and return one value per row."""
    return broadcast(_eval(expr.tree, ctx), ctx.n)


def broadcast(value: Value, n: int) -> pa.Array:
    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks()
    if isinstance(value, pa.Array):
        return value
    return pa.repeat(value, n)


def _eval(node: ast.expr, ctx: EvalContext) -> Value:
    if isinstance(node, ast.Constant):
        return pa.scalar(node.value)
    if isinstance(node, ast.Name):
        return _name(node.id, ctx)
    if isinstance(node, ast.BinOp):
        return _binop(node.op, _eval(node.left, ctx), _eval(node.right, ctx))
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, ctx)
        if isinstance(node.op, ast.Not):
            return pc.invert(operand)
        return pc.negate(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BoolOp):
        combine = pc.and_kleene if isinstance(node.op, ast.And) else pc.or_kleene
        result = _eval(node.values[0], ctx)
        for value in node.values[1:]:
            result = combine(result, _eval(value, ctx))
        return result
    if isinstance(node, ast.Compare):
        return _compare(node, ctx)
    if isinstance(node, ast.IfExp):
        return _if_else(_eval(node.test, ctx), _eval(node.body, ctx), _eval(node.orelse, ctx))
    if isinstance(node, ast.JoinedStr):
        parts = [_to_string(_eval(v, ctx)) for v in node.values]
        return pc.binary_join_element_wise(*parts, "") if parts else pa.scalar("")
    if isinstance(node, ast.FormattedValue):
        return _eval(node.value, ctx)
    if isinstance(node, ast.Call):
        _, _, function = FUNCTIONS[node.func.id]
        return function(ctx, *node.args)
    raise ExpressionError(f"{type(node).__name__} cannot be evaluated")


def _name(name: str, ctx: EvalContext) -> Value:
    if name == "_row":
        return pa.array(ctx.rows)
    try:
        return ctx.columns[name]
    except KeyError:
        raise ExpressionError(f"unknown field {name!r}") from None


def _is_string(value: Value) -> bool:
    return pa.types.is_string(value.type) or pa.types.is_large_string(value.type)


def _is_integer(value: Value) -> bool:
    return pa.types.is_integer(value.type)


def _binop(op: ast.operator, left: Value, right: Value) -> Value:
    if isinstance(op, ast.Add) and (_is_string(left) or _is_string(right)):
        return pc.binary_join_element_wise(_to_string(left), _to_string(right), "")
    if isinstance(op, ast.Div):
        return pc.divide(_float(left), _float(right))
    if isinstance(op, ast.FloorDiv | ast.Mod):
        quotient = pc.floor(pc.divide(_float(left), _float(right)))
        result = (
            quotient
            if isinstance(op, ast.FloorDiv)
            else pc.subtract(_float(left), pc.multiply(quotient, _float(right)))
        )
        return pc.cast(result, pa.int64()) if _is_integer(left) and _is_integer(right) else result
    if isinstance(op, ast.Pow):
        return pc.power(_float(left), _float(right))
    kernels = {ast.Add: pc.add, ast.Sub: pc.subtract, ast.Mult: pc.multiply}
    left, right = _align_dates(left, right)
    return kernels[type(op)](left, right)


def _align_dates(left: Value, right: Value) -> tuple[Value, Value]:
    # date - date is a duration in days; everything else about dates goes through
    # timestamps, which pyarrow can shift by durations.
    if pa.types.is_date(left.type) and pa.types.is_date(right.type):
        return pc.cast(left, pa.timestamp("s")), pc.cast(right, pa.timestamp("s"))
    return left, right


def _float(value: Value) -> Value:
    return pc.cast(value, pa.float64())


def _compare(node: ast.Compare, ctx: EvalContext) -> Value:
    op, right_node = node.ops[0], node.comparators[0]
    left = _eval(node.left, ctx)
    if isinstance(op, ast.In | ast.NotIn):
        options = _literal(right_node)
        if not isinstance(options, tuple | list):
            raise ExpressionError("'in' needs a tuple of literals, e.g. x in ('a', 'b')")
        found = pc.is_in(broadcast(left, ctx.n), value_set=pa.array(list(options)))
        return pc.invert(found) if isinstance(op, ast.NotIn) else found
    kernels = {
        ast.Eq: pc.equal,
        ast.NotEq: pc.not_equal,
        ast.Lt: pc.less,
        ast.LtE: pc.less_equal,
        ast.Gt: pc.greater,
        ast.GtE: pc.greater_equal,
    }
    return kernels[type(op)](*_align_dates(left, _eval(right_node, ctx)))


def _if_else(cond: Value, yes: Value, no: Value) -> Value:
    # A bare None literal has the null type; give it the other branch's type.
    if pa.types.is_null(yes.type) and not pa.types.is_null(no.type):
        yes = pa.scalar(None, type=no.type)
    elif pa.types.is_null(no.type) and not pa.types.is_null(yes.type):
        no = pa.scalar(None, type=yes.type)
    elif yes.type != no.type and not (_is_string(yes) or _is_string(no)):
        yes, no = _float(yes), _float(no)
    return pc.if_else(cond, yes, no)


def _to_string(value: Value) -> Value:
    if _is_string(value):
        return value
    if pa.types.is_floating(value.type):
        # Money-like floats print with two decimals at most, never as 1e+20 or 0.30000000000000004.
        return pc.cast(pc.round(value, 2), pa.string())
    return pc.cast(value, pa.string())


# --- functions ------------------------------------------------------------------------


def _args(ctx: EvalContext, nodes: tuple[ast.expr, ...]) -> list[Value]:
    return [_eval(n, ctx) for n in nodes]


def _number(ctx: EvalContext, node: ast.expr) -> float:
    value = _eval(node, ctx)
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
    options = pa.array([_literal(n) for n in nodes])
    return options.take(pa.array(ctx.rng.integers(0, len(options), ctx.n)))


def _fn_choice_by(ctx: EvalContext, key: ast.expr, table: ast.expr) -> pa.Array:
    """Pick one option per row from the list the row's key maps to."""
    mapping = _literal(table)
    if not isinstance(mapping, dict) or not mapping:
        raise ExpressionError("choice_by(key, {value: (options...)}) needs a literal dict")
    keys = broadcast(_eval(key, ctx), ctx.n)
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
    mapping = _literal(table)
    if not isinstance(mapping, dict) or not mapping:
        raise ExpressionError("map(key, {value: result}) needs a literal dict")
    return _map(broadcast(_eval(key, ctx), ctx.n), mapping)


def _fn_digits(ctx: EvalContext, count: ast.expr) -> pa.Array:
    k = int(_number(ctx, count))
    if not 1 <= k <= 18:
        raise ExpressionError("digits(k) needs 1 <= k <= 18")
    values = pa.array(ctx.rng.integers(0, 10**k, ctx.n, dtype=np.int64))
    return pc.utf8_lpad(pc.cast(values, pa.string()), k, "0")


def slugify(value: str, translit: Mapping[str, str]) -> str:
    """ASCII, lower case, words joined by '-': 'Müller-Lüdenscheidt' -> 'mueller-luedenscheidt'."""
    text = translit.get(value, value)
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        text = text.replace(src, dst)
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if text:
        return text
    # Scripts without a transliteration (e.g. kanji company names) get a stable ASCII id.
    return "x" + format(abs(hash_text(value)) % 36**6, "x")


def hash_text(value: str) -> int:
    """A hash that is stable across processes (``hash()`` is salted per process)."""
    h = 1469598103934665603
    for byte in value.encode():
        h = ((h ^ byte) * 1099511628211) % 2**64
    return h


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
    value = _to_string(broadcast(_eval(node, ctx), ctx.n))
    return _per_unique(value, lambda v: slugify(v, ctx.vocab.translit))


def _fn_years_between(ctx: EvalContext, start: ast.expr, end: ast.expr) -> Value:
    a, b = broadcast(_eval(start, ctx), ctx.n), broadcast(_eval(end, ctx), ctx.n)
    years = pc.subtract(pc.year(b), pc.year(a))
    month_day_a = pc.add(pc.multiply(pc.month(a), 100), pc.day(a))
    month_day_b = pc.add(pc.multiply(pc.month(b), 100), pc.day(b))
    before_birthday = pc.cast(pc.less(month_day_b, month_day_a), pa.int64())
    return pc.subtract(years, before_birthday)


def _duration(unit_seconds: float) -> Callable[[EvalContext, ast.expr], Value]:
    def make(ctx: EvalContext, node: ast.expr) -> Value:
        micros = pc.multiply(_float(_eval(node, ctx)), unit_seconds * 1_000_000)
        return pc.cast(pc.round(micros), pa.int64()).cast(pa.duration("us"))

    return make


def _fn_date(ctx: EvalContext, node: ast.expr) -> Value:
    value = _eval(node, ctx)
    if isinstance(value, pa.StringScalar):
        return pa.scalar(dt.date.fromisoformat(value.as_py()))
    return pc.cast(pc.cast(value, pa.timestamp("us")), pa.date32())


def _fn_datetime(ctx: EvalContext, node: ast.expr) -> Value:
    value = _eval(node, ctx)
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
    genders = broadcast(_eval(gender, ctx), ctx.n)
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
    first_v, last_v = _eval(first, ctx), _eval(last, ctx)
    if ctx.vocab.family_name_first:
        return pc.binary_join_element_wise(last_v, first_v, " ")
    return pc.binary_join_element_wise(first_v, last_v, " ")


def _fn_round(ctx: EvalContext, value: ast.expr, digits: ast.expr | None = None) -> Value:
    ndigits = 0 if digits is None else int(_number(ctx, digits))
    return pc.round(_float(_eval(value, ctx)), ndigits)


def _fn_int(ctx: EvalContext, node: ast.expr) -> Value:
    value = _eval(node, ctx)
    if _is_string(value):
        return pc.cast(value, pa.int64())
    return pc.cast(pc.trunc(_float(value)), pa.int64())


def _fn_today(ctx: EvalContext) -> Value:
    return pa.scalar(ctx.reference_date)


def _fn_now(ctx: EvalContext) -> Value:
    midnight = dt.datetime.combine(ctx.reference_date, dt.time())
    return pa.scalar(midnight, pa.timestamp("us"))


def _fn_left(ctx: EvalContext, node: ast.expr, count: ast.expr) -> Value:
    return pc.utf8_slice_codeunits(_to_string(_eval(node, ctx)), 0, int(_number(ctx, count)))


def _fn_pad(ctx: EvalContext, node: ast.expr, width: ast.expr) -> Value:
    return pc.utf8_lpad(_to_string(_eval(node, ctx)), int(_number(ctx, width)), "0")


def _fn_locale_value(attribute: str) -> Callable[[EvalContext], Value]:
    def value(ctx: EvalContext) -> Value:
        return pa.scalar(getattr(ctx.vocab, attribute))

    return value


def _fn_sin(ctx: EvalContext, node: ast.expr) -> Value:
    return pc.sin(_float(_eval(node, ctx)))


FUNCTIONS: dict[str, tuple[int, int, Callable[..., Value]]] = {
    # strings
    "lower": (1, 1, _simple(pc.utf8_lower)),
    "upper": (1, 1, _simple(pc.utf8_upper)),
    "title": (1, 1, _simple(pc.utf8_title)),
    "str": (1, 1, _simple(_to_string)),
    "slug": (1, 1, _fn_slug),
    "left": (2, 2, _fn_left),
    "pad": (2, 2, _fn_pad),
    "digits": (1, 1, _fn_digits),
    "full_name": (2, 2, _fn_full_name),
    # numbers
    "round": (1, 2, _fn_round),
    "abs": (1, 1, _simple(pc.abs)),
    "int": (1, 1, _fn_int),
    "float": (1, 1, _simple(_float)),
    "min": (2, 2, _simple(pc.min_element_wise)),
    "max": (2, 2, _simple(pc.max_element_wise)),
    "sin": (1, 1, _fn_sin),
    "pi": (0, 0, lambda ctx: pa.scalar(math.pi)),
    # logic and lookups
    "where": (3, 3, lambda ctx, c, a, b: _if_else(*_args(ctx, (c, a, b)))),
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
    "city": (0, 0, _vocab_pick("cities")),
    "tld": (0, 0, _fn_locale_value("tld")),
    "currency": (0, 0, _fn_locale_value("currency")),
    "country": (0, 0, _fn_locale_value("country")),
}
