"""Built-in templates, each a plain :class:`Schema` on the same engine as custom schemas.

Consistency between columns (full name from first and last name, email from the name,
age from the date of birth, order totals, shipped after ordered ...) is expressed with
derived fields, so a template is also an example of what a custom schema can do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from common.contracts.template_schema import Schema, SchemaError

Options = Mapping[str, Any]


@dataclass(frozen=True)
class TemplateInfo:
    """A built-in template: its id, a description and the options it accepts."""

    id: str
    description: str
    options: Mapping[str, float]
    build: Callable[[Options], dict[str, Any]]


def _seq(name: str) -> dict[str, Any]:
    return {"name": name, "type": "int", "distribution": "sequence", "unique": True}


def _cat(name: str, categories: list[Any], weights: list[float] | None = None) -> dict[str, Any]:
    return {"name": name, "type": "category", "categories": categories, "weights": weights}


def _derived(name: str, type_: str, expression: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "derive": expression, **extra}


def _fk(name: str, table: str, field: str, mode: str = "random") -> dict[str, Any]:
    ref = {"table": table, "field": field, "mode": mode}
    return {"name": name, "type": "int", "foreign_key": ref}


def _user(options: Options) -> dict[str, Any]:
    fields = [
        _seq("id"),
        _derived("first_name", "first_name", "first_name_for(gender)"),
        {"name": "last_name", "type": "last_name"},
        _derived("full_name", "name", "full_name(first_name, last_name)"),
        {
            "name": "email",
            "type": "email",
            "template": "{slug(first_name)}.{slug(last_name)}{id}@{email_domain()}",
        },
        {"name": "phone", "type": "phone"},
        {"name": "date_of_birth", "type": "date", "min": "today-90y", "max": "today-18y"},
        _derived("age", "int", "years_between(date_of_birth, today())"),
        _cat("gender", ["female", "male", "nonbinary"], [0.49, 0.49, 0.02]),
        {"name": "street_address", "type": "street_address"},
        {"name": "city", "type": "city"},
        {"name": "state", "type": "state"},
        {"name": "postal_code", "type": "postal_code"},
        {"name": "country", "type": "country"},
        {
            "name": "username",
            "type": "username",
            "template": "{left(slug(first_name), 1)}{slug(last_name)}{id}",
        },
        {"name": "job_title", "type": "job_title"},
        {"name": "company", "type": "company"},
        {
            "name": "salary",
            "type": "float",
            "distribution": "lognormal",
            "params": {"mean": 11.0, "sigma": 0.45, "decimals": 2},
            "min": 15_000,
            "max": 900_000,
        },
        {"name": "created_at", "type": "datetime", "min": "today-5y", "max": "today"},
        {"name": "is_active", "type": "bool", "params": {"p": 0.85}},
    ]
    return {"tables": [{"name": "users", "fields": fields}]}


_PRODUCTS = {
    "Electronics": ("Wireless Headphones", "Smartphone", "Laptop", "USB-C Charger", "Smartwatch"),
    "Clothing": ("T-Shirt", "Jeans", "Rain Jacket", "Sneakers", "Wool Sweater"),
    "Home & Kitchen": ("Coffee Maker", "Chef Knife", "Desk Lamp", "Cookware Set", "Blender"),
    "Books": ("Novel", "Cookbook", "Travel Guide", "Biography", "Children's Book"),
    "Sports": ("Yoga Mat", "Running Shoes", "Dumbbells", "Tennis Racket", "Bike Helmet"),
    "Beauty": ("Face Cream", "Shampoo", "Perfume", "Lipstick", "Sunscreen"),
    "Toys": ("Building Blocks", "Puzzle", "Board Game", "Plush Bear", "Toy Car"),
}


def _ecommerce(options: Options) -> dict[str, Any]:
    shipped = "('shipped', 'delivered', 'returned')"
    fields = [
        _seq("order_id"),
        {"name": "transaction_id", "type": "uuid", "unique": True},
        {"name": "customer_id", "type": "int", "min": 1, "max": 250_000},
        {"name": "product_id", "type": "int", "min": 1, "max": 20_000},
        {"name": "customer_email", "type": "email"},
        _derived("product_name", "string", f"choice_by(product_category, {_PRODUCTS!r})"),
        _cat("product_category", list(_PRODUCTS), [0.22, 0.2, 0.16, 0.12, 0.1, 0.1, 0.1]),
        {
            "name": "quantity",
            "type": "int",
            "distribution": "poisson",
            "params": {"lam": 1.3},
            "min": 1,
            "max": 20,
        },
        {
            "name": "unit_price",
            "type": "float",
            "distribution": "lognormal",
            "params": {"mean": 3.4, "sigma": 0.9, "decimals": 2},
            "min": 0.99,
            "max": 4_999.99,
        },
        _cat("discount_percent", [0, 5, 10, 15, 20, 25], [0.6, 0.12, 0.12, 0.08, 0.05, 0.03]),
        _derived("subtotal", "float", "round(quantity * unit_price, 2)"),
        _derived("discount_amount", "float", "round(subtotal * discount_percent / 100, 2)"),
        _cat("tax_rate", [0.0, 0.05, 0.07, 0.0825, 0.1]) | {"hidden": True},
        _derived("tax_amount", "float", "round((subtotal - discount_amount) * tax_rate, 2)"),
        _derived(
            "shipping_cost",
            "float",
            "0.0 if shipping_method == 'pickup' or subtotal - discount_amount >= 100 "
            "else map(shipping_method, {'standard': 4.99, 'express': 12.99, 'overnight': 24.99})",
        ),
        _derived(
            "total_amount",
            "float",
            "round(subtotal - discount_amount + tax_amount + shipping_cost, 2)",
        ),
        _derived("currency", "string", "currency()"),
        _cat(
            "payment_method",
            ["credit_card", "debit_card", "paypal", "bank_transfer", "gift_card"],
            [0.45, 0.25, 0.18, 0.08, 0.04],
        ),
        _cat(
            "order_status",
            ["pending", "processing", "shipped", "delivered", "cancelled", "returned"],
            [0.04, 0.06, 0.12, 0.68, 0.05, 0.05],
        ),
        _cat(
            "shipping_method",
            ["standard", "express", "overnight", "pickup"],
            [0.6, 0.25, 0.08, 0.07],
        ),
        {"name": "shipping_address", "type": "address"},
        {"name": "order_date", "type": "datetime", "min": "today-2y", "max": "today-14d"},
        _derived(
            "shipped_date",
            "datetime",
            f"order_date + hours(randint(2, 96)) if order_status in {shipped} else None",
        ),
        _derived(
            "delivered_date",
            "datetime",
            "shipped_date + days(randint(1, 7)) + hours(randint(0, 12)) "
            "if order_status in ('delivered', 'returned') else None",
        ),
    ]
    return {"tables": [{"name": "transactions", "fields": fields}]}


_INDUSTRIES = {
    "Technology": ("Software", "Semiconductors", "IT Services", "Hardware"),
    "Healthcare": ("Pharmaceuticals", "Medical Devices", "Hospitals", "Biotechnology"),
    "Finance": ("Banking", "Insurance", "Asset Management", "Payments"),
    "Manufacturing": ("Automotive", "Industrial Machinery", "Chemicals", "Aerospace"),
    "Retail": ("E-commerce", "Grocery", "Apparel", "Home Improvement"),
    "Energy": ("Oil & Gas", "Renewables", "Utilities"),
    "Media": ("Publishing", "Broadcasting", "Gaming", "Advertising"),
}


def _company(options: Options) -> dict[str, Any]:
    size = (
        "'micro' if employees < 10 else ('small' if employees < 50 else ('medium' if employees "
        "< 250 else ('large' if employees < 5000 else 'enterprise')))"
    )
    public = "company_type == 'Public'"
    fields = [
        _seq("company_id"),
        {"name": "name", "type": "company"},
        _cat("industry", list(_INDUSTRIES)),
        _derived("sub_industry", "string", f"choice_by(industry, {_INDUSTRIES!r})"),
        _cat(
            "company_type",
            ["Private", "Public", "Non-profit", "Partnership"],
            [0.7, 0.12, 0.1, 0.08],
        ),
        {
            "name": "founded_year",
            "type": "int",
            "min": 1900,
            "max": 2024,
            "distribution": "uniform",
        },
        {
            "name": "employees",
            "type": "int",
            "distribution": "lognormal",
            "params": {"mean": 3.5, "sigma": 1.8},
            "min": 1,
            "max": 400_000,
        },
        _derived("size_category", "string", size),
        _derived("annual_revenue", "float", "round(employees * uniform(60000, 400000), 2)"),
        {
            "name": "revenue_growth_percent",
            "type": "float",
            "distribution": "normal",
            "params": {"mean": 5.0, "std": 12.0, "decimals": 1},
            "min": -60,
            "max": 200,
        },
        _derived(
            "market_cap",
            "float",
            f"round(annual_revenue * uniform(0.8, 9.0), 2) if {public} else None",
        ),
        _derived("ticker", "string", f"upper(left(slug(name), 4)) if {public} else None"),
        _derived("stock_exchange", "string", f"stock_exchange() if {public} else None"),
        {"name": "headquarters_city", "type": "city"},
        {"name": "headquarters_country", "type": "country"},
        {"name": "website", "type": "url", "template": "https://www.{slug(name)}.{tld()}"},
        {"name": "email", "type": "email", "template": "info@{slug(name)}.{tld()}"},
        {"name": "phone", "type": "phone"},
        {"name": "ceo", "type": "name"},
        _derived(
            "description",
            "text",
            "name + ' is a ' + lower(company_type) + ' ' + lower(sub_industry)"
            " + ' company founded in '"
            " + str(founded_year) + ' with ' + str(employees) + ' employees.'",
        ),
        {"name": "is_active", "type": "bool", "params": {"p": 0.92}},
        {"name": "created_at", "type": "datetime", "min": "today-5y", "max": "today"},
    ]
    return {"tables": [{"name": "companies", "fields": fields}]}


_DIAGNOSES = {
    "E11.9": "Type 2 diabetes mellitus without complications",
    "I10": "Essential (primary) hypertension",
    "J06.9": "Acute upper respiratory infection",
    "M54.5": "Low back pain",
    "F32.9": "Major depressive disorder, single episode",
    "J45.909": "Asthma, uncomplicated",
    "K21.9": "Gastro-esophageal reflux disease",
    "E78.5": "Hyperlipidemia",
    "N39.0": "Urinary tract infection",
    "R51": "Headache",
}
# test: (unit, mean, std, reference low, reference high)
_LABS = {
    "Glucose": ("mg/dL", 100.0, 25.0, 70.0, 99.0),
    "Hemoglobin A1c": ("%", 5.8, 0.9, 4.0, 5.6),
    "Hemoglobin": ("g/dL", 14.0, 1.6, 12.0, 17.5),
    "LDL Cholesterol": ("mg/dL", 115.0, 35.0, 0.0, 100.0),
    "Creatinine": ("mg/dL", 0.95, 0.25, 0.6, 1.3),
    "TSH": ("mIU/L", 2.2, 1.1, 0.4, 4.0),
}
_DRUGS = {
    "Metformin": (500, 850, 1000),
    "Lisinopril": (5, 10, 20),
    "Atorvastatin": (10, 20, 40),
    "Amoxicillin": (250, 500),
    "Sertraline": (50, 100),
    "Omeprazole": (20, 40),
    "Ibuprofen": (200, 400, 600),
    "Albuterol": (90,),
}


def _lab_map(position: int) -> str:
    return repr({test: values[position] for test, values in _LABS.items()})


def _healthcare(options: Options) -> dict[str, Any]:
    patients = [
        _seq("patient_id"),
        _derived("mrn", "string", "'MRN' + pad(patient_id, 8)"),
        _cat("gender", ["female", "male"]),
        _derived("first_name", "first_name", "first_name_for(gender)"),
        {"name": "last_name", "type": "last_name"},
        # Born at least five years ago, so every visit (last three years) is after birth.
        {"name": "date_of_birth", "type": "date", "min": "today-95y", "max": "today-5y"},
        _derived("age", "int", "years_between(date_of_birth, today())"),
        _cat(
            "blood_type",
            ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"],
            [0.38, 0.34, 0.09, 0.03, 0.07, 0.06, 0.02, 0.01],
        ),
        {"name": "phone", "type": "phone"},
        {"name": "address", "type": "address"},
        _cat("insurance", ["private", "public", "self-pay"], [0.55, 0.38, 0.07]),
    ]
    visits = [
        _seq("visit_id"),
        _fk("patient_id", "patients", "patient_id"),
        {"name": "visit_date", "type": "datetime", "min": "today-3y", "max": "today"},
        _cat(
            "visit_type",
            ["outpatient", "inpatient", "emergency", "telehealth"],
            [0.6, 0.12, 0.13, 0.15],
        ),
        _cat(
            "department",
            ["primary care", "cardiology", "endocrinology", "orthopedics", "psychiatry"],
        ),
        _cat("diagnosis_code", list(_DIAGNOSES)),
        _derived("diagnosis_description", "string", f"map(diagnosis_code, {_DIAGNOSES!r})"),
    ]
    labs = [
        _seq("lab_id"),
        _fk("visit_id", "visits", "visit_id"),
        _cat("test_name", list(_LABS)),
        _derived(
            "value",
            "float",
            f"round(map(test_name, {_lab_map(1)}) "
            f"+ normal(0, 1) * map(test_name, {_lab_map(2)}), 2)",
        ),
        _derived("unit", "string", f"map(test_name, {_lab_map(0)})"),
        _derived("reference_low", "float", f"map(test_name, {_lab_map(3)})"),
        _derived("reference_high", "float", f"map(test_name, {_lab_map(4)})"),
        _derived("abnormal", "bool", "value < reference_low or value > reference_high"),
    ]
    medications = [
        _seq("medication_id"),
        _fk("visit_id", "visits", "visit_id"),
        _cat("drug_name", list(_DRUGS)),
        _derived("dose_mg", "int", f"choice_by(drug_name, {_DRUGS!r})"),
        _cat("frequency", ["once daily", "twice daily", "three times daily", "as needed"]),
        _cat("route", ["oral", "inhaled", "topical"], [0.85, 0.1, 0.05]),
        {"name": "days_supply", "type": "category", "categories": [7, 14, 30, 60, 90]},
    ]
    return {
        "tables": [
            {"name": "patients", "fields": patients},
            {"name": "visits", "rows_per_parent": 3.0, "fields": visits},
            {"name": "labs", "rows_per_parent": 2.0, "fields": labs},
            {"name": "medications", "rows_per_parent": 1.2, "fields": medications},
        ]
    }


_FOREIGN_CITIES = {
    0: ("London", "United Kingdom"),
    1: ("New York", "United States"),
    2: ("Lagos", "Nigeria"),
    3: ("Bangkok", "Thailand"),
    4: ("São Paulo", "Brazil"),
    5: ("Manila", "Philippines"),
    6: ("Bucharest", "Romania"),
}


def _foreign(position: int) -> str:
    return repr({i: place[position] for i, place in _FOREIGN_CITIES.items()})


def _finance(options: Options) -> dict[str, Any]:
    fraud_rate = float(options["fraud_rate"])
    accounts = [
        _seq("account_id"),
        {"name": "holder_name", "type": "name"},
        {"name": "holder_email", "type": "email"},
        _cat(
            "account_type",
            ["checking", "savings", "credit_card", "business"],
            [0.5, 0.2, 0.22, 0.08],
        ),
        _derived("currency", "string", "currency()"),
        {"name": "home_city", "type": "city"},
        {"name": "home_country", "type": "country"},
        {"name": "opened_at", "type": "date", "min": "today-15y", "max": "today-90d"},
        {
            "name": "credit_limit",
            "type": "float",
            "distribution": "lognormal",
            "params": {"mean": 8.5, "sigma": 0.6, "decimals": 0},
            "min": 500,
            "max": 100_000,
        },
    ]
    transactions = [
        {"name": "transaction_id", "type": "uuid", "unique": True},
        _fk("account_id", "accounts", "account_id"),
        {"name": "timestamp", "type": "datetime", "min": "today-1y", "max": "today"},
        {"name": "is_fraud", "type": "bool", "params": {"p": fraud_rate}},
        {
            "name": "base_amount",
            "type": "float",
            "distribution": "lognormal",
            "params": {"mean": 3.6, "sigma": 1.1},
            "min": 0.5,
            "max": 20_000,
            "hidden": True,
        },
        _derived(
            "amount", "float", "round(base_amount * uniform(3, 12) if is_fraud else base_amount, 2)"
        ),
        _derived("currency", "string", "currency()"),
        {"name": "merchant", "type": "company"},
        _cat(
            "merchant_category",
            [
                "grocery",
                "restaurants",
                "travel",
                "electronics",
                "fuel",
                "entertainment",
                "utilities",
                "jewelry",
            ],
            [0.25, 0.18, 0.08, 0.1, 0.12, 0.1, 0.12, 0.05],
        ),
        _derived(
            "channel",
            "string",
            "choice('online', 'online', 'online', 'atm') if is_fraud "
            "else choice('pos', 'pos', 'pos', 'online', 'online', 'atm', 'transfer')",
        ),
        _derived("abroad", "bool", "bernoulli(0.55) if is_fraud else bernoulli(0.04)", hidden=True),
        {"name": "foreign_place", "type": "int", "min": 0, "max": 6, "hidden": True},
        _derived(
            "country", "string", f"map(foreign_place, {_foreign(1)}) if abroad else country()"
        ),
        _derived("city", "string", f"map(foreign_place, {_foreign(0)}) if abroad else city()"),
    ]
    return {
        "tables": [
            {"name": "accounts", "fields": accounts},
            {
                "name": "transactions",
                "rows_per_parent": float(options["transactions_per_account"]),
                "fields": transactions,
            },
        ]
    }


def _robotics(options: Options) -> dict[str, Any]:
    hz = float(options["sampling_rate_hz"])
    gps_hz = float(options["gps_rate_hz"])
    duration = float(options["duration_s"])
    failure = float(options["failure_rate"])
    imu_samples = max(1, round(hz * duration))
    gps_samples = max(1, round(gps_hz * duration))
    modes = ["none", "dropout", "spike", "saturation"]
    modes_weights = [1 - failure, failure / 3, failure / 3, failure / 3]

    def imu_axis(name: str, base: str, noise: float, limit: float) -> dict[str, Any]:
        raw = f"{base} + normal(0, {noise})"
        expression = (
            f"None if failure_mode == 'dropout' else ({raw}) * 8 if failure_mode == 'spike' "
            f"else {limit} if failure_mode == 'saturation' else {raw}"
        )
        return _derived(name, "float", expression)

    t_imu = f"(_row % {imu_samples}) / {hz}"
    t_gps = f"(_row % {gps_samples}) / {gps_hz}"
    devices = [
        _seq("device_id"),
        {"name": "serial_number", "type": "string", "format": "RB-####-????"},
        _cat("model", ["AMR-100", "AMR-200", "ARM-6DOF", "DRONE-X4"]),
        _cat("firmware", ["1.4.2", "1.5.0", "2.0.1"], [0.2, 0.5, 0.3]),
        {"name": "site_city", "type": "city"},
    ]
    imu = [
        _fk("device_id", "devices", "device_id", mode="sequential"),
        _derived(
            "timestamp",
            "datetime",
            f"now() - days(30) + days(int(device_id % 29)) + seconds({t_imu})",
        ),
        _cat("failure_mode", modes, modes_weights),
        imu_axis("accel_x", f"0.3 * sin({t_imu} * 0.5)", 0.02, 16.0),
        imu_axis("accel_y", f"0.2 * sin({t_imu} * 0.3)", 0.02, 16.0),
        imu_axis("accel_z", "9.81", 0.03, 16.0),
        imu_axis("gyro_x", f"0.05 * sin({t_imu})", 0.005, 2000.0),
        imu_axis("gyro_y", f"0.04 * sin({t_imu} * 0.7)", 0.005, 2000.0),
        imu_axis("gyro_z", f"0.1 * sin({t_imu} * 0.2)", 0.005, 2000.0),
        _derived(
            "temperature_c", "float", f"round(35 + 5 * sin({t_imu} / 600) + normal(0, 0.2), 2)"
        ),
    ]
    gps = [
        _fk("device_id", "devices", "device_id", mode="sequential"),
        _derived(
            "timestamp",
            "datetime",
            f"now() - days(30) + days(int(device_id % 29)) + seconds({t_gps})",
        ),
        _cat(
            "failure_mode",
            ["none", "dropout", "multipath"],
            [1 - failure, failure / 2, failure / 2],
        ),
        _derived(
            "latitude",
            "float",
            f"None if failure_mode == 'dropout' else 37.70 + (device_id % 50) * 0.004 + 0.0005 * "
            f"sin({t_gps} / 30) + normal(0, 0.00001) "
            "+ (0.002 if failure_mode == 'multipath' else 0.0)",
        ),
        _derived(
            "longitude",
            "float",
            f"None if failure_mode == 'dropout' else -122.45 + (device_id % 50) * 0.004 + 0.0005"
            f" * sin({t_gps} / 45) + normal(0, 0.00001)",
        ),
        _derived(
            "altitude_m",
            "float",
            "None if failure_mode == 'dropout' else round(30 + normal(0, 1.5), 2)",
        ),
        _derived(
            "speed_mps",
            "float",
            "None if failure_mode == 'dropout' else round(abs(1.2 + normal(0, 0.3)), 3)",
        ),
        _derived("satellites", "int", "0 if failure_mode == 'dropout' else randint(6, 14)"),
        _derived(
            "hdop", "float", "99.9 if failure_mode == 'dropout' else round(uniform(0.6, 2.5), 2)"
        ),
    ]
    return {
        "tables": [
            {"name": "devices", "fields": devices},
            {"name": "imu", "rows_per_parent": float(imu_samples), "fields": imu},
            {"name": "gps", "rows_per_parent": float(gps_samples), "fields": gps},
        ]
    }


TEMPLATES: dict[str, TemplateInfo] = {
    info.id: info
    for info in (
        TemplateInfo("user", "People with consistent names, emails, ages and addresses", {}, _user),
        TemplateInfo(
            "ecommerce_transaction",
            "Orders whose totals, taxes and shipping dates add up",
            {},
            _ecommerce,
        ),
        TemplateInfo(
            "company", "Companies with industry, size, financials and contacts", {}, _company
        ),
        TemplateInfo(
            "healthcare_ehr",
            "Patients -> visits -> labs and medications, joined by keys",
            {},
            _healthcare,
        ),
        TemplateInfo(
            "finance_transactions",
            "Accounts and card transactions with a fraud flag at a chosen rate",
            {"fraud_rate": 0.01, "transactions_per_account": 20},
            _finance,
        ),
        TemplateInfo(
            "robotics_sensors",
            "IMU and GPS time series per device, with noise and injected failures",
            {"sampling_rate_hz": 10, "gps_rate_hz": 1, "duration_s": 60, "failure_rate": 0.01},
            _robotics,
        ),
    )
}

_OPTION_RANGES = {
    "fraud_rate": (0.0, 1.0),
    "transactions_per_account": (0.01, 10_000),
    "sampling_rate_hz": (0.01, 10_000),
    "gps_rate_hz": (0.01, 100),
    "duration_s": (1, 86_400 * 7),
    "failure_rate": (0.0, 1.0),
}


def list_templates() -> list[TemplateInfo]:
    """Every built-in template, in a stable order."""
    return list(TEMPLATES.values())


def build_template(template_id: str, options: Options) -> Schema:
    """The schema of a built-in template with ``options`` over its defaults."""
    info = TEMPLATES.get(template_id)
    if info is None:
        known = ", ".join(TEMPLATES)
        raise SchemaError([("templateId", f"unknown template {template_id!r}; known: {known}")])
    errors = []
    for name, value in options.items():
        if name not in info.options:
            errors.append((f"options.{name}", f"template {template_id!r} has no option {name!r}"))
            continue
        low, high = _OPTION_RANGES[name]
        if not isinstance(value, int | float) or not low <= value <= high:
            errors.append((f"options.{name}", f"{name} must be a number in [{low}, {high}]"))
    if errors:
        raise SchemaError(errors)
    return Schema.model_validate(info.build({**info.options, **options}))
