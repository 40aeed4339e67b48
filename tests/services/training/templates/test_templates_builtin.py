"""Built-in templates: every invariant a user would check on the generated data."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import re
import statistics

import pyarrow as pa
import pytest

from services.training.templates import DEFAULT_REFERENCE_DATE, generate, list_templates, plan
from tests.support import BUILTIN_TEMPLATES

REF = DEFAULT_REFERENCE_DATE


def _tables(template: str, count: int = 2_000, **kwargs) -> dict[str, list[dict]]:
    p = plan(template, count=count, seed=11, **kwargs)
    batches: dict[str, list[pa.RecordBatch]] = {}
    for name, batch in generate(p, chunk_rows=700):
        batches.setdefault(name, []).append(batch)
    return {name: pa.Table.from_batches(b).to_pylist() for name, b in batches.items()}


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_every_template_generates_its_tables():
    ids = [t.id for t in list_templates()]
    assert ids == list(BUILTIN_TEMPLATES)


def test_user_rows_are_internally_consistent():
    users = _tables("user")["users"]
    assert len(users) == 2_000
    assert len({u["id"] for u in users}) == 2_000
    assert len({u["email"] for u in users}) == 2_000
    for u in users:
        assert u["full_name"] == f"{u['first_name']} {u['last_name']}"
        local = u["email"].split("@")[0]
        assert local.startswith(u["first_name"].lower().split()[0][:2]), u
        assert u["last_name"].lower().replace(" ", "-").replace("'", "-")[:3] in local
        assert u["age"] == _age(u["date_of_birth"], REF)
        assert 18 <= u["age"] <= 90
        assert u["created_at"].date() <= REF
        assert u["country"] == "United States"
        assert u["username"].endswith(str(u["id"]))
        assert 15_000 <= u["salary"] <= 900_000


def test_user_first_names_match_gender():
    person = importlib.import_module("faker.providers.person.en_US").Provider
    users = _tables("user")["users"]
    for u in users:
        if u["gender"] == "female":
            assert u["first_name"] in person.first_names_female
        elif u["gender"] == "male":
            assert u["first_name"] in person.first_names_male


@pytest.mark.parametrize(
    ("locale", "country"),
    [("de_DE", "Deutschland"), ("fr_FR", "France"), ("ja_JP", "日本"), ("en_US", "United States")],
)
def test_user_locale_names_and_addresses(locale, country):
    person = importlib.import_module(f"faker.providers.person.{locale}").Provider
    last_names = set(person.last_names)
    users = _tables("user", count=300, locale=locale)["users"]
    assert all(u["last_name"] in last_names for u in users)
    assert all(u["country"] == country for u in users)
    assert all(u["email"].isascii() for u in users)
    if locale == "ja_JP":
        assert all(u["full_name"] == f"{u['last_name']} {u['first_name']}" for u in users)
        assert all(re.search(r"\d+丁目\d+番\d+号$", u["street_address"]) for u in users)
    if locale == "de_DE":
        assert all(re.search(r" \d+$", u["street_address"]) for u in users)


def test_money_is_in_the_locales_currency_and_minor_unit():
    # In yen a salary is millions and a price has no cents; in dollars, cents.
    yen = _tables("user", count=300, locale="ja_JP")["users"]
    assert all(15_000 * 150 <= u["salary"] <= 900_000 * 150 for u in yen)
    assert all(u["salary"] == int(u["salary"]) for u in yen)
    orders = _tables("ecommerce_transaction", count=300, locale="ja_JP")["transactions"]
    assert {o["currency"] for o in orders} == {"JPY"}
    for o in orders:
        parts = ("unit_price", "discount_amount", "tax_amount", "shipping_cost", "total_amount")
        assert all(o[name] == int(o[name]) for name in parts), o
        assert o["total_amount"] == (
            o["subtotal"] - o["discount_amount"] + o["tax_amount"] + o["shipping_cost"]
        )
    assert statistics.median(o["unit_price"] for o in orders) > 1_000
    dollars = _tables("ecommerce_transaction", count=300)["transactions"]
    assert statistics.median(o["unit_price"] for o in dollars) < 100


def test_ecommerce_totals_and_dates_add_up():
    orders = _tables("ecommerce_transaction")["transactions"]
    statuses = set()
    for o in orders:
        statuses.add(o["order_status"])
        expected = (
            o["quantity"] * o["unit_price"]
            - o["discount_amount"]
            + o["tax_amount"]
            + o["shipping_cost"]
        )
        assert o["total_amount"] == pytest.approx(expected, abs=0.011)
        assert o["subtotal"] == pytest.approx(o["quantity"] * o["unit_price"], abs=0.006)
        discount = o["subtotal"] * o["discount_percent"] / 100
        assert o["discount_amount"] == pytest.approx(discount, abs=0.006)
        assert o["quantity"] >= 1 and o["unit_price"] > 0
        if o["order_status"] in ("shipped", "delivered", "returned"):
            assert o["shipped_date"] > o["order_date"]
        else:
            assert o["shipped_date"] is None
        if o["order_status"] in ("delivered", "returned"):
            assert o["delivered_date"] > o["shipped_date"]
        else:
            assert o["delivered_date"] is None
    assert {"pending", "delivered", "cancelled"} <= statuses
    assert len({o["transaction_id"] for o in orders}) == len(orders)


def test_company_fields_agree():
    companies = _tables("company")["companies"]
    public = [c for c in companies if c["company_type"] == "Public"]
    assert public
    for c in companies:
        is_public = c["company_type"] == "Public"
        assert (c["ticker"] is not None) == is_public
        assert (c["market_cap"] is not None) == is_public
        domain = c["website"].removeprefix("https://www.")
        assert c["email"] == f"info@{domain}"
        size = c["size_category"]
        bounds = {"micro": (1, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 4999)}
        low, high = bounds.get(size, (5000, 10**9))
        assert low <= c["employees"] <= high
        assert 1900 <= c["founded_year"] <= 2024


def test_healthcare_tables_join_by_keys():
    tables = _tables("healthcare_ehr", count=500)
    patients = {p["patient_id"]: p for p in tables["patients"]}
    visits = {v["visit_id"]: v for v in tables["visits"]}
    assert len(patients) == 500 and len(visits) == 1_500
    assert len(tables["labs"]) == 3_000 and len(tables["medications"]) == 1_800
    for v in visits.values():
        patient = patients[v["patient_id"]]
        assert v["visit_date"].date() > patient["date_of_birth"]
    assert all(lab["visit_id"] in visits for lab in tables["labs"])
    assert all(m["visit_id"] in visits for m in tables["medications"])
    for lab in tables["labs"]:
        outside = lab["value"] < lab["reference_low"] or lab["value"] > lab["reference_high"]
        assert lab["abnormal"] == outside
    # What a clinician would spot at once: a negative lab result, an inhaled painkiller.
    assert min(lab["value"] for lab in tables["labs"]) > 0
    routes = {(m["drug_name"], m["route"]) for m in tables["medications"]}
    assert all(
        route == "oral" or (drug, route) == ("Ibuprofen", "topical") for drug, route in routes
    )


@pytest.mark.parametrize("fraud_rate", [0.02, 0.3])
def test_finance_fraud_rate_and_account_keys(fraud_rate):
    tables = _tables(
        "finance_transactions",
        count=300,
        options={"fraud_rate": fraud_rate, "transactions_per_account": 20},
    )
    accounts = {a["account_id"] for a in tables["accounts"]}
    # The holder's email is the holder's, not another person's.
    own = [
        a["holder_email"].startswith(re.sub("[^a-z]", "", a["holder_name"].split()[0].lower()))
        for a in tables["accounts"]
    ]
    assert sum(own) > 0.95 * len(own)
    transactions = tables["transactions"]
    assert len(transactions) == 6_000
    assert all(t["account_id"] in accounts for t in transactions)
    rate = sum(t["is_fraud"] for t in transactions) / len(transactions)
    assert rate == pytest.approx(fraud_rate, abs=0.02)
    fraud_abroad = [t["country"] != "United States" for t in transactions if t["is_fraud"]]
    legit_abroad = [t["country"] != "United States" for t in transactions if not t["is_fraud"]]
    assert sum(fraud_abroad) / len(fraud_abroad) > 3 * sum(legit_abroad) / len(legit_abroad)


def test_robotics_series_per_device_at_the_sampling_rate():
    options = {"sampling_rate_hz": 20, "duration_s": 5, "failure_rate": 0.1}
    tables = _tables("robotics_sensors", count=6, options=options)
    imu = tables["imu"]
    assert len(imu) == 6 * 100
    for device in range(1, 7):
        series = [r for r in imu if r["device_id"] == device]
        assert len(series) == 100
        steps = {b["timestamp"] - a["timestamp"] for a, b in itertools.pairwise(series)}
        assert steps == {dt.timedelta(milliseconds=50)}
    dropouts = [r for r in imu if r["failure_mode"] == "dropout"]
    assert dropouts and all(r["accel_x"] is None for r in dropouts)
    healthy = [r["accel_z"] for r in imu if r["failure_mode"] == "none"]
    assert sum(healthy) / len(healthy) == pytest.approx(9.81, abs=0.05)
    assert 0.05 < sum(r["failure_mode"] != "none" for r in imu) / len(imu) < 0.15
    assert len(tables["gps"]) == 6 * 5


def test_ecommerce_price_follows_the_product():
    orders = _tables("ecommerce_transaction")["transactions"]
    prices: dict[str, list[float]] = {}
    for o in orders:
        prices.setdefault(o["product_name"], []).append(o["unit_price"])
    # A laptop never costs less than a charger, a smartphone less than a novel.
    assert min(prices["Laptop"]) > max(prices["USB-C Charger"])
    assert min(prices["Smartphone"]) > max(prices["Novel"])
    assert statistics.median(prices["Laptop"]) > 500 > statistics.median(prices["Shampoo"])


def test_finance_transactions_come_after_their_account_was_opened():
    tables = _tables("finance_transactions", count=1_000)
    opened = {a["account_id"]: a["opened_at"] for a in tables["accounts"]}
    assert all(t["timestamp"].date() >= opened[t["account_id"]] for t in tables["transactions"])


def test_healthcare_visit_department_sees_its_diagnosis():
    visits = _tables("healthcare_ehr", count=500)["visits"]
    seen = {(v["diagnosis_code"], v["department"]) for v in visits}
    assert ("F32.9", "psychiatry") in seen and ("I10", "cardiology") in seen
    assert {d for code, d in seen if code != "F32.9"}.isdisjoint({"psychiatry"})
    assert {d for code, d in seen if code == "M54.5"} == {"orthopedics"}
    assert {d for code, d in seen if code == "E11.9"} == {"endocrinology"}


def test_company_description_counts_its_employees_in_words():
    companies = _tables("company")["companies"]
    single = [c for c in companies if c["employees"] == 1]
    assert single and all(c["description"].endswith(" with 1 employee.") for c in single)
    assert all(
        c["description"].endswith(f" with {c['employees']} employees.")
        for c in companies
        if c["employees"] > 1
    )


def _eighteenth_birthday(born: dt.date) -> dt.date:
    return (
        dt.date(born.year + 18, 3, 1)
        if (born.month, born.day) == (2, 29)
        else born.replace(year=born.year + 18)
    )


def test_users_signed_up_as_adults():
    users = _tables("user")["users"]
    assert all(_eighteenth_birthday(u["date_of_birth"]) <= u["created_at"].date() for u in users)
    assert all(u["created_at"].date() <= REF for u in users)


def test_medications_are_taken_as_each_drug_is():
    medications = _tables("healthcare_ehr", count=500)["medications"]
    antibiotics = [m for m in medications if m["drug_name"] == "Amoxicillin"]
    assert antibiotics and all(m["days_supply"] <= 14 for m in antibiotics)
    assert all(m["frequency"] != "as needed" for m in antibiotics)
    statins = [m for m in medications if m["drug_name"] == "Atorvastatin"]
    assert statins and {m["frequency"] for m in statins} == {"once daily"}


def test_only_cards_and_business_accounts_have_a_credit_limit():
    accounts = _tables("finance_transactions", count=500)["accounts"]
    for a in accounts:
        has_credit = a["account_type"] in ("credit_card", "business")
        assert (a["credit_limit"] is not None) == has_credit, a
