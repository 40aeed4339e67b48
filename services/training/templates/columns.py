"""Column generators: one vectorized function per field type.

Every generator gets the global row numbers of the chunk it fills and a generator
seeded for (table, chunk, field). Key-like values (sequences, unique integers, UUIDs)
depend only on the row number and a per-field key, so a foreign key can recompute the
parent's key for any parent row without keeping the parent table in memory.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from common.contracts.template_schema import FieldSpec
from common.moments import parse_moment
from services.training.templates import addresses, strings
from services.training.templates.expressions import slugify
from services.training.templates.vocab import Vocabulary

_EPOCH = dt.date(1970, 1, 1)
_U64 = np.uint64


@dataclass
class FieldContext:
    """Everything a generator may use for one chunk of one field."""

    rng: np.random.Generator
    rows: np.ndarray
    vocab: Vocabulary
    reference_date: dt.date
    key: int
    # The row's place (see addresses.place_index): drawn once per chunk and shared by its
    # address-like fields; None: drawn at first use and kept.
    place: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.rows)


# --- keyed, index-addressable values ----------------------------------------------------


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: a fast, well-spread 64-bit hash (wraps around on purpose)."""
    z = z + _U64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


def permute(index: np.ndarray, size: int, key: int) -> np.ndarray:
    """A keyed bijection of ``[0, size)``: distinct inputs give distinct outputs.

    A 4-round Feistel network on the next even power of two, with cycle walking for
    values that land outside the range; memory is O(chunk), whatever ``size`` is.
    """
    bits = max(2, (size - 1).bit_length())
    half = (bits + 1) // 2
    mask = _U64((1 << half) - 1)
    shift = _U64(half)
    keys = [_U64((key * 0x2545F4914F6CDD1D + r * 0x9E3779B97F4A7C15) % 2**64) for r in range(4)]

    def feistel(v: np.ndarray) -> np.ndarray:
        left, right = v >> shift, v & mask
        for round_key in keys:
            left, right = right, left ^ (_mix(right ^ round_key) & mask)
        return (left << shift) | right

    out = feistel(index.astype(_U64))
    outside = out >= _U64(size)
    while outside.any():
        out[outside] = feistel(out[outside])
        outside = out >= _U64(size)
    return out.astype(np.int64)


def uuid_strings(rows: np.ndarray, key: int) -> pa.Array:
    """RFC 4122 version-4 shaped UUIDs derived from (key, row)."""
    seed = rows.astype(_U64) ^ _U64(key % 2**64)
    high = _mix(seed)
    low = _mix(high ^ _U64(0xD1B54A32D192ED03))
    raw = np.stack([high, low], axis=1).astype(">u8").view(np.uint8).reshape(-1, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hex_digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8).astype(np.uint32)
    nibbles = np.stack([raw >> 4, raw & 0x0F], axis=2).reshape(-1, 32)
    chars = hex_digits[nibbles]
    dash = np.full((len(rows), 1), ord("-"), dtype=np.uint32)
    parts = [chars[:, :8], dash, chars[:, 8:12], dash, chars[:, 12:16], dash]
    parts += [chars[:, 16:20], dash, chars[:, 20:]]
    return strings.from_codepoints(np.concatenate(parts, axis=1))


def is_key_field(spec: FieldSpec) -> bool:
    """Whether a field's values are a function of the row number alone (FK targets)."""
    if spec.derive or spec.template or spec.foreign_key or spec.null_rate:
        return False
    if spec.type == "uuid":
        return True
    return spec.type == "int" and (spec.distribution == "sequence" or spec.unique)


def key_values(spec: FieldSpec, rows: np.ndarray, key: int) -> pa.Array:
    """The values of key field ``spec`` at table rows ``rows``."""
    if spec.type == "uuid":
        return uuid_strings(rows, key)
    if spec.distribution == "sequence":
        start, step = int(spec.params.get("start", 1)), int(spec.params.get("step", 1))
        return pa.array(start + rows * step)
    low, high = int_bounds(spec)
    return pa.array(low + permute(rows, high - low + 1, key))


# --- bounds -----------------------------------------------------------------------------


def int_bounds(spec: FieldSpec) -> tuple[int, int]:
    low = 0 if spec.min is None else math.ceil(float(spec.min))
    high = low + 1_000_000 if spec.max is None else math.floor(float(spec.max))
    return low, high


def date_bounds(spec: FieldSpec, reference: dt.date) -> tuple[int, int]:
    """Inclusive bounds in days (date) or seconds (datetime) since 1970-01-01."""
    low = parse_moment(spec.min if spec.min is not None else "today-5y", reference)
    high = parse_moment(spec.max if spec.max is not None else "today", reference)
    unit = 86_400 if spec.type == "date" else 1
    epoch = dt.datetime.combine(_EPOCH, dt.time())
    return (
        math.floor((low - epoch).total_seconds() / unit),
        math.floor((high - epoch).total_seconds() / unit),
    )


# --- numeric distributions --------------------------------------------------------------


def _param(spec: FieldSpec, name: str, default: float) -> float:
    return float(spec.params.get(name, default))


def _draw_numbers(spec: FieldSpec, ctx: FieldContext) -> np.ndarray:
    rng, n = ctx.rng, ctx.n
    kind = spec.distribution or "uniform"
    if kind == "normal":
        return rng.normal(_param(spec, "mean", 0.0), _param(spec, "std", 1.0), n)
    if kind == "lognormal":
        return rng.lognormal(_param(spec, "mean", 0.0), _param(spec, "sigma", 1.0), n)
    if kind == "poisson":
        return rng.poisson(_param(spec, "lam", 1.0), n).astype(np.float64)
    if kind == "exponential":
        return rng.exponential(_param(spec, "scale", 1.0), n)
    if spec.type == "int":
        low, high = int_bounds(spec)
        return rng.integers(low, high + 1, n).astype(np.float64)
    low = 0.0 if spec.min is None else float(spec.min)
    high = low + 1.0 if spec.max is None else float(spec.max)
    return rng.uniform(low, high, n)


def _clip(spec: FieldSpec, values: np.ndarray) -> np.ndarray:
    low = -np.inf if spec.min is None else float(spec.min)
    high = np.inf if spec.max is None else float(spec.max)
    return np.clip(values, low, high)


def gen_int(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    if is_key_field(spec) or spec.distribution == "sequence":
        return key_values(spec, ctx.rows, ctx.key)
    values = np.rint(_clip(spec, _draw_numbers(spec, ctx)))
    if spec.min is not None or spec.max is not None:
        low, high = int_bounds(spec)
        values = np.clip(values, low, high)
    return pa.array(values.astype(np.int64))


def gen_float(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    values = _clip(spec, _draw_numbers(spec, ctx))
    if "decimals" in spec.params:
        values = np.round(values, int(spec.params["decimals"]))
    return pa.array(values)


def gen_bool(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    return pa.array(ctx.rng.random(ctx.n) < _param(spec, "p", 0.5))


def gen_category(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    categories = pa.array(spec.categories)
    if spec.unique:
        return categories.take(pa.array(permute(ctx.rows, len(categories), ctx.key)))
    if spec.weights:
        weights = np.asarray(spec.weights, dtype=np.float64)
        index = ctx.rng.choice(len(categories), ctx.n, p=weights / weights.sum())
    else:
        index = ctx.rng.integers(0, len(categories), ctx.n)
    return categories.take(pa.array(index))


def gen_moment(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    low, high = date_bounds(spec, ctx.reference_date)
    if spec.unique:
        values = low + permute(ctx.rows, high - low + 1, ctx.key)
    else:
        values = ctx.rng.integers(low, high + 1, ctx.n)
    if spec.type == "date":
        result = pa.array(values.astype(np.int32), pa.date32())
    else:
        result = pa.array(values * 1_000_000, pa.timestamp("us"))
    if spec.format:
        return pc.strftime(result, format=spec.format)
    return result


# --- strings ----------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# 26**13 still fits the 64-bit permutation domain.
MAX_UNIQUE_STRING_LENGTH = 13


def _pick(values: pa.Array, ctx: FieldContext) -> pa.Array:
    return values.take(pa.array(ctx.rng.integers(0, len(values), ctx.n)))


def string_lengths(spec: FieldSpec) -> tuple[int, int]:
    """The shortest and longest length of a plain random string field."""
    low = 8 if spec.min is None else int(spec.min)
    return low, max(low, 12) if spec.max is None else int(spec.max)


def gen_string(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    if spec.regex:
        return strings.generate_regex(spec.regex, ctx.rng, ctx.n)
    if spec.format:
        return strings.fill_patterns([spec.format], ctx.rng, ctx.n)
    low, high = string_lengths(spec)
    if spec.unique:
        size = len(_LETTERS) ** high
        return strings.encode_index(permute(ctx.rows, size, ctx.key), _LETTERS, high)
    lengths = ctx.rng.integers(low, high + 1, ctx.n)
    alphabet = np.array([ord(c) for c in _LETTERS], dtype=np.uint32)
    return strings.random_strings(alphabet, ctx.rng, lengths)


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _slug(values: pa.Array, vocab: Vocabulary) -> pa.Array:
    encoded = pc.dictionary_encode(values)
    slugs = [slugify(v, vocab.translit) for v in encoded.dictionary.to_pylist()]
    return pa.array(slugs, pa.string()).take(encoded.indices)


def _unique_suffix(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    if spec.unique:
        return pc.cast(pa.array(ctx.rows + 1), pa.string())
    return pc.cast(pa.array(ctx.rng.integers(1, 100, ctx.n)), pa.string())


def gen_email(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    first = _slug(_pick(ctx.vocab.first_names, ctx), ctx.vocab)
    last = _slug(_pick(ctx.vocab.last_names, ctx), ctx.vocab)
    domain = _pick(ctx.vocab.email_domains, ctx)
    return _join(first, ".", last, _unique_suffix(spec, ctx), "@", domain)


def gen_username(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    first = _slug(_pick(ctx.vocab.first_names, ctx), ctx.vocab)
    last = _slug(_pick(ctx.vocab.last_names, ctx), ctx.vocab)
    return _join(pc.utf8_slice_codeunits(first, 0, 1), last, _unique_suffix(spec, ctx))


def gen_name(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    first, last = _pick(ctx.vocab.first_names, ctx), _pick(ctx.vocab.last_names, ctx)
    if ctx.vocab.family_name_first:
        return pc.binary_join_element_wise(last, first, " ")
    return pc.binary_join_element_wise(first, last, " ")


def gen_text(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    low = int(spec.params.get("min_words", 4))
    high = int(spec.params.get("max_words", 12))
    counts = ctx.rng.integers(low, high + 1, ctx.n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    words = ctx.vocab.words.take(pa.array(ctx.rng.integers(0, len(ctx.vocab.words), offsets[-1])))
    sentences = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), words), " ")
    return _join(pc.utf8_capitalize(sentences), ".")


def gen_url(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    company = _slug(_pick(ctx.vocab.companies, ctx), ctx.vocab)
    return _join("https://www.", company, "." + ctx.vocab.tld)


def gen_ipv4(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    octets = [pc.cast(pa.array(ctx.rng.integers(1, 255, ctx.n)), pa.string()) for _ in range(4)]
    return pc.binary_join_element_wise(*octets, ".")


def _vocab_field(attribute: str) -> Callable[[FieldSpec, FieldContext], pa.Array]:
    def generate(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
        return _pick(getattr(ctx.vocab, attribute), ctx)

    return generate


def gen_country(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    return pa.repeat(pa.scalar(ctx.vocab.country), ctx.n)


def gen_uuid(spec: FieldSpec, ctx: FieldContext) -> pa.Array:
    return uuid_strings(ctx.rows, ctx.key)


GENERATORS: dict[str, Callable[[FieldSpec, FieldContext], pa.Array]] = {
    "int": gen_int,
    "float": gen_float,
    "bool": gen_bool,
    "category": gen_category,
    "date": gen_moment,
    "datetime": gen_moment,
    "string": gen_string,
    "uuid": gen_uuid,
    "email": gen_email,
    "username": gen_username,
    "name": gen_name,
    "first_name": _vocab_field("first_names"),
    "last_name": _vocab_field("last_names"),
    "phone": addresses.gen_phone,
    "address": addresses.gen_address,
    "street_address": addresses.gen_street_address,
    "city": addresses.gen_city,
    "state": addresses.gen_state,
    "postal_code": addresses.gen_postal_code,
    "country": gen_country,
    "company": _vocab_field("companies"),
    "job_title": _vocab_field("jobs"),
    "word": _vocab_field("words"),
    "text": gen_text,
    "url": gen_url,
    "ipv4": gen_ipv4,
}

FIELD_TYPES = frozenset(GENERATORS)
DISTRIBUTIONS = frozenset(
    {"uniform", "normal", "lognormal", "poisson", "exponential", "sequence", "weighted"}
)


def arrow_type(spec: FieldSpec) -> pa.DataType:
    """The Arrow type a field is written with."""
    if spec.type in ("date", "datetime") and spec.format:
        return pa.string()
    if spec.type == "category" and spec.categories:
        return pa.array(spec.categories).type
    return {
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us"),
    }.get(spec.type, pa.string())
