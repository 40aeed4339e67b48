"""The multi-table contract refuses what no engine can learn, and orders parents first."""

import pytest

from common.contracts.relational import ForeignKey, RelationalError, RelationalSchema, TableSpec


def _shop(**extra: object) -> dict[str, object]:
    return {
        "tables": [
            {"name": "lines", "columns": ["line_id", "order_id", "qty"], "primary_key": "line_id"},
            {
                "name": "customers",
                "columns": ["customer_id", "country"],
                "primary_key": "customer_id",
            },
            {
                "name": "orders",
                "columns": ["order_id", "customer_id", "at"],
                "primary_key": "order_id",
                "sequence": {"entity_key": "customer_id", "order_column": "at"},
            },
        ],
        "foreign_keys": [
            {
                "parent_table": "customers",
                "parent_column": "customer_id",
                "child_table": "orders",
                "child_column": "customer_id",
            },
            {
                "parent_table": "orders",
                "parent_column": "order_id",
                "child_table": "lines",
                "child_column": "order_id",
            },
        ],
        **extra,
    }


def test_parents_come_before_children_whatever_the_listed_order() -> None:
    schema = RelationalSchema.parse(_shop())
    assert [table.name for table in schema.order()] == ["customers", "orders", "lines"]
    assert schema.parent_key("lines") == ForeignKey(
        parent_table="orders",
        parent_column="order_id",
        child_table="lines",
        child_column="order_id",
    )
    assert [key.child_table for key in schema.child_keys("customers")] == ["orders"]
    assert schema.parent_key("customers") is None
    assert not schema.is_single_table


def test_a_single_plain_table_is_single_but_a_sequential_one_is_not() -> None:
    assert RelationalSchema(tables=[TableSpec(name="adult")]).is_single_table
    sequential = {"name": "temps", "sequence": {"entity_key": "station", "order_column": "date"}}
    assert not RelationalSchema.parse({"tables": [sequential]}).is_single_table


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s["foreign_keys"].append(
                {
                    "parent_table": "lines",
                    "parent_column": "line_id",
                    "child_table": "customers",
                    "child_column": "customer_id",
                }
            ),
            "cycle: orders → customers → lines → orders",
        ),
        (
            lambda s: s["foreign_keys"].append(
                {
                    "parent_table": "customers",
                    "parent_column": "customer_id",
                    "child_table": "lines",
                    "child_column": "order_id",
                }
            ),
            "lines already has a parent (orders)",
        ),
        (lambda s: s["foreign_keys"][0].update(parent_table="shops"), "no table 'shops'"),
        (
            lambda s: s["foreign_keys"][0].update(child_column="client"),
            "orders has no column 'client'",
        ),
        (
            lambda s: s["foreign_keys"][0].update(parent_column="country"),
            "'country' is not the primary key of customers",
        ),
        (
            lambda s: s["tables"][2]["sequence"].update(order_column="when"),
            "orders has no column 'when'",
        ),
        (lambda s: s["tables"].append({"name": "orders"}), "table 'orders' appears twice"),
        (lambda s: s.update(tables=[]), "tables: List should have at least 1 item"),
    ],
)
def test_what_cannot_be_learned_is_refused_with_its_path(change, message: str) -> None:
    shape = _shop()
    change(shape)
    with pytest.raises(RelationalError) as refused:
        RelationalSchema.parse(shape)
    assert message in str(refused.value)
