"""What a cluster's shared parts take per second, for the sizing in docs/deploy.md: the figures
the README's engine and template benchmarks do not give.

    .venv/bin/python bench/bench_sizing.py [--part-mb 8] [--parts 12] [--messages 5000]

- **Object store**: ``--parts`` Parquet-part-sized files of ``--part-mb`` MiB written one
  after another through ``common.storage.Storage`` (as a generate job writes its parts) to a
  local folder and to a real S3 API (moto's server on loopback): MB/s and parts/s.
- **NATS JetStream** (embedded server): ``--messages`` progress-sized messages (a 200-byte
  ``job.updated``) published with ``js.publish`` awaited one by one, and 100 at a time; and
  shard messages taken from a work-queue stream one at a time, as a worker takes shards
  (fetch 1, ack): messages/s.
- **PostgreSQL** (embedded, ``fsync=off``: an upper bound): one progress write as the
  training service makes it (a job row updated and an outbox row inserted in one
  transaction), one connection, one after another: transactions/s.

Each figure is one process on the shared 2-core development machine; the load average is
printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MIB = 1024 * 1024


def object_store(url: str, options: dict, part_mb: int, parts: int) -> tuple[float, float]:
    """(MB/s, parts/s) writing ``parts`` files of ``part_mb`` MiB one after another."""
    from common.storage import Storage

    storage = Storage(url, options)
    payload = os.urandom(part_mb * MIB)
    start = time.perf_counter()
    for index in range(parts):
        with storage.open(f"batches/sizing/1/part-{index:05d}.parquet", "wb") as out:
            out.write(payload)
    elapsed = time.perf_counter() - start
    storage.delete("batches/sizing")
    return parts * part_mb * MIB / 1e6 / elapsed, parts / elapsed


async def nats_rates(url: str, messages: int) -> dict[str, float]:
    import nats
    from nats.js.api import RetentionPolicy, StreamConfig

    client = await nats.connect(url)
    js = client.jetstream()
    await js.add_stream(StreamConfig(name="SIZING_EVENTS", subjects=["sizing.events.>"]))
    await js.add_stream(
        StreamConfig(
            name="SIZING_JOBS",
            subjects=["sizing.jobs.>"],
            retention=RetentionPolicy.WORK_QUEUE,
        )
    )
    payload = os.urandom(200)
    rates: dict[str, float] = {}

    start = time.perf_counter()
    for _ in range(messages):
        await js.publish("sizing.events.job.updated", payload)
    rates["publish, one at a time"] = messages / (time.perf_counter() - start)

    start = time.perf_counter()
    for _ in range(0, messages, 100):
        await asyncio.gather(
            *(js.publish("sizing.events.job.updated", payload) for _ in range(100))
        )
    rates["publish, 100 in flight"] = messages / (time.perf_counter() - start)

    shards = messages // 5
    for _ in range(shards):
        await js.publish("sizing.jobs.shard", payload)
    consumer = await js.pull_subscribe("sizing.jobs.shard", durable="sizing-workers")
    start = time.perf_counter()
    for _ in range(shards):
        (message,) = await consumer.fetch(1, timeout=10)
        await message.ack_sync()
    rates["work queue: fetch 1 + ack"] = shards / (time.perf_counter() - start)
    await client.drain()
    return rates


def postgres_progress_writes(url: str, count: int) -> float:
    """Transactions/s of one progress write (UPDATE the job, INSERT its outbox row)."""
    import psycopg2

    connection = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"))
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE sizing_jobs (id int PRIMARY KEY, percent float, message text,"
            " updated_at timestamptz);"
            "CREATE TABLE sizing_outbox (id bigserial PRIMARY KEY, subject text,"
            " payload bytea, created_at timestamptz DEFAULT now());"
            "INSERT INTO sizing_jobs VALUES (1, 0, '', now())"
        )
    payload = os.urandom(200)
    start = time.perf_counter()
    for index in range(count):
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "UPDATE sizing_jobs SET percent = %s, message = %s, updated_at = now()"
                " WHERE id = 1",
                (index / count * 100, f"{index} rows"),
            )
            cursor.execute(
                "INSERT INTO sizing_outbox (subject, payload) VALUES (%s, %s)",
                ("synthetica.events.job.updated", payload),
            )
    elapsed = time.perf_counter() - start
    connection.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part-mb", type=int, default=8)
    parser.add_argument("--parts", type=int, default=12)
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()

    from tools.embedded import EmbeddedNats, EmbeddedPostgres, free_port, moto_s3

    work = Path(tempfile.mkdtemp(prefix="synthetica-bench-sizing-"))
    print(f"load average at the start: {os.getloadavg()[0]:.1f} (1 min)")
    size = f"{args.parts} parts of {args.part_mb} MiB"
    mb_s, parts_s = object_store(str(work / "store"), {}, args.part_mb, args.parts)
    print(f"object store, local folder ({size}): {mb_s:8.1f} MB/s {parts_s:6.1f} parts/s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto: a line per request otherwise
    server, endpoint = moto_s3()
    try:
        options = {"endpoint_url": endpoint, "key": "test", "secret": "test"}
        mb_s, parts_s = object_store("s3://synthetica/sizing", options, args.part_mb, args.parts)
    finally:
        server.stop()
    print(f"object store, S3 API (moto, loopback): {mb_s:8.1f} MB/s {parts_s:6.1f} parts/s")

    nats = EmbeddedNats(work / "nats", free_port())
    postgres = EmbeddedPostgres(work / "pg", free_port())
    try:
        nats.start()
        for name, rate in asyncio.run(nats_rates(nats.url, args.messages)).items():
            print(f"NATS JetStream, {name:<28} {rate:9.0f} messages/s")
        postgres.start()
        postgres.create_database("sizing")
        rate = postgres_progress_writes(postgres.url("sizing"), args.messages // 2)
        print(f"PostgreSQL (fsync=off), progress write + outbox row: {rate:9.0f} transactions/s")
    finally:
        nats.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
