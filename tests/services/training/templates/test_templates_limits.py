"""Every template option that can make work grow is bounded before any work.

The schemas here are hostile: each asks for gigabytes or for unbounded work. They are checked
the way the training API checks them, in a child process with a memory limit and a deadline
(``templates.checks``), so that a regression fails these tests instead of the machine.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pyarrow.compute as pc
import pytest

from services.training.templates import checks, generate, plan, strings
from services.training.templates.expressions import FUNCTIONS
from services.training.templates.lengths import LENGTH_RULES
from services.training.templates.limits import CHUNK_CHARS, MAX_ROW_LENGTH
from services.training.templates.validation import field_lengths, row_widths
from services.training.templates.vocab import SUPPORTED_LOCALES, value_lengths

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def checking_pool():
    """One checking process as the API runs them: 256 MiB above its resting memory, 20 s."""
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=checks.prepare,
        initargs=(256 * MiB, 20.0),
    )
    yield pool
    pool.shutdown(cancel_futures=True)


def _check(pool: ProcessPoolExecutor, schema: dict | str, count: int = 100) -> dict[str, str]:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    outcome = pool.submit(checks.check_schema, text, max_fields=1000).result(timeout=60)
    if not outcome["ok"]:
        return {path: message for path, message in outcome["errors"]}
    generation = pool.submit(
        checks.check_generation,
        {"schema": outcome["schema"]},
        count=count,
        seed=1,
        locale="en_US",
        max_rows=10_000_000,
        max_fields=1000,
    ).result(timeout=60)
    return {} if generation["ok"] else {p: m for p, m in generation["errors"]}


def _one(**spec: object) -> dict:
    first = {"name": "a", "type": "string", "max": 100}
    return {"tables": [{"name": "t", "fields": [first, spec]}]}


def _f(**spec: object) -> dict:
    return {"name": "f", **spec}


HOSTILE = [
    # The reported one: a billion repetitions, 13 GB in the API process.
    (_one(**_f(type="string", regex="[a-z]{1000000000}")), "regex", "repeats 1,000,000,000 times"),
    (_one(**_f(type="string", regex="[a-z]{1000}" * 11)), "regex", "up to 11,000 characters"),
    (_one(**_f(type="string", regex="((ab|cd|ef){100}){100}")), "regex", "generation steps"),
    (_one(**_f(type="string", regex="(" * 300 + "a" + ")" * 300)), "regex", "nested"),
    (_one(**_f(type="string", regex="a" * 2000)), "regex", "longer than 1,000"),
    (_one(**_f(type="string", max=1_000_000_000)), "max", "at most 10,000 characters"),
    (_one(**_f(type="string", min=1_000_000)), "min", "at most 10,000 characters"),
    (_one(**_f(type="string", format="#" * 100_000)), "format", "longer than 1,000"),
    (_one(**_f(type="text", params={"max_words": 10**9})), "params.max_words", "[0, 1000]"),
    (_one(**_f(type="text", params={"max_words": 900})), "params.max_words", "could be"),
    (_one(**_f(type="category", categories=["x" * 20_000])), "categories", "20,000 characters"),
    (_one(**_f(type="string", derive="pad(a, 1000000000)")), "derive", "1,000,000,000"),
    (_one(**_f(type="string", template="{a}" * 600)), "template", "could be 60,000"),
    (_one(**_f(type="int", derive="-" * 1999 + "1")), "derive", "nested more than 50"),
    (_one(**_f(type="date", min="today-1e300y")), "min", "not an ISO date"),
    (_one(**_f(type="int", min=-1e300, unique=True)), "min", "within ±2**62"),
    (_one(**_f(type="int", distribution="sequence", params={"step": 2**61})), "params.step", ""),
    (_one(**_f(type="float", distribution="poisson", params={"lam": 1e30})), "params.lam", "1e+12"),
    (_one(**_f(type="bool", params={"p": 5})), "params.p", "within [0, 1]"),
    (_one(**_f(type="float", params={"decimals": 10**9})), "params.decimals", "whole number"),
    (_one(**_f(type="string", unique=True, min=1_000)), "max", "at most 13 characters"),
]


@pytest.mark.parametrize(("schema", "option", "message"), HOSTILE)
def test_a_hostile_option_is_refused_at_its_path(checking_pool, schema, option, message):
    errors = _check(checking_pool, schema)
    path = f"tables[0].fields[1].{option}"
    assert path in errors, errors
    assert message in errors[path]


def test_growth_through_a_chain_of_derived_fields_is_caught_where_it_crosses_the_limit(
    checking_pool,
):
    # Each field triples the one before: 12, 36, 108, ... characters; the seventh would be
    # 26,244 characters long.
    fields = [{"name": "f0", "type": "string"}]
    for i in range(1, 8):
        previous = f"{{f{i - 1}}}"
        fields.append({"name": f"f{i}", "type": "string", "template": previous * 3})
    errors = _check(checking_pool, {"tables": [{"name": "t", "fields": fields}]})
    assert set(errors) == {"tables[0].fields[7].template"}, errors
    assert "26,244 characters" in errors["tables[0].fields[7].template"]


def test_a_row_wider_than_the_limit_is_refused(checking_pool):
    fields = [{"name": f"s{i}", "type": "string", "max": 10_000} for i in range(11)]
    errors = _check(checking_pool, {"tables": [{"name": "t", "fields": fields}]})
    assert f"the limit is {MAX_ROW_LENGTH:,}" in errors["tables[0].fields"]


def test_nan_and_infinite_parameters_are_refused(checking_pool):
    text = json.dumps(_one(**_f(type="float", distribution="normal", params={"std": 1}))).replace(
        '"std": 1', '"std": NaN, "mean": Infinity'
    )
    errors = _check(checking_pool, text)
    assert "finite" in errors["tables[0].fields[1].params.std"]
    assert "finite" in errors["tables[0].fields[1].params.mean"]


def test_rows_per_parent_beyond_the_row_limit_is_refused(checking_pool):
    schema = {
        "tables": [
            {"name": "p", "count": 1, "fields": [{"name": "id", "type": "uuid"}]},
            {
                "name": "c",
                "rows_per_parent": 1e308,
                "fields": [
                    {"name": "p", "type": "uuid", "foreign_key": {"table": "p", "field": "id"}}
                ],
            },
        ]
    }
    assert "at most the row limit" in _check(checking_pool, schema)["tables[1].rows_per_parent"]


def test_wide_but_legal_values_are_generated(checking_pool):
    schema = _one(**_f(type="string", regex="[a-z]{10000}"))
    assert _check(checking_pool, schema, count=5) == {}


def test_wide_rows_get_smaller_chunks():
    schema = {"tables": [{"name": "t", "fields": [{"name": "s", "type": "string", "max": 10_000}]}]}
    planned = plan(schema, count=100)
    width = row_widths(planned.schema)["t"]
    assert width == 10_000
    assert planned.tables[0].max_chunk_rows == CHUNK_CHARS // width
    small = dataclasses.replace(
        planned, tables=(dataclasses.replace(planned.tables[0], rows=20, max_chunk_rows=7),)
    )
    sizes = [batch.num_rows for _, batch in generate(small, chunk_rows=100)]
    assert sizes == [7, 7, 6]


def test_every_builtin_keeps_its_100000_row_chunks():
    for template in ("user", "company", "ecommerce_transaction", "healthcare_ehr"):
        for locale in SUPPORTED_LOCALES:
            planned = plan(template, count=1, locale=locale)
            assert all(t.max_chunk_rows >= 100_000 for t in planned.tables), (template, locale)


def test_length_bounds_hold_for_every_builtin_and_locale():
    """The bounds validation computes are real upper bounds of what is generated."""
    for template in ("user", "company", "ecommerce_transaction", "healthcare_ehr"):
        for locale in SUPPORTED_LOCALES:
            planned = plan(template, count=3_000, locale=locale, seed=5)
            for table in planned.tables:
                bounds = field_lengths(planned.schema, table.index, value_lengths(locale))
                for _, batch in generate(planned, chunk_rows=3_000):
                    if batch.schema != table.arrow_schema:
                        continue
                    for name in batch.schema.names:
                        text = pc.cast(batch.column(name), "string")
                        longest = pc.max(pc.utf8_length(text)).as_py() or 0
                        assert longest <= bounds[name], (template, locale, name, longest)


def test_every_expression_function_has_a_length_rule():
    assert set(LENGTH_RULES) == set(FUNCTIONS)


def test_wide_strings_built_in_slices_are_the_same_strings(monkeypatch):
    alphabet = np.arange(ord("a"), ord("z") + 1, dtype=np.uint32)
    lengths = np.random.default_rng(3).integers(0, 50, 1_000)
    whole = strings.random_strings(alphabet, np.random.default_rng(9), lengths)
    monkeypatch.setattr(strings, "MAX_MATRIX_CELLS", 500)
    sliced = strings.random_strings(alphabet, np.random.default_rng(9), lengths)
    assert sliced.equals(whole)
