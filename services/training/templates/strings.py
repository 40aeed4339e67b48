"""Vectorized string builders: fixed-width code point matrices, '#' patterns and regexes."""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


def fill_patterns(patterns: list[str], rng: np.random.Generator, n: int) -> pa.Array:
    """Pick a pattern per row; '#' becomes a random digit and '?' a random capital letter."""
    table, digit_slots = pattern_table(patterns)
    letter_slots = table == ord("?")
    choice = rng.integers(0, len(patterns), n)
    matrix = table[choice]
    digits = _DIGITS[rng.integers(0, 10, matrix.shape)]
    letters = _UPPER[rng.integers(0, 26, matrix.shape)]
    matrix = np.where(digit_slots[choice], digits, matrix)
    matrix = np.where(letter_slots[choice], letters, matrix)
    return from_codepoints(matrix)


def random_strings(alphabet: np.ndarray, rng: np.random.Generator, lengths: np.ndarray) -> pa.Array:
    """Strings of the given lengths drawn from ``alphabet`` (code points)."""
    width = int(lengths.max(initial=0))
    matrix = alphabet[rng.integers(0, len(alphabet), (len(lengths), width))]
    matrix[np.arange(width)[None, :] >= lengths[:, None]] = 0
    return from_codepoints(matrix)


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


def check_regex(pattern: str) -> None:
    """Raise :class:`RegexError` unless ``pattern`` compiles and uses only supported syntax."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise RegexError(f"invalid regex: {exc}") from None
    _check_items(list(parsed))


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
