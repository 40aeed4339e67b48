"""The pieces built-in templates are written with: field dictionaries of the schema language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Options = Mapping[str, Any]


def seq(name: str) -> dict[str, Any]:
    return {"name": name, "type": "int", "distribution": "sequence", "unique": True}


def cat(name: str, categories: list[Any], weights: list[float] | None = None) -> dict[str, Any]:
    return {"name": name, "type": "category", "categories": categories, "weights": weights}


def derived(name: str, type_: str, expression: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "derive": expression, **extra}


def fk(name: str, table: str, field: str, mode: str = "random") -> dict[str, Any]:
    ref = {"table": table, "field": field, "mode": mode}
    return {"name": name, "type": "int", "foreign_key": ref}


def local_money(usd: str) -> str:
    """An amount given in US dollars, in the locale's currency: scaled by its price level and
    rounded to its minor unit (cents; whole yen)."""
    return f"round({usd} * price_level(), money_decimals())"
