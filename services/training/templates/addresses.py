"""Address and phone fields, written from the row's place (see :mod:`places`).

Every address-like field of a row reads the same place index, drawn once per chunk of a
table, so a row's city, state, postal code, full address and phone area code agree with
each other whichever of them a table has. A context without one (a caller that fills a
few columns by hand) draws it on first use and keeps it, so its columns agree too.
"""

from __future__ import annotations

import string
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from common.contracts.template_schema import FieldSpec
from services.training.templates import strings
from services.training.templates.places import Places
from services.training.templates.vocab import Vocabulary

# How a street address writes its numbers: a US house number, a German or French street
# number, a Japanese chōme or gō.
_NUMBERS = {"house": (1, 9999), "small": (1, 199), "tiny": (1, 30)}


class RowContext(Protocol):
    """What the generators here read: a chunk's random generator, size, vocabulary and place."""

    rng: np.random.Generator
    vocab: Vocabulary
    place: np.ndarray | None

    @property
    def n(self) -> int: ...


def place_index(ctx: RowContext, places: Places) -> np.ndarray:
    """The row's place, one per row of the chunk: shared by every field that reads it."""
    if ctx.place is None:
        ctx.place = ctx.rng.integers(0, len(places), ctx.n)
    return ctx.place


def _pick(values: pa.Array, ctx: RowContext) -> pa.Array:
    return values.take(pa.array(ctx.rng.integers(0, len(values), ctx.n)))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _split_format(text: str) -> list[tuple[str, str]]:
    """'{a}, {b}!' -> [('', 'a'), (', ', 'b'), ('!', '')]."""
    return [(literal, name or "") for literal, name, _, _ in string.Formatter().parse(text)]


def cities(ctx: RowContext) -> pa.Array:
    places = ctx.vocab.places
    if places is None or places.cities is None:
        return _pick(ctx.vocab.cities, ctx)
    return places.cities.take(pa.array(place_index(ctx, places)))


def states(ctx: RowContext) -> pa.Array:
    places = ctx.vocab.places
    if places is None:
        return _pick(ctx.vocab.states, ctx)
    return places.states.take(pa.array(place_index(ctx, places)))


def postal_codes(ctx: RowContext) -> pa.Array:
    places = ctx.vocab.places
    if places is None:
        return _pick(ctx.vocab.postal_codes, ctx)
    place = place_index(ctx, places)
    low, high = places.postal_low[place], places.postal_high[place]
    numbers = low + (ctx.rng.random(ctx.n) * (high - low + 1)).astype(np.int64)
    codes = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), places.postal_digits, "0")
    if not places.postal_dash:
        return codes
    dash = places.postal_dash
    return _join(pc.utf8_slice_codeunits(codes, 0, dash), "-", pc.utf8_slice_codeunits(codes, dash))


def _area_codes(ctx: RowContext) -> pa.Array:
    """One of the area codes of the row's place, or of the locale's mobile prefixes where
    its places have none (a mobile number says nothing about where one lives)."""
    places = ctx.vocab.places
    if places is None or places.area_codes is None or places.area_offsets is None:
        return _pick(pa.array(ctx.vocab.style.phone_prefixes, pa.string()), ctx)
    place = place_index(ctx, places)
    start, end = places.area_offsets[place], places.area_offsets[place + 1]
    index = start + (ctx.rng.random(ctx.n) * (end - start)).astype(np.int64)
    return places.area_codes.take(pa.array(index))


def fill_digits(pattern: str, rng: np.random.Generator, n: int) -> pa.Array:
    """``pattern`` with each '#' a random digit and each 'N' a digit from 2 to 9 (a North
    American exchange never starts with 0 or 1)."""
    chars = np.array([ord(c) for c in pattern], dtype=np.uint32)
    matrix = np.tile(chars, (n, 1))
    for slot, low in (("#", 0), ("N", 2)):
        columns = np.flatnonzero(chars == ord(slot))
        if len(columns):
            matrix[:, columns] = ord("0") + rng.integers(low, 10, (n, len(columns)))
    return strings.from_codepoints(matrix)


def gen_phone(spec: FieldSpec, ctx: RowContext) -> pa.Array:
    """One format per column: the template's ``format``, or the locale's own."""
    if spec.format:
        return strings.fill_patterns([spec.format], ctx.rng, ctx.n)
    parts: list[pa.Array | str] = []
    for literal, name in _split_format(ctx.vocab.style.phone_format):
        if literal:
            parts.append(fill_digits(literal, ctx.rng, ctx.n))
        if name == "prefix":
            parts.append(_area_codes(ctx))
    return _join(*parts)


def gen_postal_code(spec: FieldSpec, ctx: RowContext) -> pa.Array:
    if spec.format:
        return strings.fill_patterns([spec.format], ctx.rng, ctx.n)
    return postal_codes(ctx)


def gen_street_address(spec: FieldSpec, ctx: RowContext) -> pa.Array:
    street = _pick(ctx.vocab.street_names, ctx)
    parts: list[pa.Array | str] = []
    for literal, name in _split_format(ctx.vocab.style.street_format):
        if literal:
            parts.append(literal)
        if name == "street":
            parts.append(street)
        elif name:
            low, high = _NUMBERS[name]
            parts.append(pc.cast(pa.array(ctx.rng.integers(low, high + 1, ctx.n)), pa.string()))
    return _join(*parts)


def gen_address(spec: FieldSpec, ctx: RowContext) -> pa.Array:
    pieces = {
        "street_address": lambda: gen_street_address(spec, ctx),
        "city": lambda: cities(ctx),
        "state": lambda: states(ctx),
        "postal_code": lambda: postal_codes(ctx),
    }
    parts: list[pa.Array | str] = []
    for literal, name in _split_format(ctx.vocab.style.address_format):
        if literal:
            parts.append(literal)
        if name:
            parts.append(pieces[name]())
    return _join(*parts)


def gen_city(spec: FieldSpec, ctx: RowContext) -> pa.Array:
    return cities(ctx)


def gen_state(spec: FieldSpec, ctx: RowContext) -> pa.Array:
    return states(ctx)
