"""``AsyncClient``: the same surface as ``Client`` (checked method by method), and the flow
from asyncio code: a DataFrame in, a model, a batch awaited, rows out, a re-evaluation."""

from __future__ import annotations

import inspect
import io

import pandas as pd
import pytest

import synthetica_client as sdk
from synthetica_client import (
    AsyncClient,
    _batches,
    _connections,
    _datasets,
    _jobs,
    _models,
    _projects,
    _templates,
)
from tests.services.training.training_world import small_adult_csv

PAIRS = [
    (sdk.Client, sdk.AsyncClient),
    (sdk.Project, sdk.AsyncProject),
    (sdk.Dataset, sdk.AsyncDataset),
    (sdk.Job, sdk.AsyncJob),
    (sdk.Model, sdk.AsyncModel),
    (sdk.Batch, sdk.AsyncBatch),
    (sdk.Report, sdk.AsyncReport),
    (sdk.Connection, sdk.AsyncConnection),
    (_projects.Projects, _projects.AsyncProjects),
    (_datasets.Datasets, _datasets.AsyncDatasets),
    (_jobs.Jobs, _jobs.AsyncJobs),
    (_models.Models, _models.AsyncModels),
    (_batches.Batches, _batches.AsyncBatches),
    (_templates.Templates, _templates.AsyncTemplates),
    (_connections.Connections, _connections.AsyncConnections),
]
# Python's own protocol: `with` for one, `async with` for the other.
PROTOCOL = {"__enter__", "__exit__", "__aenter__", "__aexit__", "__del__"}


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    own = {}
    for name, member in inspect.getmembers(cls, callable):
        if (
            name.startswith("_")
            or name in PROTOCOL
            or name.startswith("model_")
            or name
            in (
                "bind",
                "copy",
                "dict",
                "json",
                "parse_obj",
                "parse_raw",
                "parse_file",
                "from_orm",
                "construct",
                "schema",
                "schema_json",
                "validate",
                "update_forward_refs",
            )
        ):
            continue
        own[name] = inspect.signature(member)
    return own


@pytest.mark.parametrize(("sync_cls", "async_cls"), PAIRS, ids=lambda c: c.__name__)
def test_sync_and_async_have_the_same_surface(sync_cls, async_cls):
    sync_methods, async_methods = public_methods(sync_cls), public_methods(async_cls)
    assert sync_methods.keys() == async_methods.keys()
    for name, signature in sync_methods.items():
        assert list(signature.parameters) == list(async_methods[name].parameters), name
        for parameter in signature.parameters.values():
            twin = async_methods[name].parameters[parameter.name]
            assert parameter.default == twin.default and parameter.kind == twin.kind, (
                name,
                parameter.name,
            )
    for name in async_methods:
        if name not in ("url", "credentials"):
            assert inspect.iscoroutinefunction(
                getattr(async_cls, name)
            ) or inspect.isasyncgenfunction(getattr(async_cls, name)), name
    # The same data fields too.
    if hasattr(sync_cls, "model_fields"):
        assert sync_cls.model_fields.keys() == async_cls.model_fields.keys()


@pytest.mark.parametrize(
    ("method", "answer"),
    [
        (sdk.Client.train, sdk.Job),
        (sdk.Model.generate, sdk.Batch),
        (sdk.Batch.report, sdk.Report),
        (_projects.Projects.list, list[sdk.Project]),
    ],
    ids=str,
)
def test_sync_methods_say_they_answer_with_sync_objects(method, answer):
    """help() shows the asynchronous twin's parameters and the synchronous answer."""
    assert inspect.signature(method).return_annotation == answer


async def test_the_async_flow_with_a_dataframe_and_a_reevaluation(stack):
    account = await stack.account()
    frame = pd.read_csv(io.BytesIO(small_adult_csv(300)))
    async with AsyncClient(stack.url, token=account.token) as c:
        assert (await c.me()).email == account.email
        p = await c.projects.create("Async")
        ds = await c.datasets.upload(frame, project=p, name="adult-300")
        assert ds.row_count == 300 and ds.name == "adult-300"
        assert (await p.datasets())[0].id == ds.id
        job = await ds.train(engine="gaussian_copula", seed=5)
        assert (await job.refresh()).id == job.id
        model = await job.wait(progress=False)
        assert isinstance(model, sdk.AsyncModel) and (await model.refresh()).status.value == "READY"
        assert [m.id for m in await c.models.list(project=p, status="READY")] == [model.id]

        batch = await model.generate(rows=400, seed=1, conditions={"income": "<=50K"}, wait=False)
        assert batch.status.value == "GENERATING"
        batch = await batch.wait(progress=False)
        rows = await batch.to_pandas()
        assert rows.shape == (400, 5) and set(rows["income"]) == {"<=50K"}
        assert len(await batch.preview(4)) == 4
        assert [b.id for b in await c.batches.list(model=model)] == [batch.id]

        first = await batch.report()
        assert first.status.value == "READY" and first.quality_score is not None
        again = await batch.evaluate(target_column="workclass", sample_rows=200)
        assert again.status.value in ("PENDING", "RUNNING", "READY")
        done = await batch.report()  # the newest report: the re-run, once it is done
        assert done.id == again.id
        assert done.target_column == "workclass" and done.status.value == "READY"
        assert (await done.refresh()).id == again.id
