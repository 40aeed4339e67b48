"""How big a schema may make the work: every option that can make generation grow is capped.

A schema is hostile input: one string field with ``regex: "[a-z]{1000000000}"`` asks for a
billion characters per row. Validation bounds, before any work, the length of every value a
field can produce (its type, ``max``, ``regex``, ``format``, categories, the words of a
``text``, the literals and functions of a derivation, the fields it reads) and the width of
a row; generation then sizes its chunks so that one chunk holds at most ``CHUNK_CHARS``
characters, whatever the schema.
"""

from __future__ import annotations

# The longest value one field may produce, in characters.
MAX_VALUE_LENGTH = 10_000
# The most characters one row of a table may produce (all its fields, hidden ones included).
MAX_ROW_LENGTH = 100_000
# A regex or a '#'/'?' format, as written.
MAX_PATTERN_LENGTH = 1_000
# The largest count of one regex quantifier ({n}, {m,n}).
MAX_REPEAT = 10_000
# Generation steps of a regex: every literal, class and group, times the repetitions around it.
MAX_REGEX_STEPS = 10_000
# How deeply regex groups, or the operations of a derived field, may nest.
MAX_NESTING = 50
# Words of a ``text`` field.
MAX_WORDS = 1_000
# Numbers that reach numpy as 64-bit integers: bounds, sequence start and step.
MAX_ABS_INT = 2**62
# A Poisson rate; larger ones are a normal distribution anyway and overflow int64 draws.
MAX_POISSON_LAM = 1e12
# Decimal places a float field may round to.
MAX_DECIMALS = 15
# Any value that is not text (number, date, bool, uuid) written as text.
SCALAR_LENGTH = 40
# Characters one generated chunk may hold (the bound of a row times its rows); wide rows
# get fewer rows per chunk. 100,000 rows of every built-in template fit (the widest, company
# in de_DE, is bounded by 1,054 characters a row; its actual rows are a third of that).
CHUNK_CHARS = 128 * 1024 * 1024
# Code points one string matrix may hold (rows times width) before it is built in slices.
MAX_MATRIX_CELLS = 4 * 1024 * 1024
