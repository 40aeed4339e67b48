"""The locale a table's fake PII values are made in, guessed from its real names and phone
numbers (a profile keeps the locale, never the real values)."""

from __future__ import annotations

import functools
import importlib
import re
from collections import Counter
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    # Only a type here: `profile` imports this module to build a profile.
    from services.training.engines.profile import ColumnProfile

# Fake values are made in one of these locales (the template vocabularies).
FAKE_LOCALES = ("en_US", "de_DE", "fr_FR", "ja_JP")
_PHONE_PREFIXES = {
    "+1": "en_US",
    "001": "en_US",
    "+49": "de_DE",
    "0049": "de_DE",
    "+33": "fr_FR",
    "0033": "fr_FR",
    "+81": "ja_JP",
}
# A North American number written without its country code: (415) 555-0132, 415-555-0132.
_NANP = re.compile(r"^\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$")


@functools.cache
def _locale_vocabulary(locale: str) -> frozenset[str]:
    person = importlib.import_module(f"faker.providers.person.{locale}").Provider
    words: set[str] = set()
    for attribute in ("first_names", "first_names_female", "first_names_male", "last_names"):
        values = getattr(person, attribute, ())
        words.update(str(v[0] if isinstance(v, tuple) else v).lower() for v in values)
    return frozenset(words)


def guess_locale(table: pd.DataFrame, columns: list[ColumnProfile]) -> str:
    """The fake-data locale whose names the real PII columns use most (en_US by default)."""
    votes: Counter[str] = Counter()
    for column in columns:
        if column.kind != "pii" or column.pii_kind is None:
            continue
        values = table[column.name].dropna().astype(str).head(2000)
        if column.pii_kind in ("name", "first_name", "last_name"):
            words = [w.lower() for v in values for w in v.split()]
            for locale in FAKE_LOCALES:
                known = _locale_vocabulary(locale)
                votes[locale] += sum(w in known for w in words) / max(len(words), 1)
        elif column.pii_kind == "phone_number":
            for prefix, locale in _PHONE_PREFIXES.items():
                votes[locale] += float(values.str.startswith(prefix).mean())
            votes["en_US"] += float(values.str.strip().str.fullmatch(_NANP).mean())
    if not votes:
        return "en_US"
    locale, score = votes.most_common(1)[0]
    return locale if score > 0.1 else "en_US"
