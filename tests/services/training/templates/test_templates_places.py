"""Addresses and phones hold together the way a user checks them: a row's postal code belongs
to its state and city, a phone's area code to the same place, one phone format per column."""

from __future__ import annotations

import functools
import importlib
import re

import pyarrow as pa
import pytest
import zipcodes

from services.training.templates import SUPPORTED_LOCALES, generate, plan
from services.training.templates.places import US_STATES

_STATE_ABBR = {name: abbr for abbr, name in US_STATES.items()}


def _rows(spec, count: int = 2_000, locale: str = "en_US", **kwargs) -> dict[str, list[dict]]:
    p = plan(spec, count=count, seed=5, locale=locale, **kwargs)
    batches: dict[str, list[pa.RecordBatch]] = {}
    for name, batch in generate(p, chunk_rows=700):
        batches.setdefault(name, []).append(batch)
    return {name: pa.Table.from_batches(b).to_pylist() for name, b in batches.items()}


@functools.cache
def _zips() -> dict[str, dict]:
    return {z["zip_code"]: z for z in zipcodes.list_all()}


@functools.cache
def _state_area_codes(state: str) -> frozenset[str]:
    return frozenset(c for z in _zips().values() if z["state"] == state for c in z["area_codes"])


@functools.cache
def _area_codes_by_city() -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for place in _zips().values():
        codes.setdefault(place["city"], set()).update(_area_codes(place))
    return codes


def _zip(code: str) -> dict:
    assert code in _zips(), f"{code} is not a US ZIP code"
    return _zips()[code]


def _area_codes(place: dict) -> frozenset[str]:
    """A ZIP code's area codes; the few that list none have their state's."""
    return frozenset(place["area_codes"]) or _state_area_codes(place["state"])


def test_user_postal_code_belongs_to_its_city_and_state_and_the_phone_too():
    users = _rows("user")["users"]
    for u in users:
        place = _zip(u["postal_code"])
        assert place["zip_code_type"] == "STANDARD" and place["active"], u
        assert (place["city"], place["state"]) == (u["city"], _STATE_ABBR[u["state"]]), u
        assert u["phone"][1:4] in _area_codes(place), u
    # Real places, spread over the country: not a handful of made-up towns.
    assert len({u["state"] for u in users}) >= 45
    assert len({u["city"] for u in users}) > 1_000


def test_a_schemas_address_agrees_with_its_own_city_state_and_postal_code():
    schema = {
        "tables": [
            {
                "name": "people",
                "fields": [
                    {"name": "city", "type": "city"},
                    {"name": "address", "type": "address"},
                    {"name": "zip", "type": "postal_code"},
                    {"name": "state", "type": "state"},
                    {"name": "phone", "type": "phone"},
                    {"name": "also_city", "type": "string", "derive": "city()"},
                ],
            }
        ]
    }
    for row in _rows(schema, count=500)["people"]:
        assert row["address"].endswith(f", {row['city']}, {row['state']} {row['zip']}"), row
        assert row["also_city"] == row["city"]
        assert _zip(row["zip"])["city"] == row["city"]


@pytest.mark.parametrize(
    ("template", "table"),
    [
        ("healthcare_ehr", "patients"),
        ("ecommerce_transaction", "transactions"),
    ],
)
def test_a_templates_one_line_address_is_one_real_place(template, table):
    pattern = re.compile(r"^\d+ [^,]+, (?P<city>[^,]+), (?P<state>[^,]+) (?P<zip>\d{5})$")
    column = "address" if template == "healthcare_ehr" else "shipping_address"
    for row in _rows(template, count=500)[table]:
        match = pattern.match(row[column])
        assert match, row[column]
        place = _zip(match["zip"])
        assert (place["city"], place["state"]) == (match["city"], _STATE_ABBR[match["state"]])


def test_company_phone_area_code_is_its_headquarters():
    for c in _rows("company", count=500)["companies"]:
        assert c["phone"][1:4] in _area_codes_by_city()[c["headquarters_city"]], c


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize(
    ("template", "table"),
    [("user", "users"), ("company", "companies"), ("healthcare_ehr", "patients")],
)
def test_a_phone_column_has_one_format(locale, template, table):
    phones = [row["phone"] for row in _rows(template, count=1_000, locale=locale)[table]]
    shapes = {re.sub(r"\d", "0", phone) for phone in phones}
    assert len(shapes) == 1, sorted(shapes)[:5]
    formats = {
        "en_US": r"\([2-9]\d\d\) [2-9]\d\d-\d{4}",
        "de_DE": r"01[5-7]\d \d{7}",
        "fr_FR": r"0[67]( \d\d){4}",
        "ja_JP": r"0[789]0-\d{4}-\d{4}",
    }
    assert all(re.fullmatch(formats[locale], phone) for phone in phones), phones[:5]


def test_a_template_may_still_choose_its_phone_format():
    schema = {
        "tables": [
            {
                "name": "t",
                "fields": [{"name": "phone", "type": "phone", "format": "+1 ###-###-####"}],
            }
        ]
    }
    phones = [row["phone"] for row in _rows(schema, count=200)["t"]]
    assert all(re.fullmatch(r"\+1 \d{3}-\d{3}-\d{4}", phone) for phone in phones)


def test_fr_postal_code_starts_with_its_departements_number():
    departments = importlib.import_module("faker.providers.address.fr_FR").Provider.departments
    number = {name: code for code, name in departments}
    users = _rows("user", locale="fr_FR")["users"]
    for u in users:
        code = number[u["state"]]
        prefix = "20" if code in ("2A", "2B") else code
        assert u["postal_code"].startswith(prefix) and len(u["postal_code"]) == 5, u
    assert len({u["state"] for u in users}) > 90


# Japanese postal codes start with their prefecture's three digits.
_JA_RANGES = {"東京都": (100, 208), "神奈川県": (210, 259), "千葉県": (260, 299)}
_JA_CITIES = {
    "浦安市": "千葉県",
    "八王子市": "東京都",
    "新宿区": "東京都",
    "横浜市戸塚区": "神奈川県",
}


def test_ja_city_is_in_its_prefecture_and_the_postal_code_too():
    users = _rows("user", locale="ja_JP")["users"]
    for u in users:
        low, high = _JA_RANGES[u["state"]]
        assert re.fullmatch(r"\d{3}-\d{4}", u["postal_code"]), u
        assert low <= int(u["postal_code"][:3]) <= high, u
        assert _JA_CITIES.get(u["city"], u["state"]) == u["state"], u
    seen = {(u["city"], u["state"]) for u in users}
    assert {(city, pref) for city, pref in _JA_CITIES.items()} <= seen
    patients = _rows("healthcare_ehr", count=300, locale="ja_JP")["patients"]
    for p in patients:
        postal, rest = p["address"].removeprefix("〒").split(" ", 1)
        state = next(s for s in _JA_RANGES if rest.startswith(s))
        assert _JA_RANGES[state][0] <= int(postal[:3]) <= _JA_RANGES[state][1], p
