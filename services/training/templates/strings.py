"""Vectorized string builders: fixed-width code point matrices, '#' patterns and regexes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from services.training.templates.limits import (
    MAX_MATRIX_CELLS,
    MAX_NESTING,
    MAX_PATTERN_LENGTH,
    MAX_REGEX_STEPS,
    MAX_REPEAT,
    MAX_VALUE_LENGTH,
)

# Unbounded quantifiers (*, +, {2,}) stop this many repetitions above their minimum.
MAX_OPEN_REPEAT = 8
_DIGITS = np.arange(ord("0"), ord("9") + 1, dtype=np.uint32)
_UPPER = np.arange(ord("A"), ord("Z") + 1, dtype=np.uint32)
_LOWER = np.arange(ord("a"), ord("z") + 1, dtype=np.uint32)
_WORD = np.concatenate([_DIGITS, _UPPER, _LOWER, np.array([ord("_")], dtype=np.uint32)])
_SPACE = np.array([ord(c) for c in " \t"], dtype=np.uint32)
_PRINTABLE = np.arange(ord(" "), ord("~") + 1, dtype=np.uint32)


def from_codepoints(matrix: np.ndarray) -> pa.Array:
    """One string per row of a uint32 code point matrix; zeros at the end are padding."""
    n, width = matrix.shape
    if width == 0:
        return pa.repeat(pa.scalar(""), n)
    fixed = np.ascontiguousarray(matrix, dtype=np.uint32).view(f"<U{width}").reshape(n)
    return pa.array(fixed, pa.string())


def pattern_table(patterns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code point matrix of ``patterns`` (zero padded) and the mask of their '#' slots."""
    width = max((len(p) for p in patterns), default=0)
    table = np.zeros((len(patterns), width), dtype=np.uint32)
    for i, pattern in enumerate(patterns):
        table[i, : len(pattern)] = [ord(c) for c in pattern]
    return table, table == ord("#")


def _row_slices(rows: int, width: int) -> list[slice]:
    """Row ranges whose code point matrices stay within MAX_MATRIX_CELLS (one when they fit)."""
    step = max(1, MAX_MATRIX_CELLS // max(width, 1))
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)] or [
        slice(0, 0)
    ]


def _concat(parts: list[pa.Array]) -> pa.Array:
    return parts[0] if len(parts) == 1 else pa.concat_arrays(parts)


def fill_patterns(patterns: list[str], rng: np.random.Generator, n: int) -> pa.Array:
    """Pick a pattern per row; '#' becomes a random digit and '?' a random capital letter."""
    table, digit_slots = pattern_table(patterns)
    letter_slots = table == ord("?")
    choice = rng.integers(0, len(patterns), n)
    parts = []
    for rows in _row_slices(n, table.shape[1]):
        picked = choice[rows]
        matrix = table[picked]
        digits = _DIGITS[rng.integers(0, 10, matrix.shape)]
        letters = _UPPER[rng.integers(0, 26, matrix.shape)]
        matrix = np.where(digit_slots[picked], digits, matrix)
        matrix = np.where(letter_slots[picked], letters, matrix)
        parts.append(from_codepoints(matrix))
    return _concat(parts)


def random_strings(alphabet: np.ndarray, rng: np.random.Generator, lengths: np.ndarray) -> pa.Array:
    """Strings of the given lengths drawn from ``alphabet`` (code points).

    Wide strings are drawn in row slices, from the same stream in the same order, so the
    values do not depend on the slicing and the matrix stays within MAX_MATRIX_CELLS.
    """
    width = int(lengths.max(initial=0))
    parts = []
    for rows in _row_slices(len(lengths), width):
        part = lengths[rows]
        matrix = alphabet[rng.integers(0, len(alphabet), (len(part), width))]
        matrix[np.arange(width)[None, :] >= part[:, None]] = 0
        parts.append(from_codepoints(matrix))
    return _concat(parts)


def encode_index(values: np.ndarray, alphabet: str, width: int) -> pa.Array:
    """Non-negative ints as fixed-width numbers in base len(alphabet); distinct stay distinct."""
    base = len(alphabet)
    codes = np.array([ord(c) for c in alphabet], dtype=np.uint32)
    matrix = np.empty((len(values), width), dtype=np.uint32)
    rest = values.astype(np.int64)
    for position in range(width - 1, -1, -1):
        matrix[:, position] = codes[rest % base]
        rest = rest // base
    return from_codepoints(matrix)


# --- regex ----------------------------------------------------------------------------


class RegexError(ValueError):
    """A regex that this generator cannot produce strings for."""


@dataclass(frozen=True)
class _Shape:
    """The longest string a regex part produces, and the generation steps it takes."""

    length: int
    steps: int


def check_regex(pattern: str) -> int:
    """The length of the longest string ``pattern`` generates.

    Raises :class:`RegexError` unless it compiles, uses only supported syntax and stays
    within the limits (pattern length, quantifier counts, generation steps, value length).
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexError(f"regex longer than {MAX_PATTERN_LENGTH:,} characters")
    try:
        parsed = list(sre_parse.parse(pattern))
        _check_items(parsed)
        shape = _shape(parsed, depth=0)
    except re.error as exc:
        raise RegexError(f"invalid regex: {exc}") from None
    except RecursionError:
        raise RegexError(f"regex groups nested more than {MAX_NESTING} deep") from None
    if shape.steps > MAX_REGEX_STEPS:
        raise RegexError(
            f"regex needs {shape.steps:,} generation steps (groups times their repetitions); "
            f"the limit is {MAX_REGEX_STEPS:,}"
        )
    if shape.length > MAX_VALUE_LENGTH:
        raise RegexError(
            f"regex matches strings of up to {shape.length:,} characters; "
            f"the limit is {MAX_VALUE_LENGTH:,}"
        )
    return shape.length


def _shape(items: list, depth: int) -> _Shape:
    if depth > MAX_NESTING:
        raise RegexError(f"regex groups nested more than {MAX_NESTING} deep")
    length = steps = 0
    for op, arg in items:
        part = _item_shape(op, arg, depth)
        length, steps = length + part.length, steps + part.steps
        if steps > MAX_REGEX_STEPS or length > MAX_VALUE_LENGTH:
            break  # already over a limit: no need to look further (or to overflow)
    return _Shape(length, steps)


def _item_shape(op: object, arg: object, depth: int) -> _Shape:
    if op == sre_constants.AT:
        return _Shape(0, 0)
    if op in (sre_constants.LITERAL, sre_constants.IN, sre_constants.ANY):
        return _Shape(1, 1)
    if op == sre_constants.SUBPATTERN:
        return _shape(list(arg[3]), depth + 1)  # type: ignore[index]
    if op == sre_constants.BRANCH:
        branches = [_shape(list(b), depth + 1) for b in arg[1]]  # type: ignore[index]
        return _Shape(max(b.length for b in branches), sum(b.steps for b in branches))
    low, high, body = arg  # type: ignore[misc]
    if low > MAX_REPEAT or (high != sre_constants.MAXREPEAT and high > MAX_REPEAT):
        count = low if low > MAX_REPEAT else high
        raise RegexError(f"regex repeats {count:,} times; the limit is {MAX_REPEAT:,}")
    if high == sre_constants.MAXREPEAT:
        high = low + MAX_OPEN_REPEAT
    body = list(body)
    inner = _shape(body, depth + 1)
    if len(body) == 1 and _alphabet(*body[0]) is not None:
        return _Shape(high, 1)  # one matrix of random characters
    return _Shape(high * inner.length, high * inner.steps)


_SUPPORTED_OPS = {
    sre_constants.LITERAL,
    sre_constants.IN,
    sre_constants.ANY,
    sre_constants.MAX_REPEAT,
    sre_constants.MIN_REPEAT,
    sre_constants.SUBPATTERN,
    sre_constants.BRANCH,
    sre_constants.AT,
}


def _check_items(items: list) -> None:
    for op, arg in items:
        if op not in _SUPPORTED_OPS:
            raise RegexError(f"regex construct {str(op).lower()} is not supported for generation")
        if op == sre_constants.IN:
            _class_alphabet(arg)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            _check_items(list(arg[2]))
        elif op == sre_constants.SUBPATTERN:
            _check_items(list(arg[3]))
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                _check_items(list(branch))


def _class_alphabet(items: list) -> np.ndarray:
    chosen: list[np.ndarray] = []
    categories = {
        sre_constants.CATEGORY_DIGIT: _DIGITS,
        sre_constants.CATEGORY_WORD: _WORD,
        sre_constants.CATEGORY_SPACE: _SPACE,
    }
    for op, arg in items:
        if op == sre_constants.NEGATE:
            raise RegexError("negated character classes are not supported for generation")
        if op == sre_constants.LITERAL:
            chosen.append(np.array([arg], dtype=np.uint32))
        elif op == sre_constants.RANGE:
            chosen.append(np.arange(arg[0], arg[1] + 1, dtype=np.uint32))
        elif op == sre_constants.CATEGORY and arg in categories:
            chosen.append(categories[arg])
        else:
            raise RegexError(f"character class item {str(op).lower()} is not supported")
    return np.unique(np.concatenate(chosen))


def generate_regex(pattern: str, rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` strings that fully match ``pattern`` (checked with :func:`check_regex`)."""
    return _gen_items(list(sre_parse.parse(pattern)), rng, n)


def _gen_items(items: list, rng: np.random.Generator, n: int) -> pa.Array:
    parts = [_gen_item(op, arg, rng, n) for op, arg in items]
    parts = [p for p in parts if p is not None]
    if not parts:
        return pa.repeat(pa.scalar(""), n)
    return pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]


def _alphabet(op: object, arg: object) -> np.ndarray | None:
    if op == sre_constants.LITERAL:
        return np.array([arg], dtype=np.uint32)
    if op == sre_constants.IN:
        return _class_alphabet(arg)
    if op == sre_constants.ANY:
        return _PRINTABLE
    return None


def _gen_item(op: object, arg: object, rng: np.random.Generator, n: int) -> pa.Array | None:
    if op == sre_constants.AT:
        return None
    alphabet = _alphabet(op, arg)
    if alphabet is not None:
        return random_strings(alphabet, rng, np.ones(n, dtype=np.int64))
    if op == sre_constants.SUBPATTERN:
        return _gen_items(list(arg[3]), rng, n)
    if op == sre_constants.BRANCH:
        branches = [_gen_items(list(b), rng, n) for b in arg[1]]
        return pc.choose(pa.array(rng.integers(0, len(branches), n)), *branches)
    return _gen_repeat(arg, rng, n)


def _gen_repeat(arg: tuple, rng: np.random.Generator, n: int) -> pa.Array:
    low, high, body = arg
    if high == sre_constants.MAXREPEAT:
        high = low + MAX_OPEN_REPEAT
    counts = rng.integers(low, high + 1, n)
    body = list(body)
    if len(body) == 1 and (alphabet := _alphabet(*body[0])) is not None:
        return random_strings(alphabet, rng, counts)
    pieces = []
    for i in range(high):
        piece = _gen_items(body, rng, n)
        pieces.append(pc.if_else(pa.array(counts > i), piece, ""))
    return pc.binary_join_element_wise(*pieces, "") if pieces else pa.repeat(pa.scalar(""), n)
