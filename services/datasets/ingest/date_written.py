"""How a date column writes its numbers: with leading zeros (`01/05/2013`) or without
(`1/5/2013`, `Jan 1 2000`, `8:05`), so a download writes them as the file did.

For a format that fits every value, the written variants are the format with each of its
day, month and hour codes padded or not (``%-d``: `common.date_formats`); a variant stays
while it writes every value exactly as the text is. The padded one is first, so a file
whose values never tell (every day and month of two digits) keeps the plain format.
"""

from __future__ import annotations

import itertools

import pyarrow as pa
import pyarrow.compute as pc

from common.date_formats import UNPADDED_CODES, strftime

_PROBE = 256


def variants(fmt: str) -> list[str]:
    """``fmt`` with every combination of its day/month/hour codes unpadded, padded first."""
    codes = [c for c in UNPADDED_CODES if f"%{c}" in fmt]
    found = []
    for unpadded in itertools.product((False, True), repeat=len(codes)):
        variant = fmt
        for code, drop in zip(codes, unpadded, strict=True):
            if drop:
                variant = variant.replace(f"%{code}", f"%-{code}")
        found.append(variant)
    return found


def narrowed(written: list[str], fmt: str, values: pa.Array) -> list[str]:
    """The variants of ``written`` (of ``fmt``) that write every value of ``values`` as it
    is written; ``values`` are non-null texts that ``fmt`` parses."""
    if len(written) < 2 or "%z" in fmt:
        return written
    # The first values rule out most variants (any zero-padded day does): a probe first, so
    # a batch pays for one or two full writes.
    for sample in (values[:_PROBE], values):
        parsed = pc.strptime(sample, format=fmt, unit="s")
        written = [v for v in written if pc.all(pc.equal(strftime(parsed, v), sample)).as_py()]
        if len(written) < 2:
            break
    return written
