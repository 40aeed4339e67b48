"""Each bad input gets a named error, a message that says what is wrong, and stores nothing."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import IngestError, IngestLimits, validate_filename


def _fails(run_ingest, out_path: str, source: bytes | Path, **kwargs: object) -> IngestError:
    with pytest.raises(IngestError) as caught:
        run_ingest(source, **kwargs)
    store = Path(out_path).parent
    assert not store.exists() or not any(store.iterdir())
    return caught.value


def test_empty_file(run_ingest, out_path: str) -> None:
    error = _fails(run_ingest, out_path, b"")
    assert error.code == "empty_file" and "empty" in error.message


def test_whitespace_only_file(run_ingest, out_path: str) -> None:
    assert _fails(run_ingest, out_path, b"\n\n  \n").code == "empty_file"


def test_header_only(run_ingest, out_path: str) -> None:
    error = _fails(run_ingest, out_path, b"name,age,city\n")
    assert error.code == "header_only" and "no data rows" in error.message


def test_binary_garbage(run_ingest, out_path: str) -> None:
    garbage = bytes(range(256)) * 100
    error = _fails(run_ingest, out_path, garbage)
    assert error.code == "binary_content" and "binary" in error.message


def test_html_page_saved_as_csv(run_ingest, out_path: str) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Login</title></head><body>x,y</body></html>\n"
    error = _fails(run_ingest, out_path, page)
    assert error.code == "html_content" and "HTML" in error.message


def test_inconsistent_column_counts(run_ingest, out_path: str) -> None:
    data = b"a,b,c\n1,2,3\n4,5,6\n7,8\n"
    error = _fails(run_ingest, out_path, data)
    assert error.code == "inconsistent_columns"
    assert error.line == 4 and "line 4" in error.message and "2 fields" in error.message


def test_inconsistent_row_deep_in_a_big_file(run_ingest, out_path: str) -> None:
    rows = [f"{i},{i}" for i in range(300_000)]
    rows[250_000] = "1,2,3"
    data = ("a,b\n" + "\n".join(rows) + "\n").encode()
    error = _fails(run_ingest, out_path, data)
    assert error.code == "inconsistent_columns" and error.line == 250_002


def test_ten_thousand_columns(run_ingest, out_path: str) -> None:
    header = ",".join(f"c{i}" for i in range(10_000))
    row = ",".join("1" for _ in range(10_000))
    error = _fails(run_ingest, out_path, f"{header}\n{row}\n".encode())
    assert error.code == "too_many_columns" and "10,000 columns" in error.message
    assert error.line == 1


def test_fifty_megabyte_line(run_ingest, out_path: str, tmp_path: Path) -> None:
    big = tmp_path / "long.csv"
    with big.open("wb") as sink:
        sink.write(b"a,b\n1,2\n")
        for _ in range(50):
            sink.write(b"x" * 1024 * 1024)
        sink.write(b",3\n")
    error = _fails(run_ingest, out_path, big)
    assert error.code == "line_too_long" and error.line == 3
    assert "1,048,576 bytes" in error.message


def test_long_line_after_the_sample(run_ingest, out_path: str) -> None:
    head = b"a,b\n" + b"1,2\n" * 400_000
    error = _fails(run_ingest, out_path, head + b"x" * 2_000_000 + b",3\n")
    assert error.code == "line_too_long" and error.line == 400_002


def test_file_over_the_size_limit(run_ingest, out_path: str) -> None:
    data = b"a,b\n" + b"1,2\n" * 10_000
    error = _fails(run_ingest, out_path, data, limits=IngestLimits(max_bytes=20_000))
    assert error.code == "too_large" and "20,000 bytes" in error.message


def test_gzip_bomb_is_limited_after_decompression(run_ingest, out_path: str) -> None:
    bomb = gzip.compress(b"a,b\n" + b"1,2\n" * 1_000_000)
    assert len(bomb) < 100_000
    error = _fails(run_ingest, out_path, bomb, limits=IngestLimits(max_bytes=1_000_000))
    assert error.code == "too_large" and "decompressed" in error.message


def test_too_many_rows(run_ingest, out_path: str) -> None:
    data = b"a,b\n" + b"1,2\n" * 100
    error = _fails(run_ingest, out_path, data, limits=IngestLimits(max_rows=50))
    assert error.code == "too_many_rows" and "50 rows" in error.message


def test_truncated_gzip(run_ingest, out_path: str) -> None:
    whole = gzip.compress(b"a,b\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(200_000)))
    error = _fails(run_ingest, out_path, whole[: len(whole) // 2])
    assert error.code == "truncated_gzip" and "truncated" in error.message


def test_invalid_utf8_in_a_file_declared_utf8(run_ingest, out_path: str) -> None:
    data = b"a,b\nx,1\ny,2\n\xff\xfe,3\n"
    error = _fails(run_ingest, out_path, data, encoding="utf-8")
    assert error.code == "invalid_encoding" and error.line == 4 and "utf-8" in error.message


def test_invalid_utf8_after_the_sample(run_ingest, out_path: str) -> None:
    data = b"a,b\n" + b"x,1\n" * 300_000 + b"\xc3\x28,2\n"
    error = _fails(run_ingest, out_path, data)
    assert error.code == "invalid_encoding" and error.line == 300_002


def test_unknown_encoding_option(run_ingest, out_path: str) -> None:
    error = _fails(run_ingest, out_path, b"a\n1\n", encoding="klingon")
    assert error.code == "invalid_encoding" and "klingon" in error.message


def test_broken_json_names_the_line(run_ingest, out_path: str) -> None:
    error = _fails(run_ingest, out_path, b'{"a": 1}\n{"a": 2}\n{"a": \n')
    assert error.code == "invalid_json" and error.line == 3


def test_parquet_option_on_a_csv(run_ingest, out_path: str) -> None:
    error = _fails(run_ingest, out_path, b"a,b\n1,2\n", format="parquet")
    assert error.code == "unsupported_format" and "Parquet" in error.message


def test_truncated_parquet(run_ingest, out_path: str) -> None:
    sink = io.BytesIO()
    pq.write_table(pa.table({"a": list(range(1000))}), sink)
    error = _fails(run_ingest, out_path, sink.getvalue()[:300])
    assert error.code == "corrupt_parquet"


def test_service_stays_healthy_after_errors(run_ingest, out_path: str) -> None:
    _fails(run_ingest, out_path, b"")
    result, _ = run_ingest(b"a,b\n1,2\n")
    assert result.row_count == 1


@pytest.mark.parametrize("name", ["../../etc/passwd", "<script>alert(1)</script>.csv", "a\x00b"])
def test_hostile_file_names(name: str) -> None:
    with pytest.raises(IngestError) as caught:
        validate_filename(name)
    assert caught.value.code == "invalid_filename" and "not allowed" in caught.value.message


def test_ordinary_file_name_is_kept() -> None:
    assert validate_filename(" adult (2024) v1.csv ") == "adult (2024) v1.csv"
