"""Fake values for a synthetic table's PII columns (never learned), of each column's kind in
the profile's locale: one fake person per row, so that name, first and last name and email
agree, and emails are unique; where the table has a gender column (`gender`, `sex`, ...), the
first name agrees with the row's value of it (no "Kathy, Male")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from common.contracts.template_schema import FieldSpec
from services.training.engines.profile import TableProfile
from services.training.templates import columns as template_columns
from services.training.templates import strings
from services.training.templates.expressions import slugify
from services.training.templates.vocab import Vocabulary, get_vocabulary

# PII kinds filled by the template generators, by their template field type.
_TEMPLATE_TYPES = {
    "phone_number": "phone",
    "address": "address",
    "street_address": "street_address",
    "city": "city",
    "postal_code": "postal_code",
    "country": "country",
    "ip_address": "ipv4",
    "url": "url",
}


# A column holding people's gender, and the values that say female or male (English, German,
# French, Spanish, Italian, Dutch; compared in lower case).
GENDER_HEADER = re.compile(r"^(gender|sex|geschlecht|sexe|g[eé]nero|sexo|sesso|geslacht)$", re.I)
_FEMALE = frozenset(
    {"f", "female", "woman", "w", "weiblich", "frau", "femme", "féminin", "feminin", "mujer",
     "femenino", "donna", "femmina", "vrouw", "v"}
)  # fmt: skip
_MALE = frozenset(
    {"m", "male", "man", "männlich", "maennlich", "mann", "homme", "masculin", "hombre",
     "masculino", "uomo", "maschio"}
)  # fmt: skip


def fake_pii(
    profile: TableProfile,
    n: int,
    rng: np.random.Generator,
    numbers: np.ndarray,
    learned: Mapping[str, pd.Series] | None = None,
) -> dict[str, pd.Series]:
    """Fake values for every PII column; one fake person per row for the name kinds, whose
    first name agrees with the row's gender where `learned` (the rows' other columns) has
    one."""
    pii = [c for c in profile.columns if c.kind == "pii"]
    if not pii:
        return {}
    vocab = get_vocabulary(profile.locale)
    context = template_columns.FieldContext(
        rng=rng, rows=numbers, vocab=vocab, reference_date=dt.date(2025, 1, 1), key=0
    )
    first = _first_names(vocab, rng, n, _genders(profile, learned or {}))
    last = _pick(vocab.last_names, rng, n)
    makers: dict[str, Callable[[], pa.Array]] = {
        "name": lambda: _full_name(first, last, vocab),
        "first_name": lambda: first,
        "last_name": lambda: last,
        "email": lambda: _email(first, last, vocab, rng, numbers),
        "ssn": lambda: _ssn(rng, n),
        "credit_card_number": lambda: _card_numbers(rng, n),
        "text": lambda: strings.fill_patterns(["??????##"], rng, n),
    }
    out = {}
    for column in pii:
        kind = column.pii_kind or "text"
        if kind in makers:
            values = makers[kind]()
        else:
            spec = FieldSpec(name=column.name, type=_TEMPLATE_TYPES.get(kind, "word"))
            values = template_columns.GENERATORS[spec.type](spec, context)
        written = values.to_pylist()
        if kind == "phone_number" and column.phone_forms:
            written = _in_forms(written, column.phone_forms, rng)
        elif kind == "phone_number" and column.id_shape:
            written = _in_shape(written, column.id_shape, rng)
        out[column.name] = pd.Series(written, dtype=object)
    return out


def _in_forms(
    phones: list[str], forms: tuple[tuple[str, int], ...], rng: np.random.Generator
) -> list[str]:
    """Each fake phone written in one of the real forms (`id_shapes.phone_forms`), drawn by
    the forms' shares: `(555) 010-1234` beside `555-010-1234` as often as the real ones."""
    counts = np.asarray([n for _, n in forms], dtype="float64")
    drawn = rng.choice(len(forms), size=len(phones), p=counts / counts.sum())
    out = list(phones)
    for k, (form, _) in enumerate(forms):
        rows = np.flatnonzero(drawn == k)
        if len(rows):
            code = re.match(r"\+\d{1,3}", form)  # a country code, as written (`+49`)
            shape = (code.group(), *form[code.end() :]) if code else tuple(form)
            shaped = _in_shape([phones[i] for i in rows], shape, rng)
            for i, value in zip(rows, shaped, strict=True):
                out[i] = value
    return out


def _in_shape(phones: list[str], shape: tuple[str, ...], rng: np.random.Generator) -> list[str]:
    """Each fake phone written as the real ones are (`shape`, `id_shapes.phone_shape`): its
    national digits (the last ten before an extension) in the shape's digit positions, in
    order, then digits drawn anew (an extension)."""
    slots = shape.count("9")
    extra = rng.integers(10, size=(len(phones), slots)).astype(str)
    out = []
    for phone, more in zip(phones, extra, strict=True):
        national = re.sub(r"\D", "", re.split(r"x|ext", phone or "")[0])[-10:]
        digits = iter([*national, *more])
        out.append("".join(next(digits) if part == "9" else part for part in shape))
    return out


def _genders(profile: TableProfile, learned: Mapping[str, pd.Series]) -> np.ndarray | None:
    """Each row's gender, "f", "m" or "" (unknown), from the table's gender column."""
    column = next(
        (
            c
            for c in profile.columns
            if c.kind == "categorical" and GENDER_HEADER.match(c.name) and c.name in learned
        ),
        None,
    )
    if column is None:
        return None
    # A missing gender is unknown (NA in np.isin raised "boolean value of NA is ambiguous").
    words = learned[column.name].astype("string").str.strip().str.lower().fillna("").to_numpy()
    female = np.isin(words, list(_FEMALE))
    return np.where(female, "f", np.where(np.isin(words, list(_MALE)), "m", ""))


def _first_names(
    vocab: Vocabulary, rng: np.random.Generator, n: int, genders: np.ndarray | None
) -> pa.Array:
    names = _pick(vocab.first_names, rng, n)
    if genders is None or not (genders != "").any():
        return names
    out = np.asarray(names.to_pylist(), dtype=object)
    for gender, pool in (("f", vocab.first_names_female), ("m", vocab.first_names_male)):
        rows = genders == gender
        if len(pool) and rows.any():
            out[rows] = _pick(pool, rng, int(rows.sum())).to_pylist()
    return pa.array(out, type=pa.string())


def _pick(values: pa.Array, rng: np.random.Generator, n: int) -> pa.Array:
    return values.take(pa.array(rng.integers(0, len(values), n)))


def _full_name(first: pa.Array, last: pa.Array, vocab: Vocabulary) -> pa.Array:
    if vocab.family_name_first:
        return pc.binary_join_element_wise(last, first, " ")
    return pc.binary_join_element_wise(first, last, " ")


def _slugs(values: pa.Array, vocab: Vocabulary) -> pa.Array:
    encoded = pc.dictionary_encode(values)
    slugs = [slugify(v, vocab.translit) for v in encoded.dictionary.to_pylist()]
    return pa.array(slugs, pa.string()).take(encoded.indices)


def _email(
    first: pa.Array,
    last: pa.Array,
    vocab: Vocabulary,
    rng: np.random.Generator,
    numbers: np.ndarray,
) -> pa.Array:
    """first.last<row number>@domain: matches the row's name, and unique."""
    domain = _pick(vocab.email_domains, rng, len(numbers))
    suffix = pc.cast(pa.array(numbers + 1), pa.string())
    return pc.binary_join_element_wise(
        _slugs(first, vocab), ".", _slugs(last, vocab), suffix, "@", domain, ""
    )


def _ssn(rng: np.random.Generator, n: int) -> pa.Array:
    """US SSNs in the issued ranges (area 001-899 but 666, group 01-99, serial 0001-9999)."""
    area = rng.integers(1, 899, n)
    area = np.where(area == 666, 667, area)
    group, serial = rng.integers(1, 100, n), rng.integers(1, 10_000, n)
    text = [f"{a:03d}-{g:02d}-{s:04d}" for a, g, s in zip(area, group, serial, strict=True)]
    return pa.array(text, pa.string())


def _card_numbers(rng: np.random.Generator, n: int) -> pa.Array:
    """16-digit numbers starting with 4 that pass the Luhn check."""
    digits = np.concatenate([np.full((n, 1), 4), rng.integers(0, 10, (n, 14))], axis=1)
    doubled = digits[:, ::-1][:, 0::2] * 2
    total = (doubled - 9 * (doubled > 9)).sum(axis=1) + digits[:, ::-1][:, 1::2].sum(axis=1)
    check = (10 - total % 10) % 10
    full = np.concatenate([digits, check[:, None]], axis=1)
    return pa.array(["".join(map(str, row)) for row in full], pa.string())
