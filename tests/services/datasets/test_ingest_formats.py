"""Every supported format and dialect comes out as the same typed table."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import IngestError
from tests import adult

ROWS = [
    {"id": 1, "name": "Zoë, the first", "score": 1.5, "joined": "2021-03-04", "ok": "true"},
    {"id": 2, "name": "Bob", "score": None, "joined": "2021-12-31", "ok": "false"},
    {"id": 3, "name": "Ann", "score": 3.0, "joined": None, "ok": "true"},
]


def _csv(delimiter: str = ",", header: bool = True, missing: str = "") -> str:
    lines = [delimiter.join(ROWS[0])] if header else []
    for row in ROWS:
        cells = [missing if v is None else str(v) for v in row.values()]
        lines.append(delimiter.join(f'"{c}"' if delimiter in c else c for c in cells))
    return "\n".join(lines) + "\n"


def _assert_rows(table: pa.Table) -> None:
    assert table.column("id").type == pa.int64()
    assert table.column("score").type == pa.float64()
    assert table.column("ok").type == pa.bool_()
    assert pa.types.is_timestamp(table.column("joined").type)
    assert table.column("name").to_pylist() == ["Zoë, the first", "Bob", "Ann"]
    assert table.column("score").to_pylist() == [1.5, None, 3.0]
    assert table.column("ok").to_pylist() == [True, False, True]
    assert table.column("joined").null_count == 1


def test_adult_with_no_options(run_ingest, adult_path: Path) -> None:
    result, table = run_ingest(adult_path)
    assert result.row_count == table.num_rows == 32_561
    assert table.num_columns == 15
    assert result.has_header is False and result.delimiter == ","
    assert table.column(0).type == pa.int64()  # age
    assert table.column(0).to_pylist()[:3] == [39, 50, 38]
    assert table.column(1).null_count == 1836  # workclass `?`
    assert table.column(14).type == pa.string()  # income
    assert set(table.column(14).to_pylist()) == {"<=50K", ">50K"}  # padding stripped


def test_adult_with_user_column_names(run_ingest, adult_path: Path) -> None:
    _, table = run_ingest(adult_path, column_names=adult.COLUMNS)
    assert table.column_names == adult.COLUMNS


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_delimiters_are_detected(run_ingest, delimiter: str) -> None:
    result, table = run_ingest(_csv(delimiter).encode())
    assert result.delimiter == delimiter
    assert result.format == ("tsv" if delimiter == "\t" else "csv")
    _assert_rows(table)


def test_tsv_format_option(run_ingest) -> None:
    result, table = run_ingest(_csv("\t").encode(), format="tsv")
    assert result.delimiter == "\t"
    _assert_rows(table)


def test_quoted_fields_with_delimiters_and_newlines(run_ingest) -> None:
    data = b'a,b\n"x, y","line one\nline two"\n"say ""hi""",2\n'
    _, table = run_ingest(data)
    assert table.column("a").to_pylist() == ["x, y", 'say "hi"']
    assert table.column("b").to_pylist() == ["line one\nline two", "2"]


def test_no_header_gets_generated_names(run_ingest) -> None:
    result, table = run_ingest(_csv(header=False).encode())
    assert result.has_header is False
    assert table.column_names == [f"column_{i}" for i in range(1, 6)]
    assert table.num_rows == 3


def test_header_option_overrides_detection(run_ingest) -> None:
    _, table = run_ingest(b"a,b\nc,d\n", has_header=False)
    assert table.num_rows == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
def test_encodings(run_ingest, encoding: str) -> None:
    last = "€uro,5\n" if encoding == "cp1252" else "Köln,5\n"
    text = "city,price\nZürich,3\nMontréal,4\n" + last
    result, table = run_ingest(text.encode(encoding))
    assert table.column_names == ["city", "price"]  # no BOM left in the first name
    assert table.column("city").to_pylist()[:2] == ["Zürich", "Montréal"]
    assert result.encoding in ({"utf-8-sig"} if encoding == "utf-8-sig" else {"utf-8", "cp1252"})


def test_missing_tokens_and_padding(run_ingest) -> None:
    data = b"a,b,c,d\n 1 , ? , NA ,x\n 2 ,N/A,null,\n 3 , y ,z, -\n"
    _, table = run_ingest(data, missing_values=["-"])
    assert table.column("a").to_pylist() == [1, 2, 3]
    assert table.column("b").to_pylist() == [None, None, "y"]
    assert table.column("c").to_pylist() == [None, None, "z"]
    assert table.column("d").to_pylist() == ["x", None, None]


def test_late_values_widen_the_type(run_ingest) -> None:
    rows = [str(i) for i in range(200_000)] + ["2.5", "many"]
    data = ("n,m\n" + "\n".join(f"{v},{i}" for i, v in enumerate(rows)) + "\n").encode()
    _, table = run_ingest(data)
    assert table.column("n").type == pa.string()
    assert table.column("m").type == pa.int64()
    assert table.column("n").to_pylist()[-2:] == ["2.5", "many"]


def test_leading_zero_codes_stay_text(run_ingest) -> None:
    _, table = run_ingest(b"zip,n\n02134,1\n10001,2\n")
    assert table.column("zip").to_pylist() == ["02134", "10001"]


def test_duplicate_and_empty_names(run_ingest) -> None:
    result, table = run_ingest(b"a,a, ,b\n1,2,3,4\n")
    assert table.column_names == ["a", "a_2", "column_3", "b"]
    assert result.warnings


def test_user_names_must_match_the_column_count(run_ingest, out_path: str) -> None:
    with pytest.raises(IngestError) as error:
        run_ingest(b"a,b\n1,2\n", column_names=["x"])
    assert error.value.code == "column_count_mismatch"
    assert "1 column names" in error.value.message and "2 columns" in error.value.message
    assert not Path(out_path).exists()


@pytest.mark.parametrize("kind", ["csv", "tsv", "json", "jsonl", "parquet"])
def test_gzip_of_each_format(run_ingest, kind: str) -> None:
    result, table = run_ingest(gzip.compress(_encode(kind)))
    assert result.compressed
    _assert_rows(table)


def _encode(kind: str) -> bytes:
    if kind == "csv":
        return _csv().encode()
    if kind == "tsv":
        return _csv("\t").encode()
    if kind == "json":
        return json.dumps(ROWS, indent=2).encode()
    if kind == "jsonl":
        return "\n".join(json.dumps(r) for r in ROWS).encode()
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(ROWS), sink)
    return sink.getvalue()


@pytest.mark.parametrize("kind", ["json", "jsonl", "parquet"])
def test_json_and_parquet(run_ingest, kind: str) -> None:
    result, table = run_ingest(_encode(kind))
    assert result.format == kind
    _assert_rows(table)


def test_parquet_keeps_its_types(run_ingest) -> None:
    sink = io.BytesIO()
    source = pa.table({"x": pa.array([1, 2], pa.int16()), "s": [" a ", "?"]})
    pq.write_table(source, sink)
    _, table = run_ingest(sink.getvalue())
    assert table.column("x").type == pa.int16()
    assert table.column("s").to_pylist() == ["a", None]


def test_json_keys_appearing_late_become_columns(run_ingest) -> None:
    lines = [json.dumps({"a": i}) for i in range(12_000)] + [json.dumps({"a": 1, "b": "x"})]
    _, table = run_ingest("\n".join(lines).encode())
    assert table.column_names == ["a", "b"]
    assert table.column("b").null_count == 12_000
