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
    # The row's place, shared with the table's address fields (see addresses.place_index).
    place: np.ndarray | None = None

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
# name -> (fewest arguments, most arguments, implementation); filled by
# :mod:`templates.functions` when the package is imported.
FUNCTIONS: dict[str, tuple[int, int, Callable[..., Value]]] = {}


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
            literal(arg)


def literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ExpressionError(f"{ast.unparse(node)!r} must contain literals only") from None


def evaluate(expr: Expression, ctx: EvalContext) -> pa.Array:
    """Evaluate ``expr`` over the rows of ``ctx`` and return one value per row."""
    return broadcast(eval_node(expr.tree, ctx), ctx.n)


def broadcast(value: Value, n: int) -> pa.Array:
    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks()
    if isinstance(value, pa.Array):
        return value
    return pa.repeat(value, n)


def eval_node(node: ast.expr, ctx: EvalContext) -> Value:
    if isinstance(node, ast.Constant):
        return pa.scalar(node.value)
    if isinstance(node, ast.Name):
        return _name(node.id, ctx)
    if isinstance(node, ast.BinOp):
        return _binop(node.op, eval_node(node.left, ctx), eval_node(node.right, ctx))
    if isinstance(node, ast.UnaryOp):
        operand = eval_node(node.operand, ctx)
        if isinstance(node.op, ast.Not):
            return pc.invert(operand)
        return pc.negate(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BoolOp):
        combine = pc.and_kleene if isinstance(node.op, ast.And) else pc.or_kleene
        result = eval_node(node.values[0], ctx)
        for value in node.values[1:]:
            result = combine(result, eval_node(value, ctx))
        return result
    if isinstance(node, ast.Compare):
        return _compare(node, ctx)
    if isinstance(node, ast.IfExp):
        return if_else(
            eval_node(node.test, ctx), eval_node(node.body, ctx), eval_node(node.orelse, ctx)
        )
    if isinstance(node, ast.JoinedStr):
        parts = [to_string(eval_node(v, ctx)) for v in node.values]
        return pc.binary_join_element_wise(*parts, "") if parts else pa.scalar("")
    if isinstance(node, ast.FormattedValue):
        return eval_node(node.value, ctx)
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


def is_string(value: Value) -> bool:
    return pa.types.is_string(value.type) or pa.types.is_large_string(value.type)


def _is_integer(value: Value) -> bool:
    return pa.types.is_integer(value.type)


def _binop(op: ast.operator, left: Value, right: Value) -> Value:
    if isinstance(op, ast.Add) and (is_string(left) or is_string(right)):
        return pc.binary_join_element_wise(to_string(left), to_string(right), "")
    if isinstance(op, ast.Div):
        return pc.divide(as_float(left), as_float(right))
    if isinstance(op, ast.FloorDiv | ast.Mod):
        quotient = pc.floor(pc.divide(as_float(left), as_float(right)))
        result = (
            quotient
            if isinstance(op, ast.FloorDiv)
            else pc.subtract(as_float(left), pc.multiply(quotient, as_float(right)))
        )
        return pc.cast(result, pa.int64()) if _is_integer(left) and _is_integer(right) else result
    if isinstance(op, ast.Pow):
        return pc.power(as_float(left), as_float(right))
    kernels = {ast.Add: pc.add, ast.Sub: pc.subtract, ast.Mult: pc.multiply}
    left, right = _align_dates(left, right)
    return kernels[type(op)](left, right)


def _align_dates(left: Value, right: Value) -> tuple[Value, Value]:
    # date - date is a duration in days; everything else about dates goes through
    # timestamps, which pyarrow can shift by durations.
    if pa.types.is_date(left.type) and pa.types.is_date(right.type):
        return pc.cast(left, pa.timestamp("s")), pc.cast(right, pa.timestamp("s"))
    return left, right


def as_float(value: Value) -> Value:
    return pc.cast(value, pa.float64())


def _compare(node: ast.Compare, ctx: EvalContext) -> Value:
    op, right_node = node.ops[0], node.comparators[0]
    left = eval_node(node.left, ctx)
    if isinstance(op, ast.In | ast.NotIn):
        options = literal(right_node)
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
    return kernels[type(op)](*_align_dates(left, eval_node(right_node, ctx)))


def if_else(cond: Value, yes: Value, no: Value) -> Value:
    # A bare None literal has the null type; give it the other branch's type.
    if pa.types.is_null(yes.type) and not pa.types.is_null(no.type):
        yes = pa.scalar(None, type=no.type)
    elif pa.types.is_null(no.type) and not pa.types.is_null(yes.type):
        no = pa.scalar(None, type=yes.type)
    elif yes.type != no.type and not (is_string(yes) or is_string(no)):
        yes, no = as_float(yes), as_float(no)
    return pc.if_else(cond, yes, no)


def to_string(value: Value) -> Value:
    if is_string(value):
        return value
    if pa.types.is_floating(value.type):
        # Money-like floats print with two decimals at most, never as 1e+20 or 0.30000000000000004.
        return pc.cast(pc.round(value, 2), pa.string())
    return pc.cast(value, pa.string())


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
