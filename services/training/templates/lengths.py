"""How long a value can get, in characters, before any row is generated: of a field (by its
type, vocabulary, pattern or expression) and of an expression. Validation checks these bounds
against the value and row limits; the generator sizes its chunks with them."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from common.contracts.template_schema import FieldSpec, Schema
from services.training.templates import columns
from services.training.templates.expressions import (
    Expression,
)
from services.training.templates.limits import (
    SCALAR_LENGTH,
)
from services.training.templates.ordering import field_expression, field_order
from services.training.templates.strings import check_regex
from services.training.templates.vocab import value_lengths

_MOMENTS = {"date", "datetime"}


def row_widths(schema: Schema, locale: str = "en_US") -> dict[str, int]:
    """Per table, an upper bound of the bytes one generated row holds in memory: text
    fields by the length bound of their values, other fields 8 bytes (a validated schema)."""
    vocab = value_lengths(locale)
    widths = {}
    for t, table in enumerate(schema.tables):
        lengths = field_lengths(schema, t, vocab)
        widths[table.name] = sum(
            lengths[spec.name] if columns.arrow_type(spec) == _STRING else 8
            for spec in table.fields
        )
    return widths


_STRING = columns.arrow_type(FieldSpec(name="x", type="string"))


def field_lengths(schema: Schema, t: int, vocab: Mapping[str, int]) -> dict[str, int]:
    """The length bound, in characters, of the values of every field of table ``t``."""
    table = schema.tables[t]
    lengths: dict[str, int] = {}
    for f in field_order(schema, t):
        spec = table.fields[f]
        expression = None if spec.foreign_key else field_expression(spec)
        if expression is not None:
            lengths[spec.name] = max_length(expression, lengths, vocab)
        elif spec.foreign_key:
            lengths[spec.name] = SCALAR_LENGTH
        else:
            lengths[spec.name] = _generated_length(spec, vocab)
    return lengths


def _field_slug_length(length: int, vocab: Mapping[str, int]) -> int:
    # As expressions' slug(): 5 ASCII characters per character at most, or a romanization.
    return 5 * max(length, vocab["translit"]) + 7


_VOCAB_TYPES = {
    "first_name": "first_names",
    "last_name": "last_names",
    "city": "cities",
    "state": "states",
    "company": "companies",
    "job_title": "jobs",
    "word": "words",
    "country": "country",
}
# A number written by a generator: row numbers, unique suffixes, house numbers.
_DIGITS = 20


def _generated_length(spec: FieldSpec, vocab: Mapping[str, int]) -> int:
    kind = spec.type
    if kind in _VOCAB_TYPES:
        return vocab[_VOCAB_TYPES[kind]]
    if spec.format is not None:
        per_character = SCALAR_LENGTH if kind in _MOMENTS else 1  # strftime expands %A, %c...
        return per_character * len(spec.format)
    if kind == "string":
        if spec.regex is not None:
            return check_regex(spec.regex)
        return columns.string_lengths(spec)[1]
    if kind == "category":
        return max((len(c) if isinstance(c, str) else 5 for c in spec.categories or []), default=0)
    if kind == "text":
        words = int(spec.params.get("max_words", 12))
        return words * (vocab["words"] + 1) + 1
    street = vocab["street_format"] + vocab["street_names"] + _DIGITS
    first, last = vocab["first_names"], vocab["last_names"]
    other = {
        "phone": vocab["phone_patterns"],
        "postal_code": vocab["postal_codes"],
        "name": first + last + 1,
        "email": _field_slug_length(first, vocab)
        + _field_slug_length(last, vocab)
        + _DIGITS
        + vocab["email_domains"]
        + 2,
        "username": 1 + _field_slug_length(last, vocab) + _DIGITS,
        "street_address": street,
        "address": vocab["address_format"]
        + street
        + vocab["cities"]
        + vocab["states"]
        + vocab["postal_codes"],
        "url": len("https://www..") + _field_slug_length(vocab["companies"], vocab) + vocab["tld"],
    }
    return other.get(kind, SCALAR_LENGTH)


@dataclass(frozen=True)
class _Lengths:
    """What :func:`max_length` knows: the bound of every field read, and of each vocabulary."""

    fields: Mapping[str, int]
    vocab: Mapping[str, int]

    def of(self, node: ast.expr) -> int:
        return _length(node, self)


def max_length(expr: Expression, fields: Mapping[str, int], vocab: Mapping[str, int]) -> int:
    """An upper bound, in characters, of any value ``expr`` produces as text.

    ``fields`` bounds the fields it reads, ``vocab`` the vocabulary lists (see
    :func:`vocab.value_lengths`). Numbers, dates and booleans count as SCALAR_LENGTH.
    """
    return _length(expr.tree, _Lengths(fields, vocab))


def _literal_length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple | list):
        return max((_literal_length(v) for v in value), default=0)
    return SCALAR_LENGTH


def _length(node: ast.expr, lengths: _Lengths) -> int:
    if isinstance(node, ast.Constant):
        return _literal_length(node.value)
    if isinstance(node, ast.Name):
        return lengths.fields.get(node.id, SCALAR_LENGTH)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return lengths.of(node.left) + lengths.of(node.right)
    if isinstance(node, ast.IfExp):
        return max(lengths.of(node.body), lengths.of(node.orelse))
    if isinstance(node, ast.JoinedStr):
        return sum(lengths.of(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return lengths.of(node.value)
    if isinstance(node, ast.Call):
        rule = LENGTH_RULES.get(node.func.id)  # type: ignore[attr-defined]
        return rule(lengths, *node.args) if rule else SCALAR_LENGTH
    # Arithmetic, comparisons, logic: numbers and booleans.
    return SCALAR_LENGTH


def _literal_number(node: ast.expr) -> int | None:
    value = _literal_or_none(node)
    return int(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _left_length(lengths: _Lengths, value: ast.expr, count: ast.expr) -> int:
    text, k = lengths.of(value), _literal_number(count)
    return min(text, k) if k is not None and k >= 0 else text


def _pad_length(lengths: _Lengths, value: ast.expr, width: ast.expr) -> int:
    return max(lengths.of(value), _literal_number(width) or 0)


def _slug_length(lengths: _Lengths, value: ast.expr) -> int:
    # A character decomposes (NFKD) into at most 5 ASCII ones (U+33AF, "rad/s2"); a
    # vocabulary value may first be replaced by its romanization; "x" + 6 hex digits else.
    return 5 * max(lengths.of(value), lengths.vocab.get("translit", 0)) + 7


def _literal_or_none(node: ast.expr) -> Any:
    # Not a literal: evaluation refuses it, so its length does not matter.
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return None


def _dict_values_length(node: ast.expr) -> int:
    mapping = _literal_or_none(node)
    if not isinstance(mapping, dict):
        return SCALAR_LENGTH
    return max((_literal_length(v) for v in mapping.values()), default=0)


def _choice_length(lengths: _Lengths, *options: ast.expr) -> int:
    return max((_literal_length(_literal_or_none(o)) for o in options), default=0)


def _vocab_length(*names: str) -> Callable[..., int]:
    def length(lengths: _Lengths, *_: ast.expr) -> int:
        return max(lengths.vocab.get(name, SCALAR_LENGTH) for name in names)

    return length


def _same_as_widest(lengths: _Lengths, *args: ast.expr) -> int:
    return max([SCALAR_LENGTH, *(lengths.of(a) for a in args)])


def _scalar(lengths: _Lengths, *_: ast.expr) -> int:
    return SCALAR_LENGTH


# One rule per function of FUNCTIONS (a test checks that none is missing).
LENGTH_RULES: dict[str, Callable[..., int]] = {
    "lower": _same_as_widest,
    "upper": _same_as_widest,
    "title": _same_as_widest,
    "str": _same_as_widest,
    "slug": _slug_length,
    "left": _left_length,
    "pad": _pad_length,
    "digits": lambda lengths, count: max(0, _literal_number(count) or 0),
    "full_name": lambda lengths, first, last: lengths.of(first) + lengths.of(last) + 1,
    "round": _scalar,
    "abs": _scalar,
    "int": _scalar,
    "float": _scalar,
    "min": _same_as_widest,
    "max": _same_as_widest,
    "sin": _scalar,
    "pi": _scalar,
    "where": lambda lengths, cond, yes, no: max(lengths.of(yes), lengths.of(no)),
    "coalesce": _same_as_widest,
    "is_null": _scalar,
    "map": lambda lengths, key, table: _dict_values_length(table),
    "choice_by": lambda lengths, key, table: _dict_values_length(table),
    "today": _scalar,
    "now": _scalar,
    "date": _scalar,
    "datetime": _scalar,
    "year": _scalar,
    "years_between": _scalar,
    "days": _scalar,
    "hours": _scalar,
    "minutes": _scalar,
    "seconds": _scalar,
    "randint": _scalar,
    "uniform": _scalar,
    "normal": _scalar,
    "bernoulli": _scalar,
    "choice": _choice_length,
    "first_name_for": _vocab_length("first_names_female", "first_names_male"),
    "email_domain": _vocab_length("email_domains"),
    "company_suffix": _vocab_length("company_suffixes"),
    "stock_exchange": _vocab_length("stock_exchanges"),
    "city": _vocab_length("cities"),
    "tld": _vocab_length("tld"),
    "currency": _vocab_length("currency"),
    "price_level": _scalar,
    "money_decimals": _scalar,
    "country": _vocab_length("country"),
}
