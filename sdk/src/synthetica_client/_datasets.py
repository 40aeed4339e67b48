"""Datasets: ``client.datasets`` (upload, list, get) and ``Dataset`` objects, asynchronous
and synchronous."""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
import zipfile
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

import anyio
import httpx

from synthetica_client._base import POLL_SECONDS, Bound, all_pages, enum_of, id_of, is_uuid
from synthetica_client._generated import enums
from synthetica_client._generated.fragments import DatasetFields
from synthetica_client._generated.input_types import (
    ColumnMetadataInput,
    ForeignKeyInput,
    RuleInput,
    SequenceInput,
    TableKeysInput,
)
from synthetica_client._mirror import Mirror, Namespace, blocking, in_place, mirrors
from synthetica_client.errors import BadUserInput, NotFound
from synthetica_client.progress import Bars, ProgressOption, console_for

if TYPE_CHECKING:
    import pandas as pd

    from synthetica_client._async import AsyncClient
    from synthetica_client._jobs import AsyncJob, Job
    from synthetica_client._projects import ProjectRef

# A dataset as the methods take it: its id, its name or the object (of either client).
DatasetRef = str | DatasetFields
# Query parameters of POST /upload/datasets: the fields of IngestOptionsInput in the schema
# (tests/sdk/test_sdk_operations.py checks that they are the same).
UPLOAD_OPTIONS = (
    "format",
    "delimiter",
    "hasHeader",
    "encoding",
    "columnNames",
    "missingValues",
    "holdoutFraction",
    "seed",
)
UPLOAD_CHUNK = 1024 * 1024
# How long the upload route may hold the request waiting for ingestion to finish.
UPLOAD_WAIT_SECONDS = 30


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def upload_params(options: dict[str, Any] | None) -> dict[str, str]:
    """Ingest options as the upload route's query parameters; snake_case keys are accepted.
    An unknown option is refused here, naming it (the route would ignore it)."""
    params: dict[str, str] = {}
    for key, value in (options or {}).items():
        name = _camel(key)
        if name not in UPLOAD_OPTIONS:
            raise BadUserInput(
                f"unknown upload option {key!r}",
                extensions={
                    "fields": [
                        {
                            "field": f"options.{key}",
                            "message": "one of " + ", ".join(UPLOAD_OPTIONS),
                        }
                    ]
                },
            )
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            params[name] = ",".join(str(v) for v in value)
        else:
            params[name] = str(value)
    return params


class AsyncDataset(Bound, DatasetFields):
    """A dataset: ``columns`` and ``stats`` (``None`` in lists: ``refresh()`` loads them)."""

    _resource = "datasets"
    stats: Any = None

    async def preview(self, n: int = 10, *, offset: int = 0) -> list[dict[str, Any]]:
        result = await self._client._t.dataset_preview(id=self.id, n=n, offset=offset)
        return list(result.dataset.preview_rows)

    async def set_types(self, types: dict[str, str]) -> AsyncDataset:
        """Corrects columns' sdtypes, e.g. ``{"column_5": "categorical"}``; the dataset
        (updated in place) is returned."""
        columns = [ColumnMetadataInput(name=name, sdtype=sdtype) for name, sdtype in types.items()]
        result = await self._client._t.update_dataset_metadata(dataset_id=self.id, columns=columns)
        return self._absorb(AsyncDataset.bind(result.update_dataset_metadata, self._client))

    async def add_table(
        self,
        source: str | os.PathLike[str] | pd.DataFrame,
        *,
        name: str | None = None,
        options: dict[str, Any] | None = None,
        progress: ProgressOption = True,
    ) -> AsyncDataset:
        """Uploads a file or DataFrame as a new table of this dataset (``name``: a letter or
        underscore, then letters, digits or underscores; default: from the file name), and
        returns the dataset (updated in place) with the keys and links detected."""
        await self._client.datasets.upload(
            source, dataset=self, table_name=name, options=options, progress=progress
        )
        return await self.refresh()

    async def set_rules(self, rules: list[dict[str, Any]]) -> AsyncDataset:
        """Replaces the rules the synthetic rows obey (``[]`` removes them), e.g.
        ``{"kind": "range", "column": "age", "low": 17, "high": 90}``,
        ``{"kind": "inequality", "low": {"column": "start"}, "high": {"column": "end"}}``,
        ``{"kind": "fixed_combinations", "columns": ["city", "country"]}``. A bound is a
        number or ``{"column" | "number" | "datetime": ...}``. Each rule comes back with
        ``real_violation_count``, the real rows that break it."""
        inputs = [_rule_input(rule, index) for index, rule in enumerate(rules)]
        result = await self._client._t.update_dataset_rules(dataset_id=self.id, rules=inputs)
        return self._absorb(AsyncDataset.bind(result.update_dataset_rules, self._client))

    async def set_relationships(
        self,
        *,
        keys: dict[str, dict[str, Any]] | None = None,
        foreign_keys: list[dict[str, str]] | None = None,
    ) -> AsyncDataset:
        """Sets how the tables relate. ``keys``: per table, ``primary_key`` and ``sequence``
        (``{"entity_key", "order_column"}``; ``None``: not sequential), each table's keys
        replaced whole. ``foreign_keys``: when given, exactly these links (dicts of
        parent_table, parent_column, child_table, child_column)."""
        tables = [
            TableKeysInput(
                table=table,
                primaryKey=given.get("primary_key"),
                sequence=SequenceInput(
                    entityKey=given["sequence"]["entity_key"],
                    orderColumn=given["sequence"]["order_column"],
                )
                if given.get("sequence")
                else None,
            )
            for table, given in (keys or {}).items()
        ]
        links = (
            [
                ForeignKeyInput(
                    parentTable=k["parent_table"],
                    parentColumn=k["parent_column"],
                    childTable=k["child_table"],
                    childColumn=k["child_column"],
                )
                for k in foreign_keys
            ]
            if foreign_keys is not None
            else None
        )
        result = await self._client._t.update_dataset_relationships(
            dataset_id=self.id, tables=tables, foreign_keys=links
        )
        fresh = AsyncDataset.bind(result.update_dataset_relationships, self._client)
        return self._absorb(fresh)

    async def set_sequence(self, table: str, entity_key: str, order_column: str) -> AsyncDataset:
        """Makes ``table`` sequential (its primary key kept)."""
        current = next(t for t in self.tables if t.name == table)
        sequence = {"entity_key": entity_key, "order_column": order_column}
        keys = {table: {"primary_key": current.primary_key, "sequence": sequence}}
        return await self.set_relationships(keys=keys)

    async def remove_table(self, name: str) -> AsyncDataset:
        """Removes the table ``name`` (added to this dataset, READY or FAILED) with its links
        and sequence; returns the dataset, updated in place."""
        result = await self._client._t.remove_dataset_table(dataset_id=self.id, table_name=name)
        return self._absorb(AsyncDataset.bind(result.remove_dataset_table, self._client))

    async def delete(self) -> bool:
        return (await self._client._t.delete_dataset(id=self.id)).delete_dataset

    async def train(self, **kwargs: Any) -> AsyncJob:
        return await self._client.train(self, **kwargs)


def _zip_files(paths: list[str], archive: str) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in paths:
            out.write(path, arcname=os.path.basename(path))


class AsyncDatasets:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def get(self, dataset: DatasetRef, *, project: ProjectRef | None = None) -> AsyncDataset:
        """By id, or by its exact name in ``project`` (else in any of your projects)."""
        if isinstance(dataset, str) and not is_uuid(dataset):
            return await self._named(dataset, project)
        return AsyncDataset.bind((await self._c._t.dataset(id=id_of(dataset))).dataset, self._c)

    async def _id(self, dataset: DatasetRef, project: ProjectRef | None = None) -> str:
        """The id of a dataset given by id, name (see ``get``) or object."""
        if isinstance(dataset, str) and not is_uuid(dataset):
            return (await self._named(dataset, project)).id
        return id_of(dataset)

    async def _named(self, name: str, project: ProjectRef | None) -> AsyncDataset:
        projects = (
            [await self._c.projects.get(project)] if project else await self._c.projects.list()
        )
        found = [(p, d) for p in projects for d in await self.list(p) if d.name == name]
        # A failed upload keeps its name (and its reason) but is no dataset to work with: it
        # must not make the name of the one that was then uploaded right ambiguous.
        usable = [(p, d) for p, d in found if d.status != enums.DatasetStatus.FAILED]
        if len(usable) == 1:
            return usable[0][1]
        if len(found) == 1:
            return found[0][1]
        where = f" in project {projects[0].name!r}" if project else ""
        if not found:
            raise NotFound(f"no dataset named {name!r}{where}: use the dataset's id")
        places = ", ".join(f"{d.id} in {p.name!r}" for p, d in found)
        hint = "use its id" if project else "use its id or name its project"
        raise NotFound(f"{len(found)} datasets named {name!r}{where} ({places}): {hint}")

    async def list(self, project: ProjectRef, *, limit: int | None = None) -> list[AsyncDataset]:
        project_id = (await self._c.projects.get(project)).id
        found = await all_pages(self._c._t.datasets, "datasets", limit, project_id=project_id)
        return [AsyncDataset.bind(d, self._c) for d in found]

    async def upload(
        self,
        source: str | os.PathLike[str] | pd.DataFrame,
        *,
        project: ProjectRef | None = None,
        name: str | None = None,
        options: dict[str, Any] | None = None,
        progress: ProgressOption = True,
        dataset: DatasetRef | None = None,
        table_name: str | None = None,
    ) -> AsyncDataset:
        """Uploads a file (CSV, TSV, Parquet, JSON, JSON Lines, gzip of any) or a pandas
        DataFrame, streamed, and returns the dataset once ingested (READY). ``options`` are
        the ingest options: format, delimiter, has_header, encoding, column_names,
        missing_values, holdout_fraction, seed. With ``dataset`` instead of ``project`` the
        file becomes a new table of that dataset (``table_name``, or from the file name);
        ``Dataset.add_table`` says it shorter."""
        params = upload_params(options)
        if dataset is not None:
            params.update(datasetId=id_of(dataset), tableName=table_name or "")
        elif project is not None:
            params["projectId"] = (await self._c.projects.get(project)).id
        else:
            raise TypeError("upload takes a project (or a dataset to add a table to)")
        if isinstance(source, str | os.PathLike):
            path = anyio.Path(source)
            size = (await path.stat()).st_size
            file_name = path.name
            opened = await anyio.open_file(path, "rb")
            default_name = path.name.split(".")[0]
        elif hasattr(source, "to_parquet"):
            buffer = io.BytesIO()
            source.to_parquet(buffer, index=False)
            size = buffer.tell()
            buffer.seek(0)
            opened = anyio.wrap_file(buffer)
            file_name = f"{name or 'dataframe'}.parquet"
            params.setdefault("format", "parquet")
            default_name = "dataframe"
        else:
            raise TypeError("upload takes a path or a pandas DataFrame")
        params.update(
            name=name or default_name,
            fileName=file_name,
            waitSeconds=str(UPLOAD_WAIT_SECONDS),
        )
        console = console_for(progress)
        try:
            with Bars.transfer(console) as bars:
                bar = bars.add(f"uploading {file_name}", total=size)

                async def body() -> AsyncIterator[bytes]:
                    while chunk := await opened.read(UPLOAD_CHUNK):
                        bar.advance(len(chunk))
                        yield chunk

                async with self._c._t.stream(
                    "POST",
                    "/upload/datasets",
                    params=params,
                    content=body(),
                    headers={"Content-Length": str(size)},
                    # The route answers after ingestion or UPLOAD_WAIT_SECONDS, whichever
                    # comes first (then the dataset is polled).
                    timeout=httpx.Timeout(UPLOAD_WAIT_SECONDS + 120.0, connect=10.0),
                ) as response:
                    created = (await response.aread()) and response.json()
        finally:
            await opened.aclose()
        if dataset is not None:
            return await self._table_ingested(created["id"], file_name, console)
        got = await self.get(created["id"])
        if got.status == enums.DatasetStatus.INGESTING:
            got = await self._ingested(got, console)
        if got.status == enums.DatasetStatus.FAILED:
            raise BadUserInput(got.error or "ingestion failed", reason=got.error_code or "")
        return got

    async def upload_tables(
        self,
        sources: Sequence[str | os.PathLike[str]],
        *,
        project: ProjectRef | None = None,
        dataset: DatasetRef | None = None,
        name: str | None = None,
        progress: ProgressOption = True,
    ) -> AsyncDataset:
        """Uploads several files (CSV, TSV, Parquet, JSON) as the tables of one dataset, in
        one call: each becomes a table named by its file stem (``orders.csv`` → ``orders``),
        links detected. They go as one zip (one ``.zip`` given is sent as it is); a file that
        cannot be ingested refuses them all, and nothing is created. With ``dataset``
        instead of ``project`` they are added to that dataset."""
        paths = [os.fspath(source) for source in sources]
        if not paths:
            raise TypeError("upload_tables takes at least one file")
        with tempfile.TemporaryDirectory() as folder:
            if len(paths) == 1 and paths[0].lower().endswith(".zip"):
                archive = paths[0]
            else:
                archive = os.path.join(folder, f"{name or 'tables'}.zip")
                await asyncio.to_thread(_zip_files, paths, archive)
            got = await self.upload(
                archive, project=project, dataset=dataset, name=name, progress=progress
            )
        while any(t.status == enums.DatasetStatus.INGESTING for t in got.tables):
            await asyncio.sleep(POLL_SECONDS)
            got = await self.get(got.id)
        return got

    async def _table_ingested(self, dataset_id: str, file_name: str, console: Any) -> AsyncDataset:
        """The dataset once its newest table is ingested; BadUserInput when it failed."""
        got = await self.get(dataset_id)
        with Bars.job(console) as bars:
            bar = bars.add(f"ingesting {file_name}", total=None, detail="")
            while got.tables[-1].status == enums.DatasetStatus.INGESTING:
                await asyncio.sleep(POLL_SECONDS)
                got = await self.get(dataset_id)
            bar.update(total=1, completed=1, detail=got.tables[-1].status.value.lower())
        newest = got.tables[-1]
        if newest.status == enums.DatasetStatus.FAILED:
            raise BadUserInput(newest.error or "ingestion failed", reason=newest.error_code or "")
        return got

    async def _ingested(self, dataset: AsyncDataset, console: Any) -> AsyncDataset:
        with Bars.job(console) as bars:
            bar = bars.add(f"ingesting {dataset.name}", total=None, detail="")
            while dataset.status == enums.DatasetStatus.INGESTING:
                await asyncio.sleep(POLL_SECONDS)
                dataset = await self.get(dataset.id)
            bar.update(total=1, completed=1, detail=dataset.status.value.lower())
        return dataset


@mirrors(AsyncDataset)
class Dataset(Mirror, DatasetFields):
    """A dataset: ``columns`` and ``stats`` (``None`` in lists: ``refresh()`` loads them)."""

    stats: Any = None

    preview = blocking(AsyncDataset.preview, list[dict[str, Any]])
    delete = blocking(AsyncDataset.delete, bool)

    # Each changes the dataset on the server and brings this object up to date.
    remove_table = in_place(AsyncDataset.remove_table)
    add_table = in_place(AsyncDataset.add_table)
    set_relationships = in_place(AsyncDataset.set_relationships)
    set_rules = in_place(AsyncDataset.set_rules)
    set_sequence = in_place(AsyncDataset.set_sequence)
    set_types = in_place(AsyncDataset.set_types)

    def train(self, **kwargs: Any) -> Job:
        return self._client.train(self, **kwargs)


def _rule_input(rule: dict[str, Any], index: int) -> RuleInput:
    given = dict(rule)
    given["kind"] = enum_of(enums.RuleKind, given.get("kind"), f"rules[{index}].kind")
    for side in ("low", "high"):
        if isinstance(given.get(side), int | float):
            given[side] = {"number": given[side]}
    return RuleInput.model_validate(given)


class Datasets(Namespace):
    get = blocking(AsyncDatasets.get, Dataset)
    upload = blocking(AsyncDatasets.upload, Dataset)
    upload_tables = blocking(AsyncDatasets.upload_tables, Dataset)
    list = blocking(AsyncDatasets.list, list[Dataset])
