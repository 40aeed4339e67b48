"""Several tables in one upload: a zip posted to ``/upload/datasets`` becomes one dataset (or
new tables of ``datasetId``), each CSV, TSV, Parquet or JSON member a table named after its
file stem (``orders.csv`` → ``orders``)::

    curl -X POST "$GATEWAY/upload/datasets?projectId=$PROJECT&name=shop" \\
      -H "Authorization: Bearer $TOKEN" --data-binary @shop.zip

A zip's directory is at its end, so the body is spooled to a temporary file as it streams
(at most ``max_upload_bytes``, counted while it arrives) and the whole directory is checked
before any table is created: a directory of at most ``MAX_ENTRIES`` entries in
``MAX_DIRECTORY_BYTES`` (checked from the end record, before the directory is read), at most
``MAX_TABLES`` members, each at most
``max_upload_bytes`` and all together at most ``upload_zip_max_total_bytes`` uncompressed
(what each member *declares*; reading stops at that size whatever the compressed bytes hold,
so a zip bomb inflates no further), names without absolute paths or ``..``, no two members
giving the same table name, no encrypted member. Folders, hidden files and macOS's
``__MACOSX/`` resource forks are skipped. Each member then streams to the datasets service
as one upload; if one fails, what this call created is removed again (the dataset it
created, or the tables it added), so a refused zip changes nothing.
"""

from __future__ import annotations

import asyncio
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import grpc

from common.contracts.relational import MAX_TABLES
from gateway.context import Metadata
from gateway.settings import GatewaySettings
from services.datasets.client import default_table_name
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc

MAGIC = b"PK\x03\x04"
DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".ndjson")
READ_BYTES = 1024 * 1024
# ZipFile reads the whole directory into objects (~400 bytes an entry, from 46 bytes and a
# name in the file) before a member can be opened: 57 MB of empty entries cost the gateway
# ~450 MB and 6 s of CPU. A zip of MAX_TABLES tables with its folders and macOS forks lists
# a few dozen entries.
MAX_ENTRIES = 1_000
MAX_DIRECTORY_BYTES = 1024 * 1024


class ZipRefused(Exception):
    """The archive is refused as a whole; nothing was created."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Member:
    info: zipfile.ZipInfo
    table_name: str
    file_name: str


async def starts_like_zip(pieces: AsyncIterator[bytes]) -> tuple[bool, AsyncIterator[bytes]]:
    """Whether the body is a zip (its first bytes), and the body whole again."""
    head = b""
    async for piece in pieces:
        head += piece
        if len(head) >= len(MAGIC):
            break

    async def again() -> AsyncIterator[bytes]:
        yield head
        async for piece in pieces:
            yield piece

    return head.startswith(MAGIC), again()


async def spool(pieces: AsyncIterator[bytes], limit: int) -> IO[bytes]:
    """The body in a temporary file (removed when closed); ZipRefused over ``limit`` bytes."""
    sink = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    size = 0
    try:
        async for piece in pieces:
            size += len(piece)
            if size > limit:
                raise ZipRefused(
                    f"the zip is larger than the upload limit of {limit:,} bytes",
                    reason="TOO_LARGE",
                )
            await asyncio.to_thread(sink.write, piece)
        await asyncio.to_thread(sink.seek, 0)
    except BaseException:
        sink.close()
        raise
    return sink


def check_directory(body: IO[bytes]) -> None:
    """ZipRefused unless the end record declares a directory within MAX_ENTRIES and
    MAX_DIRECTORY_BYTES. The record is read by the stdlib's own reader (zip64 included), and
    ZipFile then reads exactly the directory size it declares, so the bound holds whatever
    the entries claim."""
    end = zipfile._EndRecData(body)  # ZipFile's own reader; no public one
    if end is None:
        raise ZipRefused("the zip cannot be read: it has no directory", reason="INVALID_ARCHIVE")
    entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if entries > MAX_ENTRIES or size > MAX_DIRECTORY_BYTES:
        raise ZipRefused(
            f"the zip's directory lists {entries:,} entries in {size:,} bytes, over the limit"
            f" of {MAX_ENTRIES:,} entries in {MAX_DIRECTORY_BYTES:,} bytes",
            reason="TOO_LARGE",
        )


def plan(archive: zipfile.ZipFile, *, member_limit: int, total_limit: int) -> list[Member]:
    """The members that become tables, in archive order, or ZipRefused naming the problem."""
    members: list[Member] = []
    total = 0
    for info in archive.infolist():
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or not path.name:
            continue
        if path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
            raise ZipRefused(
                f"the zip member {info.filename[:120]!r} has an absolute or parent path",
                reason="INVALID_ARCHIVE",
            )
        if "__MACOSX" in path.parts or any(part.startswith(".") for part in path.parts):
            continue
        if not path.name.lower().removesuffix(".gz").endswith(DATA_SUFFIXES):
            raise ZipRefused(
                f"the zip member {info.filename[:120]!r} is not a CSV, TSV, Parquet or JSON file",
                reason="INVALID_ARCHIVE",
            )
        if info.flag_bits & 0x1:
            raise ZipRefused(
                f"the zip member {info.filename[:120]!r} is encrypted", reason="INVALID_ARCHIVE"
            )
        if len(members) == MAX_TABLES:
            raise ZipRefused(
                f"the zip holds more than {MAX_TABLES} tables (a dataset's most)",
                reason="TOO_MANY_TABLES",
            )
        if info.file_size > member_limit:
            raise ZipRefused(
                f"the zip member {info.filename[:120]!r} is {info.file_size:,} bytes "
                f"uncompressed, over the limit of {member_limit:,}",
                reason="TOO_LARGE",
            )
        total += info.file_size
        if total > total_limit:
            raise ZipRefused(
                f"the zip's files are over {total_limit:,} bytes uncompressed together",
                reason="TOO_LARGE",
            )
        name = default_table_name(path.name, "")
        if any(m.table_name == name for m in members):
            raise ZipRefused(
                f"two zip members make the table {name!r}; rename one",
                reason="DUPLICATE_TABLE",
            )
        members.append(Member(info, name, path.name))
    if not members:
        raise ZipRefused("the zip holds no CSV, TSV, Parquet or JSON file", reason="EMPTY_ARCHIVE")
    return members


async def member_bytes(
    archive: zipfile.ZipFile, member: Member, failures: list[ZipRefused]
) -> AsyncIterator[bytes]:
    """A member's bytes as they inflate, never more than it declared (zipfile stops there,
    and its checksum then fails: the failure is put in ``failures``, which the caller raises
    in place of the read error)."""
    try:
        opened = await asyncio.to_thread(archive.open, member.info)
        with opened:
            while chunk := await asyncio.to_thread(opened.read, READ_BYTES):
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        failures.append(
            ZipRefused(
                f"the zip member {member.info.filename[:120]!r} cannot be read: {exc}",
                reason="INVALID_ARCHIVE",
            )
        )
        raise


Send = Callable[[datasets_pb2.UploadHeader, AsyncIterator[bytes]], Any]


async def upload_zip(
    stub: datasets_pb2_grpc.DatasetsServiceStub,
    header: datasets_pb2.UploadHeader,
    pieces: AsyncIterator[bytes],
    *,
    send: Send,
    metadata: Metadata,
    settings: GatewaySettings,
) -> datasets_pb2.Dataset:
    """Each member of the zip as a table of one dataset (``header`` says which project or
    dataset, its name, options and wait); ZipRefused, or the datasets service's error, with
    nothing created."""
    with await spool(pieces, settings.max_upload_bytes) as body:
        try:
            await asyncio.to_thread(check_directory, body)
            archive = await asyncio.to_thread(zipfile.ZipFile, body)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ZipRefused(f"the zip cannot be read: {exc}", reason="INVALID_ARCHIVE") from exc
        with archive:
            members = plan(
                archive,
                member_limit=settings.max_upload_bytes,
                total_limit=settings.upload_zip_max_total_bytes,
            )
            return await _send_members(
                stub, header, archive, members, send, metadata, settings.upload_wait_seconds
            )


async def _send_members(
    stub: datasets_pb2_grpc.DatasetsServiceStub,
    header: datasets_pb2.UploadHeader,
    archive: zipfile.ZipFile,
    members: list[Member],
    send: Send,
    metadata: Metadata,
    wait_seconds: int,
) -> datasets_pb2.Dataset:
    created_dataset = ""
    added: list[str] = []
    dataset_id = header.dataset_id
    dataset = None
    try:
        for member in members:
            one = datasets_pb2.UploadHeader()
            one.CopyFrom(header)
            one.file_name, one.table_name = member.file_name, member.table_name
            one.options.format = ""  # each member's own, from its name and bytes
            one.size_bytes = member.info.file_size
            one.name = header.name or PurePosixPath(header.file_name).stem or "tables"
            # A table is added to a READY dataset only: each member is waited for.
            one.wait_seconds = max(one.wait_seconds, wait_seconds)
            if dataset_id:
                one.dataset_id, one.project_id = dataset_id, ""
            failures: list[ZipRefused] = []
            try:
                dataset = await send(one, member_bytes(archive, member, failures))
            except BaseException:
                # The member could not be read: the call was cancelled, say why.
                if failures:
                    raise failures[0] from None
                raise
            if not dataset_id:
                dataset_id = created_dataset = dataset.id
            else:
                added.append(member.table_name)
    except BaseException:
        await _undo(stub, metadata, created_dataset, header.dataset_id, added)
        raise
    assert dataset is not None  # plan() gives at least one member
    return dataset


async def _undo(
    stub: datasets_pb2_grpc.DatasetsServiceStub,
    metadata: Metadata,
    created_dataset: str,
    dataset_id: str,
    added: list[str],
) -> None:
    """Removes what a refused zip created (best effort: the error the user sees is the
    member's)."""
    try:
        if created_dataset:
            await stub.DeleteDataset(
                datasets_pb2.DeleteDatasetRequest(dataset_id=created_dataset),
                metadata=metadata,
                timeout=30,
            )
            return
        for name in added:
            await stub.RemoveDatasetTable(
                datasets_pb2.RemoveDatasetTableRequest(dataset_id=dataset_id, table_name=name),
                metadata=metadata,
                timeout=30,
            )
    except grpc.aio.AioRpcError:
        pass
