"""Custom schemas: distributions, unique, nulls, patterns, derivations, FKs, determinism."""

from __future__ import annotations

import csv
import io
import re
import statistics

import fsspec
import numpy as np
import pyarrow as pa
import pytest

from services.training.exports import ChunkedParquetWriter, export
from services.training.templates import generate, plan


def _rows(schema: dict, count: int = 5_000, seed: int = 3, chunk_rows: int = 1_500) -> dict:
    p = plan(schema, count=count, seed=seed)
    out: dict[str, list[pa.RecordBatch]] = {}
    for name, batch in generate(p, chunk_rows=chunk_rows):
        out.setdefault(name, []).append(batch)
    return {name: pa.Table.from_batches(b) for name, b in out.items()}


def _one(fields: list[dict], **kwargs) -> pa.Table:
    return _rows({"tables": [{"name": "t", "fields": fields}]}, **kwargs)["t"]


def test_numeric_distributions_follow_their_parameters():
    t = _one(
        [
            {"name": "u", "type": "int", "min": 10, "max": 20},
            {
                "name": "n",
                "type": "float",
                "distribution": "normal",
                "params": {"mean": 50, "std": 5},
            },
            {"name": "p", "type": "int", "distribution": "poisson", "params": {"lam": 4}},
            {
                "name": "l",
                "type": "float",
                "distribution": "lognormal",
                "params": {"mean": 1, "sigma": 0.5},
            },
            {
                "name": "c",
                "type": "float",
                "distribution": "normal",
                "params": {"mean": 0, "std": 10},
                "min": -1,
                "max": 1,
            },
        ],
        count=20_000,
    )
    u = t.column("u").to_pylist()
    assert min(u) == 10 and max(u) == 20
    n = t.column("n").to_pylist()
    assert statistics.fmean(n) == pytest.approx(50, abs=0.2)
    assert statistics.stdev(n) == pytest.approx(5, abs=0.2)
    assert statistics.fmean(t.column("p").to_pylist()) == pytest.approx(4, abs=0.1)
    assert statistics.median(t.column("l").to_pylist()) == pytest.approx(np.e, rel=0.05)
    clipped = t.column("c").to_pylist()
    assert min(clipped) == -1 and max(clipped) == 1


def test_weighted_categories_and_bool_probability():
    t = _one(
        [
            {"name": "c", "type": "category", "categories": ["a", "b", "c"], "weights": [6, 3, 1]},
            {"name": "b", "type": "bool", "params": {"p": 0.2}},
        ],
        count=20_000,
    )
    values = t.column("c").to_pylist()
    assert values.count("a") / len(values) == pytest.approx(0.6, abs=0.02)
    assert values.count("c") / len(values) == pytest.approx(0.1, abs=0.02)
    assert sum(t.column("b").to_pylist()) / len(values) == pytest.approx(0.2, abs=0.02)


def test_unique_values_are_unique_across_chunks():
    t = _one(
        [
            {"name": "i", "type": "int", "unique": True, "min": 1, "max": 5_000},
            {"name": "d", "type": "date", "unique": True, "min": "2000-01-01", "max": "2020-12-31"},
            {"name": "s", "type": "string", "unique": True, "max": 4},
            {"name": "e", "type": "email", "unique": True},
            {"name": "u", "type": "uuid"},
        ],
        count=5_000,
        chunk_rows=777,
    )
    for name in ("i", "d", "s", "e", "u"):
        assert len(set(t.column(name).to_pylist())) == 5_000, name
    assert sorted(t.column("i").to_pylist()) == list(range(1, 5_001))
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", u)
        for u in t.column("u").to_pylist()
    )


def test_null_rate_is_respected():
    t = _one([{"name": "x", "type": "city", "null_rate": 0.25}], count=20_000)
    assert t.column("x").null_count / 20_000 == pytest.approx(0.25, abs=0.015)


def test_regex_and_format_are_matched():
    regex = r"[A-Z]{2}-\d{3,5}(-[a-z]x)?|ID_[0-9a-f]{6}"
    t = _one(
        [
            {"name": "r", "type": "string", "regex": regex},
            {"name": "f", "type": "string", "format": "??-####"},
            {"name": "d", "type": "date", "format": "%d/%m/%Y"},
        ]
    )
    values = t.column("r").to_pylist()
    assert all(re.fullmatch(regex, v) for v in values)
    assert len(set(values)) > 4_000
    assert any(v.startswith("ID_") for v in values) and any(v.endswith("x") for v in values)
    assert all(re.fullmatch(r"[A-Z]{2}-\d{4}", v) for v in t.column("f").to_pylist())
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", v) for v in t.column("d").to_pylist())


def test_derived_fields_in_any_order_and_templates():
    t = _one(
        [
            {"name": "total", "type": "float", "derive": "round(qty * price * (1 - rebate), 2)"},
            {"name": "label", "type": "string", "template": "{upper(kind)}-{pad(qty, 3)}"},
            {"name": "qty", "type": "int", "min": 1, "max": 9},
            {"name": "price", "type": "float", "min": 1, "max": 100, "params": {"decimals": 2}},
            {
                "name": "rebate",
                "type": "float",
                "derive": "0.1 if qty >= 5 else 0.0",
                "hidden": True,
            },
            {"name": "kind", "type": "category", "categories": ["a", "b"]},
        ]
    )
    assert "rebate" not in t.column_names
    for row in t.to_pylist():
        rebate = 0.1 if row["qty"] >= 5 else 0.0
        # Rounding to cents may differ by one cent on halfway cases.
        assert row["total"] == pytest.approx(row["qty"] * row["price"] * (1 - rebate), abs=0.011)
        assert row["label"] == f"{row['kind'].upper()}-{row['qty']:03d}"


def test_foreign_keys_point_at_existing_parents():
    schema = {
        "tables": [
            {
                "name": "orders",
                "rows_per_parent": 4,
                "fields": [
                    {"name": "order_id", "type": "uuid"},
                    {
                        "name": "customer",
                        "type": "int",
                        "foreign_key": {"table": "customers", "field": "cid"},
                    },
                ],
            },
            {
                "name": "customers",
                "fields": [
                    {"name": "cid", "type": "int", "unique": True, "min": 1000, "max": 10**9},
                ],
            },
            {
                "name": "lines",
                "rows_per_parent": 2.5,
                "fields": [
                    {
                        "name": "order_id",
                        "type": "uuid",
                        "foreign_key": {"table": "orders", "field": "order_id"},
                    },
                ],
            },
        ]
    }
    tables = _rows(schema, count=800)
    customers = set(tables["customers"].column("cid").to_pylist())
    assert len(customers) == 800
    orders = tables["orders"]
    assert orders.num_rows == 3_200
    assert set(orders.column("customer").to_pylist()) <= customers
    assert set(tables["lines"].column("order_id").to_pylist()) <= set(
        orders.column("order_id").to_pylist()
    )
    assert tables["lines"].num_rows == 8_000


def _csv_bytes(tmp_path, seed: int, chunk_rows: int = 1_000) -> bytes:
    fs = fsspec.filesystem("file")
    path = str(tmp_path / f"user-{seed}-{chunk_rows}.parquet")
    p = plan("user", count=3_000, seed=seed, locale="fr_FR")
    writer = None
    for _, batch in generate(p, chunk_rows=chunk_rows):
        writer = writer or ChunkedParquetWriter(fs, path, batch.schema)
        writer.write(batch)
    writer.close()
    sink = io.BytesIO()
    export(fs, path, "csv", sink)
    return sink.getvalue()


def test_same_seed_gives_identical_bytes_and_other_seeds_differ(tmp_path):
    first = _csv_bytes(tmp_path, seed=5)
    assert first == _csv_bytes(tmp_path, seed=5)
    assert first != _csv_bytes(tmp_path, seed=6)
    assert first.count(b"\n") == 3_001


def test_progress_reports_every_chunk_up_to_the_total():
    p = plan("healthcare_ehr", count=100, seed=1)
    seen: list[tuple[int, int]] = []
    rows = sum(
        b.num_rows for _, b in generate(p, chunk_rows=64, progress=lambda d, t: seen.append((d, t)))
    )
    assert rows == p.total_rows == 100 + 300 + 600 + 360
    assert seen[-1] == (p.total_rows, p.total_rows)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_chunks_never_exceed_chunk_rows():
    p = plan("user", count=2_500, seed=1)
    sizes = [b.num_rows for _, b in generate(p, chunk_rows=1_000)]
    assert sizes == [1_000, 1_000, 500]


def test_datetimes_download_to_the_second_and_keep_a_fraction_they_have(tmp_path):
    fs = fsspec.filesystem("file")
    path = str(tmp_path / "t.parquet")
    fields = [
        {"name": "at", "type": "datetime"},
        {"name": "later", "type": "datetime", "derive": "at + hours(1)"},
        {"name": "tick", "type": "datetime", "derive": "at + seconds(0.25)"},
    ]
    p = plan({"tables": [{"name": "t", "fields": fields}]}, count=50, seed=1)
    with ChunkedParquetWriter(fs, path, p.tables[0].arrow_schema) as writer:
        for _, batch in generate(p, chunk_rows=20):
            writer.write(batch)
    sink = io.BytesIO()
    export(fs, path, "csv", sink)
    rows = list(csv.DictReader(io.StringIO(sink.getvalue().decode())))
    # A user sees "2024-02-09 12:40:37", not "2024-02-09 12:40:37.000000", in every column of
    # whole seconds, generated or derived; a time with a fraction of a second keeps it.
    second = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    assert len(rows) == 50
    assert all(second.fullmatch(r["at"]) and second.fullmatch(r["later"]) for r in rows)
    assert all(r["tick"].endswith(".250000") for r in rows)
