"""Money: ``ecommerce_transaction`` and ``finance_transactions``."""

from __future__ import annotations

import math
from typing import Any

from services.training.templates.builtin.fields import Options, cat, derived, fk, local_money, seq

# category: {product: its typical price in US dollars}. A row's price is that times a
# log-normal spread (most within -40 %..+65 %), so a laptop never costs less than a charger.
_PRICES = {
    "Electronics": {
        "Wireless Headphones": 120,
        "Smartphone": 650,
        "Laptop": 950,
        "USB-C Charger": 20,
        "Smartwatch": 250,
    },
    "Clothing": {"T-Shirt": 18, "Jeans": 55, "Rain Jacket": 90, "Sneakers": 85, "Wool Sweater": 70},
    "Home & Kitchen": {
        "Coffee Maker": 80,
        "Chef Knife": 45,
        "Desk Lamp": 35,
        "Cookware Set": 150,
        "Blender": 65,
    },
    "Books": {
        "Novel": 15,
        "Cookbook": 25,
        "Travel Guide": 20,
        "Biography": 22,
        "Children's Book": 10,
    },
    "Sports": {
        "Yoga Mat": 30,
        "Running Shoes": 110,
        "Dumbbells": 45,
        "Tennis Racket": 120,
        "Bike Helmet": 60,
    },
    "Beauty": {"Face Cream": 30, "Shampoo": 9, "Perfume": 75, "Lipstick": 18, "Sunscreen": 14},
    "Toys": {
        "Building Blocks": 40,
        "Puzzle": 18,
        "Board Game": 35,
        "Plush Bear": 20,
        "Toy Car": 15,
    },
}
_PRODUCTS = {category: tuple(products) for category, products in _PRICES.items()}
_PRICE = {product: price for products in _PRICES.values() for product, price in products.items()}


def ecommerce(options: Options) -> dict[str, Any]:
    shipped = "('shipped', 'delivered', 'returned')"
    fields = [
        seq("order_id"),
        {"name": "transaction_id", "type": "uuid", "unique": True},
        {"name": "customer_id", "type": "int", "min": 1, "max": 250_000},
        {"name": "product_id", "type": "int", "min": 1, "max": 20_000},
        {"name": "customer_email", "type": "email"},
        derived("product_name", "string", f"choice_by(product_category, {_PRODUCTS!r})"),
        cat("product_category", list(_PRODUCTS), [0.22, 0.2, 0.16, 0.12, 0.1, 0.1, 0.1]),
        {
            "name": "quantity",
            "type": "int",
            "distribution": "poisson",
            "params": {"lam": 1.3},
            "min": 1,
            "max": 20,
        },
        derived(
            "unit_price_usd",
            "float",
            f"max(0.99, round(map(product_name, {_PRICE!r}) * {math.e!r} ** normal(0, 0.3), 2))",
            hidden=True,
        ),
        derived("unit_price", "float", local_money("unit_price_usd")),
        cat("discount_percent", [0, 5, 10, 15, 20, 25], [0.6, 0.12, 0.12, 0.08, 0.05, 0.03]),
        derived("subtotal", "float", "round(quantity * unit_price, money_decimals())"),
        derived(
            "discount_amount",
            "float",
            "round(subtotal * discount_percent / 100, money_decimals())",
        ),
        cat("tax_rate", [0.0, 0.05, 0.07, 0.0825, 0.1]) | {"hidden": True},
        derived(
            "tax_amount",
            "float",
            "round((subtotal - discount_amount) * tax_rate, money_decimals())",
        ),
        derived(
            "shipping_cost",
            "float",
            "0.0 if shipping_method == 'pickup' "
            "or subtotal - discount_amount >= 100 * price_level() else "
            + local_money(
                "map(shipping_method, {'standard': 4.99, 'express': 12.99, 'overnight': 24.99})"
            ),
        ),
        derived(
            "total_amount",
            "float",
            "round(subtotal - discount_amount + tax_amount + shipping_cost, money_decimals())",
        ),
        derived("currency", "string", "currency()"),
        cat(
            "payment_method",
            ["credit_card", "debit_card", "paypal", "bank_transfer", "gift_card"],
            [0.45, 0.25, 0.18, 0.08, 0.04],
        ),
        cat(
            "order_status",
            ["pending", "processing", "shipped", "delivered", "cancelled", "returned"],
            [0.04, 0.06, 0.12, 0.68, 0.05, 0.05],
        ),
        cat(
            "shipping_method",
            ["standard", "express", "overnight", "pickup"],
            [0.6, 0.25, 0.08, 0.07],
        ),
        {"name": "shipping_address", "type": "address"},
        {"name": "order_date", "type": "datetime", "min": "today-2y", "max": "today-14d"},
        derived(
            "shipped_date",
            "datetime",
            f"order_date + hours(randint(2, 96)) if order_status in {shipped} else None",
        ),
        derived(
            "delivered_date",
            "datetime",
            "shipped_date + days(randint(1, 7)) + hours(randint(0, 12)) "
            "if order_status in ('delivered', 'returned') else None",
        ),
    ]
    return {"tables": [{"name": "transactions", "fields": fields}]}


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


def finance(options: Options) -> dict[str, Any]:
    fraud_rate = float(options["fraud_rate"])
    accounts = [
        seq("account_id"),
        # The email is the holder's, as a bank's records would have it.
        {"name": "holder_first", "type": "first_name", "hidden": True},
        {"name": "holder_last", "type": "last_name", "hidden": True},
        derived("holder_name", "name", "full_name(holder_first, holder_last)"),
        {
            "name": "holder_email",
            "type": "email",
            "template": "{slug(holder_first)}.{slug(holder_last)}{account_id}@{email_domain()}",
        },
        cat(
            "account_type",
            ["checking", "savings", "credit_card", "business"],
            [0.5, 0.2, 0.22, 0.08],
        ),
        derived("currency", "string", "currency()"),
        {"name": "home_city", "type": "city"},
        {"name": "home_country", "type": "country"},
        # Opened before the year of transactions starts, so none comes before its account.
        {"name": "opened_at", "type": "date", "min": "today-15y", "max": "today-1y"},
        {
            "name": "credit_limit_usd",
            "type": "float",
            "distribution": "lognormal",
            "params": {"mean": 8.5, "sigma": 0.6, "decimals": 0},
            "min": 500,
            "max": 100_000,
            "hidden": True,
        },
        # Only a card or a business account has a credit limit.
        derived(
            "credit_limit",
            "float",
            local_money("credit_limit_usd")
            + " if account_type in ('credit_card', 'business') else None",
        ),
    ]
    transactions = [
        {"name": "transaction_id", "type": "uuid", "unique": True},
        fk("account_id", "accounts", "account_id"),
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
        derived(
            "amount",
            "float",
            local_money("(base_amount * uniform(3, 12) if is_fraud else base_amount)"),
        ),
        derived("currency", "string", "currency()"),
        {"name": "merchant", "type": "company"},
        cat(
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
        derived(
            "channel",
            "string",
            "choice('online', 'online', 'online', 'atm') if is_fraud "
            "else choice('pos', 'pos', 'pos', 'online', 'online', 'atm', 'transfer')",
        ),
        derived("abroad", "bool", "bernoulli(0.55) if is_fraud else bernoulli(0.04)", hidden=True),
        {"name": "foreign_place", "type": "int", "min": 0, "max": 6, "hidden": True},
        derived("country", "string", f"map(foreign_place, {_foreign(1)}) if abroad else country()"),
        derived("city", "string", f"map(foreign_place, {_foreign(0)}) if abroad else city()"),
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
