"""Per-column semantic types (sdtypes), PII kinds and a primary-key candidate.

SDV's detection (column names, cardinality) is the base; our value checks (regexes, date
formats, yes/no booleans) override it where they are sure. The models are plain pydantic
so they serialise to JSON for storage.

Rules of our own, each a correction of what SDV's detection got wrong on public tables:

- Coded categories: a numerical column with at most `CategoricalRule.max_distinct` (10)
  distinct values, and at most `max_share` (5 %) as many distinct values as values, is
  categorical (grades 1-5, class codes, 0/1 flags, shipping tariffs 4.95/6.90, discount steps
  12.5 %); so is any numerical column with two distinct values. The thresholds are settings
  of the datasets service; a user changes one column back with `updateDatasetMetadata`.
- PII by column name is conservative: a column named like a person's name is PII only when
  its values look like people's names (capitalised words, and first names a name vocabulary
  knows), so product or model names stay categorical. Phone numbers (with extensions) and
  SSNs are recognised by their values, and phone columns also by their name; values that
  look like phones but rise down the file (`17-000224`) are a running number. A `city` or
  `town` column whose every value is shared by `SHARED_PLACE_ROWS` rows or more is a
  dimension of the table (the 46 cities of a housing-market panel), not where a person
  lives: categorical, its real values kept.
- A text column named like an id (`test_id`) whose commonest value is in more than half of
  its rows is a label, categorical: ids made anew for it would be invented values.
- A primary key is a column we type `id` (an id-like name, or UUID values) and unique: SDV's
  guess of any unique number (a sales count) is not taken.
"""

from __future__ import annotations

import functools
import importlib
import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from common.date_formats import parsing_format

from .errors import MetadataError
from .running import is_running
from .sdv_detection import SdvDetection
from .typing_rules import DATETIME_FORMATS

logger = logging.getLogger(__name__)

PII_KINDS = frozenset(
    {
        "email", "phone_number", "name", "first_name", "last_name", "address", "city",
        "postal_code", "country", "ip_address", "credit_card_number", "ssn", "url",
    }
)  # fmt: skip
SDTYPES = frozenset({"numerical", "categorical", "boolean", "datetime", "id"}) | PII_KINDS
BOOLEAN_WORDS = frozenset({"yes", "no", "true", "false", "y", "n", "t", "f"})
VALUE_PATTERNS = (
    ("email", re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")),
    ("url", re.compile(r"^https?://\S+$", re.IGNORECASE)),
    ("id", re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)),
    (
        "ip_address",  # IPv6: eight groups, or fewer around "::" (no time of day, `11:38:36`)
        re.compile(
            r"^(\d{1,3}\.){3}\d{1,3}$|^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$|^(?=.*::)[0-9a-f:]{2,39}$",
            re.IGNORECASE,
        ),
    ),
    ("ssn", re.compile(r"^\d{3}-\d{2}-\d{4}$")),
    ("credit_card_number", re.compile(r"^(\d{4}[ -]?){3}\d{1,7}$")),
    # National and international numbers, with an extension (Faker's en_US writes them so).
    (
        "phone_number",
        re.compile(r"^\+?\(?\d[\d\s().-]{6,18}\d(\s*(x|ext\.?)\s*\d{1,6})?$", re.I),
    ),
)
# Kinds whose column name alone decides (their values have no shape of their own).
NAME_HINTS = (
    ("address", re.compile(r"address|street", re.I)),
    ("postal_code", re.compile(r"^(zip|postal|post)[ _-]?(code)?$", re.I)),
    ("city", re.compile(r"^(city|town)$", re.I)),
    ("ssn", re.compile(r"^ssn$|social[ _-]?security", re.I)),
)
# Kinds that a column name suggests, and the values must confirm (see _looks_like_names).
# Headers of the locales in _NAME_LOCALES too (a German shop's "Kunde", a French form's
# "nom" and "prénom"); a header that may be a first name or a whole name ("nombre") is tried
# as both.
PERSON_NAME_HINTS = (
    (
        "first_name",
        re.compile(
            r"^(first|given|fore)[ _-]?name$|^(vorname|pr[ée]nom|nombre|nome|voornaam)$", re.I
        ),
    ),
    (
        "last_name",
        re.compile(
            r"^(last|family|sur)[ _-]?name$"
            r"|^(nachname|familienname|nom|apellidos?|cognome|sobrenome|achternaam)$",
            re.I,
        ),
    ),
    (
        "name",
        re.compile(
            r"^(full[ _-]?|customer[ _-]?|person[ _-]?|contact[ _-]?)?name$"
            r"|^(kunde|kundin|kundenname|nom[ _-]complet|nombre([ _-]completo)?"
            r"|nome([ _-]completo)?|naam|cliente|client)$",
            re.I,
        ),
    ),
)
PHONE_NAME = re.compile(r"phone|mobile|^tel(ephone)?$|^fax$|^cell", re.I)
# A person's name: one to four capitalised words (letters, apostrophes, hyphens, dots).
_NAME_WORD = r"[^\W\d_][^\W\d_'\u2019.-]*(['\u2019.-][^\W\d_]*)*\.?"
PERSON_NAME = re.compile(rf"^{_NAME_WORD}( {_NAME_WORD}){{0,3}}$")
INITIAL = re.compile(r"[^\W\d_]\.?")
# Share of distinct values whose first word a first-name vocabulary must know, for a column
# named like a person's name to be one.
KNOWN_FIRST_NAME_SHARE = 0.3
# Surname headers that name anything as well (French "nom": a product's, a town's): their
# values must be surnames a vocabulary knows, in the share above.
AMBIGUOUS_LAST_NAME = re.compile(r"^nom$", re.I)
_NAME_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "ja_JP")
# Unique values written like this (no spaces) are codes: ids, not labels.
CODE = re.compile(r"[\w-]{1,32}")
ID_NAME = re.compile(r"(^|_)id$|Id$|^ID$")
# A capitalised word with no digit ("Integra", "LeSabre", "Grand_Prix"): a name. Codes are
# upper case, or carry digits (SEA, N14228, aardsda01); unique names written without spaces
# (Cars93's car models) are labels, not ids, in at least this share of the values.
CAPITALISED = re.compile(r"^[^\d]*[A-Z][a-z]{2,}[^\d]*$")
CAPITALISED_SHARE = 0.5
MATCH_SHARE = 0.9
# An id names one row, or a few rows each; a text value in more than this share of the rows
# is a label, whatever the column's name (covid_testing's `test_id`: `covid` in 1,999 of
# 2,000 rows, which generation made anew as `covid4`).
LABEL_SHARE = 0.5
# Rows every value of a place column must be in for the place to be no one's own: the same
# count below which mostlyai's rare-category protection hides a value.
SHARED_PLACE_ROWS = 5


@dataclass(frozen=True)
class CategoricalRule:
    """When a numerical column is typed categorical (see the module docstring)."""

    max_distinct: int = 10
    max_share: float = 0.05

    def applies(self, values: pd.Series) -> bool:
        present = values.dropna()
        distinct = present.nunique()
        if distinct == 0:
            return False
        if distinct <= 2:
            return True
        # Whole or not: a few prices or discount steps are levels too, and learned as
        # continuous they came back as prices between the real ones.
        return distinct <= self.max_distinct and distinct <= self.max_share * len(present)


class ColumnMetadata(BaseModel):
    sdtype: str
    datetime_format: str | None = None
    pii: bool = False


class DatasetMetadata(BaseModel):
    columns: dict[str, ColumnMetadata]
    primary_key: str | None = None
    # The column every report predicts for ML utility; None lets the report choose.
    target_column: str | None = None
    # The token the upload wrote for a missing value (`NA`, `?`), which CSV downloads
    # write too; None: an empty cell. Found at ingestion, never changed by an update.
    missing_value: str | None = None


class ColumnUpdate(BaseModel):
    sdtype: str
    datetime_format: str | None = None
    pii: bool | None = None


class MetadataUpdate(BaseModel):
    """What the user changes: some columns, and optionally the primary key and the target
    column ("" clears either)."""

    columns: dict[str, ColumnUpdate] = Field(default_factory=dict)
    primary_key: str | None = None
    target_column: str | None = None


def _datetime_format(values: pd.Series) -> str | None:
    # Each distinct value parsed once: a sample repeats most of its values.
    distinct = pd.Series(values.unique())
    for fmt in DATETIME_FORMATS:
        parsed = pd.to_datetime(distinct, format=fmt, errors="coerce")
        if parsed.notna().all():
            return fmt
    return None


def _matches(values: pd.Series, pattern: re.Pattern[str]) -> bool:
    """Whether at least MATCH_SHARE of the values match; each distinct value is matched
    once (a Python call per value of a 50,000-row sample was most of the metadata's time)."""
    counts = values.value_counts(sort=False, dropna=False)
    total = int(counts.sum())
    if total == 0:
        return False
    hits = np.fromiter((bool(pattern.match(v)) for v in counts.index), bool, len(counts))
    return int(counts.to_numpy()[hits].sum()) / total >= MATCH_SHARE


@functools.cache
def _first_names() -> frozenset[str]:
    """First names of Faker's person providers in several locales, lower-cased."""
    return _vocabulary(("first_names", "first_names_female", "first_names_male"))


@functools.cache
def _last_names() -> frozenset[str]:
    """Last names of Faker's person providers in several locales, lower-cased."""
    return _vocabulary(("last_names",))


def _vocabulary(attributes: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for locale in _NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError:
            continue
        for attribute in attributes:
            values = getattr(provider, attribute, ())
            names.update(str(v).lower() for v in values)
    return frozenset(names)


def _looks_like_names(kind: str, values: pd.Series, header: str) -> bool:
    """Whether a column named like `kind` holds people's names: capitalised words, single
    words for first and last names, and (except for last names under a header that names
    only people) first words that a first-name vocabulary knows."""
    distinct = pd.Series(values.unique())
    if distinct.empty or not _matches(distinct, PERSON_NAME):
        return False
    words = distinct.str.split()
    # A given name may carry a middle initial ("Cesar A."): initials are not counted.
    if kind in ("first_name", "last_name") and words.map(_full_words).mean() > 1.5:
        return False
    if kind == "last_name":
        if AMBIGUOUS_LAST_NAME.search(header):
            known_last = _last_names()
            return distinct.str.lower().isin(known_last).mean() >= KNOWN_FIRST_NAME_SHARE
        return True
    known = _first_names()
    return words.map(lambda w: w[0].lower() in known or w[-1].lower() in known).mean() >= (
        KNOWN_FIRST_NAME_SHARE
    )


def _shared_places(values: pd.Series) -> bool:
    counts = values.value_counts()
    return len(counts) >= 2 and int(counts.min()) >= SHARED_PLACE_ROWS


def _full_words(words: list[str]) -> int:
    return sum(not INITIAL.fullmatch(word) for word in words)


def _is_code(values: pd.Series) -> bool:
    if not (values.is_unique and values.str.fullmatch(CODE).all()):
        return False
    return not len(values) or values.str.match(CAPITALISED).mean() < CAPITALISED_SHARE


def _one_value_mostly(values: pd.Series) -> bool:
    """Whether one value fills more than `LABEL_SHARE` of the present values."""
    counts = values.value_counts()
    return len(counts) > 0 and int(counts.iloc[0]) > LABEL_SHARE * len(values)


def _text_column(name: str, values: pd.Series, sdv_type: str | None) -> ColumnMetadata:
    values = values.astype(str).str.strip()
    if len(values) and set(values.str.lower().unique()) <= BOOLEAN_WORDS and values.nunique() <= 2:
        return ColumnMetadata(sdtype="boolean")
    date_format = _datetime_format(values) if len(values) else None
    if date_format:
        return ColumnMetadata(sdtype="datetime", datetime_format=date_format)
    for kind, pattern in VALUE_PATTERNS:
        if len(values) and _matches(values, pattern):
            if kind == "phone_number" and not PHONE_NAME.search(name) and is_running(values):
                return ColumnMetadata(sdtype="id")
            return ColumnMetadata(sdtype=kind, pii=kind in PII_KINDS)
    for kind, pattern in NAME_HINTS:
        if pattern.search(name):
            if kind == "city" and _shared_places(values):
                return ColumnMetadata(sdtype="categorical")
            return ColumnMetadata(sdtype=kind, pii=True)
    for kind, pattern in PERSON_NAME_HINTS:
        if pattern.search(name) and _looks_like_names(kind, values, name):
            return ColumnMetadata(sdtype=kind, pii=True)
    if sdv_type == "id" and _one_value_mostly(values):
        return ColumnMetadata(sdtype="categorical")
    if sdv_type == "id" and not (ID_NAME.search(name) or _is_code(values)):
        # SDV calls any unique text an id; unless it is named like one or written like a
        # code (airport codes, SKUs), it is free text: product names, titles.
        return ColumnMetadata(sdtype="categorical")
    if sdv_type in SDTYPES and sdv_type != "numerical" and sdv_type not in PII_KINDS:
        return ColumnMetadata(sdtype=sdv_type)
    return ColumnMetadata(sdtype="categorical")


def _column(
    name: str,
    column: pd.Series,
    sdv_type: str | None,
    datetime_format: str | None,
    rule: CategoricalRule,
) -> ColumnMetadata:
    if pd.api.types.is_bool_dtype(column):
        return ColumnMetadata(sdtype="boolean")
    if pd.api.types.is_datetime64_any_dtype(column):
        return ColumnMetadata(sdtype="datetime", datetime_format=datetime_format or "%Y-%m-%d")
    if pd.api.types.is_numeric_dtype(column):
        unique = column.notna().all() and column.is_unique
        if PHONE_NAME.search(name) and unique:
            return ColumnMetadata(sdtype="phone_number", pii=True)
        if ID_NAME.search(name) and unique:
            return ColumnMetadata(sdtype="id")
        return ColumnMetadata(sdtype="categorical" if rule.applies(column) else "numerical")
    return _text_column(name, column.dropna(), sdv_type)


def infer_metadata(
    sample: pd.DataFrame,
    *,
    row_count: int,
    datetime_formats: dict[str, str] | None = None,
    categorical_rule: CategoricalRule | None = None,
    detection: SdvDetection | None = None,
) -> DatasetMetadata:
    """Infer metadata from a sample of the table (`row_count` rows in all).

    `datetime_formats` gives the format ingestion detected for columns already parsed as
    datetimes. The primary key is a unique, non-null column typed `id` (SDV's choice first
    when it is one of them). `detection`: SDV's, started ahead (else started now).
    """
    sdv_columns, sdv_key = (detection or SdvDetection()).columns(sample)
    formats = datetime_formats or {}
    rule = categorical_rule or CategoricalRule()
    columns = {
        str(name): _column(
            str(name),
            sample[name],
            sdv_columns.get(name, {}).get("sdtype"),
            formats.get(name),
            rule,
        )
        for name in sample.columns
    }
    candidates = [n for n, c in columns.items() if c.sdtype == "id"]
    candidates.sort(key=lambda n: n != sdv_key)
    primary_key = next((n for n in candidates if _is_unique(sample[n])), None)
    return DatasetMetadata(columns=columns, primary_key=primary_key)


def _is_unique(column: pd.Series) -> bool:
    return bool(column.notna().all() and column.is_unique)


def _column_problems(name: str, update: ColumnUpdate, column: pd.Series) -> list[str]:
    values = column.dropna()
    if update.sdtype not in SDTYPES:
        return [f"unknown sdtype {update.sdtype!r} (expected one of {', '.join(sorted(SDTYPES))})"]
    numeric = pd.api.types.is_numeric_dtype(column)
    if update.sdtype == "numerical" and pd.api.types.is_datetime64_any_dtype(column):
        return ["numerical, but the values are dates and times"]
    if update.sdtype == "numerical" and not numeric and _has_non_numbers(values):
        return ["numerical, but some values are not numbers"]
    if update.sdtype == "boolean" and values.nunique() > 2:
        return [f"boolean, but it has {values.nunique()} distinct values"]
    if update.sdtype == "datetime":
        return _datetime_problems(update.datetime_format, column)
    return []


def _has_non_numbers(values: pd.Series) -> bool:
    return bool(pd.to_numeric(values, errors="coerce").isna().any())


def _datetime_problems(fmt: str | None, column: pd.Series) -> list[str]:
    if not fmt or "%" not in fmt:
        return ["datetime needs a datetime_format such as '%Y-%m-%d'"]
    if pd.api.types.is_datetime64_any_dtype(column):
        return []
    values = column.dropna().astype(str).str.strip()
    if pd.to_datetime(values, format=parsing_format(fmt), errors="coerce").isna().any():
        return [f"datetime_format {fmt!r} does not parse every value"]
    return []


def validate_metadata_update(
    current: DatasetMetadata, update: MetadataUpdate, *, sample: pd.DataFrame
) -> DatasetMetadata:
    """Apply `update` to `current` after checking it against a sample of the data.

    Raises MetadataError listing every (column, problem) pair; nothing is applied then.
    """
    problems: list[tuple[str, str]] = []
    columns = {name: column.model_copy() for name, column in current.columns.items()}
    for name, change in update.columns.items():
        if name not in columns:
            problems.append((name, "unknown column"))
            continue
        problems += [(name, p) for p in _column_problems(name, change, sample[name])]
        pii = change.pii if change.pii is not None else change.sdtype in PII_KINDS
        columns[name] = ColumnMetadata(
            sdtype=change.sdtype, datetime_format=change.datetime_format, pii=pii
        )
    primary_key = current.primary_key
    if update.primary_key is not None:
        primary_key = update.primary_key or None
    if primary_key is not None and primary_key not in columns:
        problems.append((primary_key, "unknown column for the primary key"))
    elif primary_key is not None and not _is_unique(sample[primary_key]):
        problems.append((primary_key, "primary key values are not unique and non-null"))
    target = current.target_column
    if update.target_column is not None:
        target = update.target_column or None
    problems += _target_problems(target, columns)
    if problems:
        raise MetadataError(problems)
    return DatasetMetadata(
        columns=columns,
        primary_key=primary_key,
        target_column=target,
        missing_value=current.missing_value,
    )


def _target_problems(
    target: str | None, columns: dict[str, ColumnMetadata]
) -> list[tuple[str, str]]:
    if target is None:
        return []
    if target not in columns:
        return [(target, "unknown column for the target column")]
    column = columns[target]
    if column.pii or column.sdtype in PII_KINDS or column.sdtype in ("id", "datetime"):
        return [(target, f"a {column.sdtype} column cannot be the target column")]
    return []
