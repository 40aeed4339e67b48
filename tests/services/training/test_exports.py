"""Exporters: round trips against the source Parquet, quoting of nasty values, a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import fsspec
import psycopg2
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from services.training.export_sql import quote_identifier
from services.training.exports import ChunkedParquetWriter, export, iter_export

NASTY = [
    "O'Reilly",
    'say "hi"',
    "back\\slash \\' \\n",
    "line\nbreak\r\nwindows",
    "tab\there",
    "",
    None,
    "ünïcödé ß 日本語",
    "emoji 🎉👩‍👩‍👧",
    "=SUM(A1:A9)",
    "+cmd",
    "-1+2",
    "@import",
    "; DROP TABLE users; --",
    "$$dollar$$",
]


def _table() -> pa.Table:
    n = len(NASTY)
    return pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "text": pa.array(NASTY, pa.string()),
            "score": pa.array(
                [1.5, float("nan"), float("inf"), float("-inf"), None, 0.1, 1e20]
                + [-2.25] * (n - 7),
                pa.float64(),
            ),
            "flag": pa.array([True, False, None] * (n // 3), pa.bool_()),
            "day": pa.array([dt.date(2024, 2, 29), None] + [dt.date(1999, 12, 31)] * (n - 2)),
            "at": pa.array(
                [dt.datetime(2024, 1, 2, 3, 4, 5, 678901), None]
                + [dt.datetime(2000, 1, 1)] * (n - 2),
                pa.timestamp("us"),
            ),
            "small": pa.array([1, None, -3] * (n // 3), pa.int32()),
        }
    )


@pytest.fixture
def source(tmp_path):
    fs = fsspec.filesystem("file")
    path = str(tmp_path / "batch.parquet")
    table = _table()
    with ChunkedParquetWriter(fs, path, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=4):
            writer.write(batch)
    assert writer.rows_written == table.num_rows
    return fs, path, table


def _same(a: pa.Table, b: pa.Table) -> bool:
    # NaN != NaN, so floats are compared by their text.
    floats = [str(v) for v in a.column("score").to_pylist()]
    return a.drop(["score"]).equals(b.drop(["score"])) and floats == [
        str(v) for v in b.column("score").to_pylist()
    ]


def _export(source, fmt: str, **kwargs) -> bytes:
    fs, path, _ = source
    sink = io.BytesIO()
    written = export(fs, path, fmt, sink, **kwargs)
    assert written == len(sink.getvalue())
    return sink.getvalue()


def test_chunked_writer_writes_one_row_group_per_batch(source):
    _fs, path, table = source
    parquet = pq.ParquetFile(path)
    assert parquet.num_row_groups == math.ceil(table.num_rows / 4)
    assert _same(parquet.read(), table)


def test_parquet_export_is_the_file_itself(source):
    _fs, _path, table = source
    data = _export(source, "parquet")
    assert _same(pq.read_table(io.BytesIO(data)), table)


def test_csv_round_trip_keeps_values_and_nulls(source):
    _, _, table = source
    data = _export(source, "csv", csv_formula_guard=False)
    back = pacsv.read_csv(
        io.BytesIO(data),
        convert_options=pacsv.ConvertOptions(
            column_types=table.schema, strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )
    assert back.column("text").to_pylist() == NASTY
    for name in ("id", "flag", "day", "at", "small"):
        assert back.column(name).to_pylist() == table.column(name).to_pylist(), name


def test_csv_formula_guard_is_on_by_default_and_prefixes_dangerous_cells_only(source):
    data = _export(source, "csv")
    back = pacsv.read_csv(io.BytesIO(data)).column("text").to_pylist()
    assert "'=SUM(A1:A9)" in back and "'+cmd" in back and "'-1+2" in back and "'@import" in back
    assert "tab\there" in back and "O'Reilly" in back
    unguarded = _export(source, "csv", csv_formula_guard=False)
    assert "=SUM(A1:A9)" in pacsv.read_csv(io.BytesIO(unguarded)).column("text").to_pylist()


def _written(tmp_path, table: pa.Table):
    fs = fsspec.filesystem("file")
    path = str(tmp_path / "named.parquet")
    pq.write_table(table, path)
    return fs, path, table


def test_csv_formula_guard_covers_the_header_row(tmp_path):
    # Column names come from the user's uploaded file: a header can carry a formula too.
    table = pa.table({'=HYPERLINK("http://evil","x")': ["a"], "@SUM(1)": ["b"], "plain": ["c"]})
    source = _written(tmp_path, table)
    header = _export(source, "csv").decode().splitlines()[0]
    assert header == '"\'=HYPERLINK(""http://evil"",""x"")","\'@SUM(1)","plain"'
    raw = _export(source, "csv", csv_formula_guard=False).decode().splitlines()[0]
    assert raw.startswith('"=HYPERLINK(')
    # Same quoting as the rows pyarrow writes: a reader gets the names back.
    assert (
        pacsv.read_csv(io.BytesIO(_export(source, "csv", csv_formula_guard=False))).column_names
        == table.column_names
    )


def test_csv_formula_guard_covers_dictionary_columns(tmp_path):
    cells = pa.array(["=1+1", "ok", "=1+1"]).dictionary_encode()
    source = _written(tmp_path, pa.table({"cell": cells}))
    assert pacsv.read_csv(io.BytesIO(_export(source, "csv"))).column("cell").to_pylist() == [
        "'=1+1",
        "ok",
        "'=1+1",
    ]


def test_an_empty_table_still_gets_its_guarded_header(tmp_path):
    source = _written(tmp_path, pa.table({"=x": pa.array([], pa.string())}))
    assert _export(source, "csv") == b'"\'=x"\n'


def test_jsonl_one_valid_object_per_line(source):
    _, _, table = source
    lines = _export(source, "jsonl").decode().splitlines()
    assert len(lines) == table.num_rows
    rows = [json.loads(line) for line in lines]
    assert [r["text"] for r in rows] == NASTY
    assert rows[0]["day"] == "2024-02-29"
    assert rows[0]["at"] == "2024-01-02T03:04:05.678901"
    # JSON has no NaN/Infinity: they become null rather than invalid JSON.
    assert [r["score"] for r in rows[:5]] == [1.5, None, None, None, None]


def test_sql_script_quotes_every_nasty_value(source):
    sql = _export(source, "sql", table_name='we"ird table').decode()
    assert 'CREATE TABLE "we""ird table"' in sql
    assert "'O''Reilly'" in sql
    assert "'back\\slash \\'' \\n'" in sql
    assert "'NaN'" in sql and "'Infinity'" in sql and "'-Infinity'" in sql
    assert "NULL" in sql


def test_sql_inserts_are_batched(tmp_path):
    fs = fsspec.filesystem("file")
    path = str(tmp_path / "many.parquet")
    table = pa.table({"n": pa.array(range(1_234), pa.int64())})
    pq.write_table(table, path)
    sql = b"".join(iter_export(fs, path, "sql")).decode()
    assert sql.count("INSERT INTO") == 3


def test_unknown_format_and_bad_table_name_are_rejected(source):
    fs, path, _ = source
    with pytest.raises(ValueError, match="unknown export format"):
        list(iter_export(fs, path, "xlsx"))
    with pytest.raises(ValueError, match="identifier"):
        list(iter_export(fs, path, "sql", table_name=""))
    with pytest.raises(ValueError, match="identifier"):
        quote_identifier("x" * 64)


@pytest.mark.parametrize(
    ("written", "literal"),
    [
        ("%Y-%m-%dT%H:%M:%S+02:00", "'2024-03-01 08:00:00+0200'"),
        ("%Y-%m-%d %H:%M:%S+0530", "'2024-03-01 08:00:00+0530'"),
        ("%Y-%m-%dT%H:%M:%SZ", "'2024-03-01 08:00:00+0000'"),
    ],
)
def test_sql_keeps_the_utc_offset_that_the_real_file_wrote(tmp_path, written, literal):
    # "2024-03-01T08:00:00+02:00" in the CSV download was a bare "2024-03-01 08:00:00" in
    # the SQL one: loaded, an hour or two off the instant, and a log read in UTC as local.
    field = pa.field("at", pa.timestamp("s"), metadata={"datetime_format": written})
    table = pa.table([pa.array([dt.datetime(2024, 3, 1, 8), None])], schema=pa.schema([field]))
    sql = _export(_written(tmp_path, table), "sql", table_name="log").decode()
    assert '"at" timestamptz' in sql
    assert f"({literal})" in sql and "(NULL)" in sql


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    pgserver = pytest.importorskip("pgserver")
    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


def test_sql_export_loads_into_postgres_with_identical_values(source, postgres):
    _, _, table = source
    sql = _export(source, "sql", table_name="nasty_values").decode()
    with psycopg2.connect(postgres.get_uri()) as conn, conn.cursor() as cur:
        cur.execute('DROP TABLE IF EXISTS "nasty_values"')
        cur.execute(sql)
        cur.execute('SELECT id, text, score, flag, day, at, small FROM "nasty_values" ORDER BY id')
        rows = cur.fetchall()
    assert [r[1] for r in rows] == NASTY
    scores = [r[2] for r in rows]
    assert math.isnan(scores[1]) and scores[2] == math.inf and scores[3] == -math.inf
    assert scores[4] is None and scores[5] == 0.1 and scores[6] == 1e20
    assert [r[3] for r in rows] == table.column("flag").to_pylist()
    assert [r[4] for r in rows] == table.column("day").to_pylist()
    assert [r[5] for r in rows] == table.column("at").to_pylist()
    assert [r[6] for r in rows] == table.column("small").to_pylist()


def _part_file(fs: fsspec.AbstractFileSystem, path: str, table: pa.Table, group_rows: int) -> str:
    with ChunkedParquetWriter(fs, path, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=group_rows):
            writer.write(batch)
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_parts_export_as_the_one_table_they_split(fmt):
    """A sharded batch's parts download as the same bytes as one file of all their rows."""
    fs = fsspec.filesystem("memory")
    table = pa.table({"id": list(range(3_000)), "name": [f"=n{i}" for i in range(3_000)]})
    whole = _part_file(fs, "/whole.parquet", table, 500)
    parts = [
        _part_file(fs, f"/part{i}.parquet", table.slice(i * 1_000, 1_000), 500) for i in range(3)
    ]
    assert b"".join(iter_export(fs, parts, fmt)) == b"".join(iter_export(fs, whole, fmt))


def test_parts_download_as_one_parquet_file_in_order():
    fs = fsspec.filesystem("memory")
    table = pa.table({"id": list(range(3_000)), "score": [i / 7 for i in range(3_000)]})
    parts = [_part_file(fs, f"/p{i}.parquet", table.slice(i * 1_000, 1_000), 400) for i in range(3)]
    chunks = list(iter_export(fs, parts, "parquet"))
    assert len(chunks) > 3  # streamed row group by row group, not built whole
    joined = pq.ParquetFile(io.BytesIO(b"".join(chunks)))
    assert joined.read().equals(table)
    assert joined.num_row_groups == 9  # each part's row groups, kept


def _with_least_decimals(table: pa.Table) -> pa.Table:
    """The table with a `miles` column the upload wrote with at least one decimal (`16.0`,
    `5.25`), as model batches mark it (`least_decimals` in its field metadata)."""
    n = table.num_rows
    miles = pa.array([16.0, 5.25, None, -3.0, 0.1 + 0.2, 1e20, float("nan")] + [2.5] * (n - 7))
    field = pa.field("miles", pa.float64(), metadata={b"least_decimals": b"1"})
    return table.append_column(field, miles)


@pytest.fixture
def written_source(tmp_path):
    fs = fsspec.filesystem("file")
    path = str(tmp_path / "written.parquet")
    table = _with_least_decimals(_table())
    with ChunkedParquetWriter(fs, path, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=4):
            writer.write(batch)
    return fs, path, table


@pytest.mark.parametrize("guard", [True, False])
def test_csv_writes_numbers_with_their_least_decimals_and_the_rest_as_before(
    written_source, tmp_path, guard
):
    fs, _, table = written_source
    data = _export(written_source, "csv", csv_formula_guard=guard).decode()
    # The same table without the mark, through Arrow's own writer: every other cell alike.
    plain = str(tmp_path / "plain.parquet")
    pq.write_table(table.drop(["miles"]).append_column("miles", table["miles"]), plain)
    sink = io.BytesIO()
    export(fs, plain, "csv", sink, csv_formula_guard=guard)
    before = sink.getvalue().decode()
    assert data.count("\n") == before.count("\n")
    ours, theirs = (_cells(text, table) for text in (data, before))
    assert ours.drop(["miles"]).equals(theirs.drop(["miles"]))
    assert ours["miles"].to_pylist()[:7] == ["16.0", "5.25", "", "-3.0", "0.30000000000000004",
                                             "1e+20", "nan"]  # fmt: skip
    assert theirs["miles"].to_pylist()[:2] == ["16", "5.25"]  # what downloads wrote before


def _cells(text: str, table: pa.Table) -> pa.Table:
    """Every cell of a CSV download as the text it is."""
    as_text = pacsv.ConvertOptions(column_types=dict.fromkeys(table.column_names, pa.string()))
    return pacsv.read_csv(io.BytesIO(text.encode()), convert_options=as_text)


def test_sql_and_jsonl_write_numbers_with_their_least_decimals(written_source, postgres):
    sql = _export(written_source, "sql", table_name="written_numbers").decode()
    assert "'O''Reilly', 1.5, TRUE, '2024-02-29', '2024-01-02 03:04:05.678901', 1, 16.0)" in sql
    with psycopg2.connect(postgres.get_uri()) as conn, conn.cursor() as cur:
        cur.execute('DROP TABLE IF EXISTS "written_numbers"')
        cur.execute(sql)
        cur.execute('SELECT miles FROM "written_numbers" ORDER BY id')
        miles = [r[0] for r in cur.fetchall()]
    assert miles[:6] == [16.0, 5.25, None, -3.0, 0.1 + 0.2, 1e20] and math.isnan(miles[6])
    lines = _export(written_source, "jsonl").decode().splitlines()
    assert lines[0].endswith('"miles": 16.0}') and lines[1].endswith('"miles": 5.25}')
