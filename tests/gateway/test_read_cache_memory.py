"""The read cache's memory is bounded by what its answers weigh, not only by how many there
are: a dataset of 20 tables of 1,000 columns (the datasets service's limits) is an answer of
0.8-1.2 MB, about 3.3 MB once parsed, so 1,000 of them would take 3 GB of a gateway
limited to 512 MiB."""

from __future__ import annotations

from gateway.read_cache import ReadCache
from gateway.settings import GatewaySettings
from synthetica.datasets.v1 import datasets_pb2 as pb

TABLES, COLUMNS = 20, 1_000


def widest(number: int) -> pb.Dataset:
    columns = [
        pb.ColumnMetadata(name=f"column_{c:04d}_of_a_wide_table", data_type="string")
        for c in range(COLUMNS)
    ]
    metadata = pb.DatasetMetadata(columns=columns)
    tables = [pb.DatasetTable(name=f"t{t}", metadata=metadata) for t in range(TABLES)]
    return pb.Dataset(id=f"d{number}", name="wide", metadata=metadata, tables=tables)


def test_wide_answers_are_kept_within_the_byte_budget():
    budget_mb = 8
    cache = ReadCache(GatewaySettings(service_token="t", read_cache_megabytes=budget_mb))
    answer = widest(0)
    size = answer.ByteSize()
    assert size > 800_000
    for number in range(40):
        cache.datasets.put(f"d{number}", widest(number), until=1e12)
    kept = [n for n in range(40) if cache.datasets.get(f"d{n}", now=0.0) is not None]
    assert len(kept) * size <= budget_mb * 1024 * 1024, f"{len(kept)} answers of {size:,} bytes"
    # The most recent are those kept, and some are.
    assert kept and kept == list(range(40 - len(kept), 40))


def test_an_answer_over_the_whole_budget_is_not_kept_and_evicts_nothing():
    cache = ReadCache(GatewaySettings(service_token="t", read_cache_megabytes=0.5))
    small = pb.Dataset(id="small", name="small")
    cache.datasets.put("small", small, until=1e12)
    cache.datasets.put("wide", widest(1), until=1e12)
    assert cache.datasets.get("wide", now=0.0) is None
    assert cache.datasets.get("small", now=0.0) == small
