"""Durations written as clock readings (a runner's `38:31:00`, `1:02:03`): hours past 23
are no time of day. Ingestion stores them as whole seconds (numbers that engines learn and
the report scores as numbers); downloads write them back in the column's form.

A form is the column's fields joined by colons: `h:mm:ss` or `h:mm`, with `hh` where the
first field is written with a leading zero (`07:42:12`), and `00` for a last field that is
(nearly) always `00` (whole minutes written `38:31:00`: new values are rounded to them).
Values with a field fewer than the form (`22:07` among `38:31:00`) are read from the first
field on, as `22:07:00`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Field metadata of a stored or synthetic column of seconds: its written form (b"h:mm:ss").
DURATION_FORMAT_KEY = b"duration_format"
FORMS = ("h:mm:ss", "hh:mm:ss", "h:mm:00", "hh:mm:00", "h:mm", "hh:mm")
# Two or three fields: the first of any digits, the others two digits below 60.
PATTERN = r"^(?P<h>\d+):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$"


def duration_format(field: pa.Field) -> str | None:
    """The written form of a column of seconds, from its field metadata."""
    raw = (field.metadata or {}).get(DURATION_FORMAT_KEY)
    form = raw.decode() if raw else None
    return form if form in FORMS and pa.types.is_integer(field.type) else None


def to_seconds(text: pa.Array) -> pa.Array:
    """Whole seconds of texts that match `PATTERN` (null stays null)."""
    parts = pc.extract_regex(text, PATTERN)
    hours, minutes, last = (pc.struct_field(parts, name) for name in ("h", "m", "s"))
    seconds = pc.if_else(pc.equal(last, ""), "0", last)
    hours, minutes, seconds = (pc.cast(part, pa.int64()) for part in (hours, minutes, seconds))
    return pc.add(pc.add(pc.multiply(hours, 3600), pc.multiply(minutes, 60)), seconds)


def written(seconds: pa.Array, form: str) -> pa.Array:
    """Seconds written in ``form`` (a form without seconds rounds to the minute)."""
    whole = pc.cast(seconds, pa.int64())
    if not form.endswith(":ss"):  # whole minutes
        whole = pc.multiply(pc.round(pc.divide(pc.cast(whole, pa.float64()), 60.0)), 60)
        whole = pc.cast(whole, pa.int64())
    sign = pc.if_else(pc.less(whole, 0), "-", "")
    size = pc.abs(whole)
    hours = pc.cast(pc.divide(size, 3600), pa.string())
    if form.startswith("hh"):
        hours = pc.utf8_lpad(hours, width=2, padding="0")
    minutes = _two_digits(
        pc.divide(pc.subtract(size, pc.multiply(pc.divide(size, 3600), 3600)), 60)
    )
    fields = [sign, hours, ":", minutes]
    if form.endswith(":ss"):
        fields += [":", _two_digits(pc.subtract(size, pc.multiply(pc.divide(size, 60), 60)))]
    elif form.endswith(":00"):
        fields.append(":00")
    text = pc.binary_join_element_wise(*fields, "")
    return pc.if_else(pc.is_null(seconds), pa.scalar(None, pa.string()), text)


def _two_digits(numbers: pa.Array) -> pa.Array:
    return pc.utf8_lpad(pc.cast(numbers, pa.string()), width=2, padding="0")
