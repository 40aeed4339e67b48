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
from services.training.templates.builtin.commerce import ecommerce, finance
from services.training.templates.builtin.fields import Options
from services.training.templates.builtin.health import healthcare
from services.training.templates.builtin.people import company, user
from services.training.templates.builtin.robotics import robotics


@dataclass(frozen=True)
class TemplateInfo:
    """A built-in template: its id, a description and the options it accepts."""

    id: str
    description: str
    options: Mapping[str, float]
    build: Callable[[Options], dict[str, Any]]


TEMPLATES: dict[str, TemplateInfo] = {
    info.id: info
    for info in (
        TemplateInfo("user", "People with consistent names, emails, ages and addresses", {}, user),
        TemplateInfo(
            "ecommerce_transaction",
            "Orders whose totals, taxes and shipping dates add up",
            {},
            ecommerce,
        ),
        TemplateInfo(
            "company", "Companies with industry, size, financials and contacts", {}, company
        ),
        TemplateInfo(
            "healthcare_ehr",
            "Patients -> visits -> labs and medications, joined by keys",
            {},
            healthcare,
        ),
        TemplateInfo(
            "finance_transactions",
            "Accounts and card transactions with a fraud flag at a chosen rate",
            {"fraud_rate": 0.01, "transactions_per_account": 20},
            finance,
        ),
        TemplateInfo(
            "robotics_sensors",
            "IMU and GPS time series per device, with noise and injected failures",
            {"sampling_rate_hz": 10, "gps_rate_hz": 1, "duration_s": 60, "failure_rate": 0.01},
            robotics,
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
