"""Hostile JSON and encodings get typed errors naming the problem;
UTF-16/32 files with a byte order mark and legacy encodings (cp1251, Shift-JIS, ...) are read
without garbling; a record or value too long is refused like a CSV line; batches read from
JSON and Parquet stay bounded in bytes whatever the file's compression ratio."""

from __future__ import annotations

import codecs
import io
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from services.datasets.ingest import IngestError, IngestLimits
from services.datasets.ingest.parquet_io import BATCH_BYTES, iter_batches, open_parquet
from services.datasets.ingest.reader import JSON_BATCH_BYTES, JsonReader
from services.datasets.ingest.sniff import Sniffed

MiB = 1024 * 1024


def _fails(run_ingest, source: bytes | Path, **options: object) -> IngestError:
    with pytest.raises(IngestError) as caught:
        run_ingest(source, **options)
    return caught.value


# --- JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1}\n{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        b'[{"a": 1}, {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["jsonl", "array", "array-of-arrays"],
)
def test_json_nested_100000_deep_is_a_typed_error(run_ingest, data: bytes) -> None:
    error = _fails(run_ingest, data)
    assert error.code == "json_too_deep" and "nested too deeply" in error.message


def test_a_5000_digit_integer_in_jsonl_names_its_line(run_ingest) -> None:
    data = b'{"a": 1}\n{"a": ' + b"7" * 5000 + b"}\n"
    error = _fails(run_ingest, data)
    assert error.code == "number_too_long" and error.line == 2
    assert "5,000 digits" in error.message


def test_a_compact_json_array_over_a_mebibyte_is_read(run_ingest) -> None:
    # json.dumps writes no line breaks: the whole array is one 3 MB line.
    rows = [{"id": i, "city": "Zürich é", "note": "x" * 50} for i in range(40_000)]
    result, table = run_ingest(json.dumps(rows, ensure_ascii=False).encode())
    assert result.format == "json" and table.num_rows == 40_000
    # Multi-byte characters cut by the 1 MiB read boundaries come back whole.
    assert set(table.column("city").to_pylist()) == {"Zürich é"}


def test_a_json_record_longer_than_the_line_limit_is_refused(run_ingest) -> None:
    record = json.dumps({"a": list(range(300_000))}, indent=1)  # 2.6 MB over many lines
    error = _fails(run_ingest, f'[{{"a": 1}},\n{record}]'.encode())
    assert error.code == "record_too_large" and error.line == 2
    assert "1,048,576 bytes" in error.message


def test_json_batches_are_bounded_in_bytes() -> None:
    line = json.dumps({"text": "y" * 100_000}).encode() + b"\n"
    data = line * 300  # 30 MB
    reader = JsonReader(
        lambda: io.BytesIO(data),
        Sniffed(format="jsonl", compressed=False, encoding="utf-8"),
        IngestLimits(),
    )
    batches = list(reader.batches())
    assert sum(b.num_rows for b in batches) == 300
    assert max(b.nbytes for b in batches) <= JSON_BATCH_BYTES + len(line)


# --- encodings -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["hex", "rot13", "base64", "zlib", "klingon"])
def test_an_encoding_that_is_no_character_encoding_is_named(run_ingest, encoding) -> None:
    error = _fails(run_ingest, b"city,price\nParis,3\n", encoding=encoding)
    assert error.code == "invalid_encoding" and repr(encoding) in error.message


def test_utf16_declared_on_a_file_that_is_not_is_a_typed_error(run_ingest) -> None:
    error = _fails(run_ingest, "city,price\nZürich,3\nParis,4\n".encode(), encoding="utf-16")
    assert error.code == "invalid_encoding" and "utf-16" in error.message


TEXT = "city,price\nZürich,3\nMontréal,4\nKöln,5\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-16"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
        codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_utf16_and_utf32_files_with_a_byte_order_mark_are_read(run_ingest, data) -> None:
    result, table = run_ingest(data)
    assert table.column_names == ["city", "price"]
    assert table.column("city").to_pylist() == ["Zürich", "Montréal", "Köln"]
    assert table.column("price").to_pylist() == [3, 4, 5]
    assert result.encoding in ("utf-16", "utf-32")


def test_utf16_without_a_byte_order_mark_needs_the_option(run_ingest) -> None:
    data = TEXT.encode("utf-16-le")
    error = _fails(run_ingest, data)
    assert error.code == "binary_content" and "byte order mark" in error.message
    _, table = run_ingest(data, encoding="utf-16-le")
    assert table.column("city").to_pylist() == ["Zürich", "Montréal", "Köln"]


_rng = random.Random(12)
RUSSIAN = "город,имя,цена\n" + "".join(
    f"{_rng.choice(['Москва', 'Санкт-Петербург', 'Новосибирск', 'Екатеринбург'])},"
    f"{_rng.choice(['Иванов', 'Смирнов', 'Кузнецов', 'Попов'])},{i}\n"
    for i in range(40)
)
JAPANESE = "都市,氏名,価格,備考\n" + "".join(
    f"{_rng.choice(['東京', '大阪', '名古屋', '札幌', '福岡', '横浜'])},"
    f"{_rng.choice(['佐藤', '鈴木', '高橋', '田中', '伊藤'])},{i},テスト\n"
    for i in range(40)
)
CHINESE = "城市,价格\n" + "".join(
    f"{_rng.choice(['北京', '上海', '广州', '深圳'])},{i}\n" for i in range(40)
)
SPANISH = "ciudad,apellido\n" + "".join(
    f"{_rng.choice(['Logroño', 'A Coruña', 'Cádiz', 'Málaga'])},"
    f"{_rng.choice(['Muñoz', 'Ibáñez', 'Núñez'])}\n"
    for _ in range(40)
)
POLISH = "miasto,cena\nŁódź,3\nKraków,4\nGdańsk,5\nWrocław,6\nPoznań,7\n"
JAPANESE_FIVE_LINES = "都市,価格\n東京,3\n大阪,4\n名古屋,5\n札幌,6\n福岡,7\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (JAPANESE, "shift_jis"),
        (JAPANESE, "euc_jp"),
        (JAPANESE_FIVE_LINES, "shift_jis"),
        (CHINESE, "gb18030"),
        (SPANISH, "cp1252"),
        (POLISH, "cp1250"),
    ],
)
def test_legacy_encodings_without_a_declared_encoding_are_not_garbled(
    run_ingest, text: str, encoding: str
) -> None:
    result, table = run_ingest(text.encode(encoding))
    header, *lines = text.splitlines()
    assert table.column_names == header.split(",")
    first = table.column(0).to_pylist()
    assert first == [line.split(",")[0] for line in lines]
    assert any("not UTF-8" in w and result.encoding in w for w in result.warnings)


def test_a_declared_encoding_brings_no_warning(run_ingest) -> None:
    result, table = run_ingest(RUSSIAN.encode("cp1251"), encoding="cp1251")
    assert table.column("город").to_pylist()[0] in (
        "Москва",
        "Санкт-Петербург",
        "Новосибирск",
        "Екатеринбург",
    )
    assert not [w for w in result.warnings if "UTF-8" in w]


# --- Parquet ---------------------------------------------------------------------------


def _parquet(table: pa.Table, **options: object) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, **options)
    return sink.getvalue()


def test_a_parquet_value_longer_than_the_line_limit_is_refused(run_ingest) -> None:
    big = _parquet(pa.table({"a": ["short", "x" * (2 * MiB)]}))
    error = _fails(run_ingest, big)
    assert error.code == "value_too_long" and "'a'" in error.message
    assert "2,097,152 bytes" in error.message


@pytest.mark.parametrize(
    "options",
    [{}, {"use_dictionary": False, "compression": "zstd"}],
    ids=["dictionary-page", "plain-zstd"],
)
def test_parquet_batches_are_bounded_in_decoded_bytes(tmp_path: Path, options) -> None:
    # 20,000 rows of 4,000 characters: 80 MB of text in a file of kilobytes.
    values = ["x" * 3990 + f"{i:010d}" for i in range(20_000)]
    if "use_dictionary" not in options:
        values = ["x" * 4000] * 20_000
    path = tmp_path / "bomb.parquet"
    pq.write_table(
        pa.table({"text": values, "n": range(20_000)}), path, row_group_size=20_000, **options
    )
    assert path.stat().st_size < 2 * MiB
    batches = list(iter_batches(open_parquet(str(path)), 65_536))
    assert sum(b.num_rows for b in batches) == 20_000
    assert max(b.nbytes for b in batches) <= BATCH_BYTES + 8_000
    assert batches[0].column("text").type == pa.string()
