"""The shape of an id column's values (`AB-1234`: letters, a dash, digits), one character
class per position, from which `conform.shaped_ids` writes new ids of the same shape."""

from __future__ import annotations

from collections import Counter

import pandas as pd


def _char_class(chars: set[str]) -> str:
    if len(chars) == 1:
        return next(iter(chars))
    if all(c.isdigit() for c in chars):
        return "9"
    if all(c.isascii() and c.isupper() for c in chars):
        return "A"
    if all(c.isascii() and c.islower() for c in chars):
        return "a"
    return "x"


def id_shape(values: pd.Series) -> tuple[str, ...]:
    """The shape of the commonest length of id: one character class per position."""
    if values.empty:
        return ("x",) * 8
    length = Counter(values.str.len()).most_common(1)[0][0]
    same = values[values.str.len() == length]
    return tuple(_char_class({v[i] for v in same}) for i in range(length))
