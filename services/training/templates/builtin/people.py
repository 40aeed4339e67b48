"""People and companies: ``user`` and ``company``."""

from __future__ import annotations

from typing import Any

from services.training.templates.builtin.fields import Options, cat, derived, local_money, seq


def user(options: Options) -> dict[str, Any]:
    fields = [
        seq("id"),
        derived("first_name", "first_name", "first_name_for(gender)"),
        {"name": "last_name", "type": "last_name"},
        derived("full_name", "name", "full_name(first_name, last_name)"),
        {
            "name": "email",
            "type": "email",
            "template": "{slug(first_name)}.{slug(last_name)}{id}@{email_domain()}",
        },
        {"name": "phone", "type": "phone"},
        {"name": "date_of_birth", "type": "date", "min": "today-90y", "max": "today-18y"},
        derived("age", "int", "years_between(date_of_birth, today())"),
        cat("gender", ["female", "male", "nonbinary"], [0.49, 0.49, 0.02]),
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
            "name": "salary_usd",
            "type": "float",
            "distribution": "lognormal",
            "params": {"mean": 11.0, "sigma": 0.45, "decimals": 2},
            "min": 15_000,
            "max": 900_000,
            "hidden": True,
        },
        derived("salary", "float", local_money("salary_usd")),
        {
            "name": "signed_up",
            "type": "datetime",
            "min": "today-5y",
            "max": "today",
            "hidden": True,
        },
        # Nobody signs up before turning 18 (6,576 days: 18 years and their leap days).
        derived(
            "created_at",
            "datetime",
            "min(now(), max(signed_up, datetime(date_of_birth) + days(6576)))",
        ),
        {"name": "is_active", "type": "bool", "params": {"p": 0.85}},
    ]
    return {"tables": [{"name": "users", "fields": fields}]}


_INDUSTRIES = {
    "Technology": ("Software", "Semiconductors", "IT Services", "Hardware"),
    "Healthcare": ("Pharmaceuticals", "Medical Devices", "Hospitals", "Biotechnology"),
    "Finance": ("Banking", "Insurance", "Asset Management", "Payments"),
    "Manufacturing": ("Automotive", "Industrial Machinery", "Chemicals", "Aerospace"),
    "Retail": ("E-commerce", "Grocery", "Apparel", "Home Improvement"),
    "Energy": ("Oil & Gas", "Renewables", "Utilities"),
    "Media": ("Publishing", "Broadcasting", "Gaming", "Advertising"),
}


def company(options: Options) -> dict[str, Any]:
    size = (
        "'micro' if employees < 10 else ('small' if employees < 50 else ('medium' if employees "
        "< 250 else ('large' if employees < 5000 else 'enterprise')))"
    )
    public = "company_type == 'Public'"
    fields = [
        seq("company_id"),
        {"name": "name", "type": "company"},
        cat("industry", list(_INDUSTRIES)),
        derived("sub_industry", "string", f"choice_by(industry, {_INDUSTRIES!r})"),
        cat(
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
        derived("size_category", "string", size),
        derived("annual_revenue", "float", local_money("employees * uniform(60000, 400000)")),
        {
            "name": "revenue_growth_percent",
            "type": "float",
            "distribution": "normal",
            "params": {"mean": 5.0, "std": 12.0, "decimals": 1},
            "min": -60,
            "max": 200,
        },
        derived(
            "market_cap",
            "float",
            f"round(annual_revenue * uniform(0.8, 9.0), money_decimals()) if {public} else None",
        ),
        derived("ticker", "string", f"upper(left(slug(name), 4)) if {public} else None"),
        derived("stock_exchange", "string", f"stock_exchange() if {public} else None"),
        {"name": "headquarters_city", "type": "city"},
        {"name": "headquarters_country", "type": "country"},
        {"name": "website", "type": "url", "template": "https://www.{slug(name)}.{tld()}"},
        {"name": "email", "type": "email", "template": "info@{slug(name)}.{tld()}"},
        {"name": "phone", "type": "phone"},
        {"name": "ceo", "type": "name"},
        derived(
            "description",
            "text",
            "name + ' is a ' + lower(company_type) + ' ' + lower(sub_industry)"
            " + ' company founded in '"
            " + str(founded_year) + ' with ' + str(employees)"
            " + (' employee.' if employees == 1 else ' employees.')",
        ),
        {"name": "is_active", "type": "bool", "params": {"p": 0.92}},
        {"name": "created_at", "type": "datetime", "min": "today-5y", "max": "today"},
    ]
    return {"tables": [{"name": "companies", "fields": fields}]}
