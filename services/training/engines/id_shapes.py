"""How a text id column is written: one character class per position (`9` a digit, `A` an
upper-case letter, `a` a lower-case one, `x` a digit or upper-case letter, any other
character as it is), from which `conform.shaped_ids` makes new ids."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

# Share of the ids of the commonest length that one exact shape must cover to be the shape
# of every new id: airport codes are mostly three letters (`SEA`), some mix in digits
# (`00M`, `K96`), and a shape per position of `x` would write `9Q9` and `000`, which no real
# code looks like.
DOMINANT_SHAPE_SHARE = 0.5


def id_shape(values: pd.Series) -> tuple[str, ...]:
    """The shape of the commonest length of id: one character class per position, taken
    over the ids of the commonest exact shape when it covers at least half of them."""
    if values.empty:
        return ("x",) * 8
    length = Counter(values.str.len()).most_common(1)[0][0]
    same = values[values.str.len() == length]
    masks = (
        same.str.replace(r"[0-9]", "9", regex=True)
        .str.replace(r"[A-Z]", "A", regex=True)
        .str.replace(r"[a-z]", "a", regex=True)
    )
    shares = masks.value_counts(normalize=True)
    if shares.iloc[0] >= DOMINANT_SHAPE_SHARE:
        same = same[masks == shares.index[0]]
    return tuple(_char_class({v[i] for v in same}) for i in range(length))


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


def phone_shape(values: pd.Series, pii_kind: str) -> tuple[str, ...] | None:
    """How a phone column writes its numbers (`(484)426-8465x6321`): the shape of its
    commonest form, where every position is a digit or one character; None for another kind,
    or where the forms mix (a position of letters or of digits and punctuation)."""
    present = values.dropna().astype(str)
    if pii_kind != "phone_number" or present.empty or pd.api.types.is_float_dtype(values):
        return None
    shape = id_shape(present)
    return shape if not set(shape) & {"A", "a", "x"} else None


# Forms of a phone column kept (the commonest), and the share of its values a form must hold.
MAX_PHONE_FORMS = 24
MIN_PHONE_FORM_SHARE = 0.01
_PHONE_FORM_LENGTH = 40
# A form: digits as 9 (a leading country code `+1` kept as written), spaces and ( ) + - . /,
# and an extension (`x123`, `ext. 123`); nothing else (a letter from a real value stays out).
_PHONE_FORM = re.compile(r"(\+\d{1,3})?[9 ()+\-./]*((x|ext\.?) ?9+)?")


def phone_forms(values: pd.Series, pii_kind: str) -> tuple[tuple[str, int], ...]:
    """The forms a phone column writes its numbers in (`(999) 999-9999`, `999-999-9999`,
    `+1 999 999 9999`), commonest first, with how many real values have each: at most
    ``MAX_PHONE_FORMS`` holding ``MIN_PHONE_FORM_SHARE`` of the values or more, each with
    seven digits or more. No real digit but a country code: fakes are written in them."""
    present = values.dropna()
    if pii_kind != "phone_number" or present.empty or pd.api.types.is_float_dtype(values):
        return ()
    text = present.astype(str).str.strip()
    code = text.str.extract(r"^(\+\d{1,3})(?=[ (.\-])", expand=False).fillna("")
    rest = pd.Series([t[len(c) :] for t, c in zip(text, code, strict=True)], index=text.index)
    forms = (code + rest.str.replace(r"\d", "9", regex=True)).value_counts()
    kept = []
    for form, count in forms.items():
        if (
            len(kept) < MAX_PHONE_FORMS
            and count >= MIN_PHONE_FORM_SHARE * len(text)
            and len(form) <= _PHONE_FORM_LENGTH
            and form.count("9") >= 7
            and _PHONE_FORM.fullmatch(form)
        ):
            kept.append((str(form), int(count)))
    return tuple(kept)
