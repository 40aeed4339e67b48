"""The synchronous ``Client`` against the real stack: credentials from every source and tokens
that renew themselves, projects and datasets (a file, a DataFrame, options), templates, jobs,
cancel, live waits that fall back to polling when websockets are blocked, and the typed
errors a user meets (bad credentials, not found, a viewer's forbidden action, bad input)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pandas as pd
import pytest
from rich.console import Console
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from synthetica_client import (
    BadUserInput,
    Client,
    Dataset,
    Forbidden,
    JobCancelled,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
    config,
)
from tests.sdk.conftest import PASSWORD, in_thread
from tests.services.training.training_world import small_adult_csv
from tests.support import serve, start_gateway


def small_frame(rows: int = 200) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(small_adult_csv(rows)))


async def test_credentials_from_arguments_the_environment_and_a_saved_login(
    stack, sdk_environment, monkeypatch
):
    account = await stack.account()
    key = await stack.api_key(account)

    def arguments() -> tuple[str, str]:
        with (
            Client(stack.url, api_key=key) as by_key,
            Client(stack.url, token=account.token) as by_token,
        ):
            return by_key.me().email, by_token.me().email

    assert await in_thread(arguments) == (account.email, account.email)

    monkeypatch.setenv("SYNTHETICA_URL", stack.url)
    monkeypatch.setenv("SYNTHETICA_API_KEY", key)

    def environment() -> str:
        with Client() as c:
            return c.me().email

    assert await in_thread(environment) == account.email
    monkeypatch.delenv("SYNTHETICA_API_KEY")

    def saved_login() -> str:
        with Client(stack.url) as c:
            c.login(account.email, PASSWORD, save=True)
        with Client() as later:  # a later session: the URL and the login come from the file
            return later.me().email

    assert await in_thread(saved_login) == account.email
    path = sdk_environment / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["url"] == stack.url and saved["refresh_token"] and PASSWORD not in path.read_text()

    # Saved credentials never go to another server.
    assert config.resolve("http://127.0.0.1:1").present is False


async def test_tokens_renew_by_themselves_and_share_the_saved_login(stack, sdk_environment):
    account = await stack.account()

    def scenario() -> dict:
        with Client(stack.url) as c:
            c.login(account.email, PASSWORD, save=True)
        first = config.load_saved()
        # Two sessions on the same saved login, both with tokens about to expire.
        a, b = Client(stack.url), Client(stack.url)
        for client in (a, b):
            client.credentials.expires_at = time.time()
        a_email = a.me().email  # renews, rotating the refresh token
        after_a = config.load_saved()
        # b still holds the old refresh token: presenting it would end the login, so b
        # takes the tokens a saved.
        b_email = b.me().email
        again = a.me().email  # the login is alive
        # An access token the server refuses (not just an old one): renewed and retried.
        a.credentials.access_token = "not-a-token"
        a.credentials.expires_at = time.time() + 600
        recovered = a.me().email
        a.close()
        b.close()
        return {
            "emails": {a_email, b_email, again, recovered},
            "first": first,
            "after_a": after_a,
            "b_token": b.credentials.refresh_token,
        }

    result = await in_thread(scenario)
    assert result["emails"] == {account.email}
    assert result["after_a"].refresh_token != result["first"].refresh_token
    # b adopted a's tokens rather than presenting its used refresh token (which would have
    # revoked the whole login, and a's last renewal with it).
    assert result["b_token"] == result["after_a"].refresh_token


async def test_a_revoked_login_asks_to_log_in_again(stack):
    account = await stack.account()

    def scenario() -> str:
        with Client(stack.url) as c:
            c.login(account.email, PASSWORD)
            stale = c.credentials.refresh_token
            c.logout()  # the server ends the session
            c.credentials.refresh_token = stale
            c.credentials.access_token = "expired"
            c.credentials.expires_at = time.time()
            with pytest.raises(Unauthenticated) as refused:
                c.me()
            return str(refused.value)

    assert "synthetica login" in await in_thread(scenario)


async def test_projects_and_datasets_from_a_file_a_dataframe_and_options(stack, tmp_path):
    account = await stack.account()
    pipe_file = tmp_path / "people.txt"
    pipe_file.write_text("a|b\n1|x\n2|y\n3|x\n4|y\n5|x\n6|y\n7|x\n8|y\n9|x\n10|y\n")

    def scenario() -> None:
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create("Census", description="1994")
            assert p.my_role.value == "OWNER" and p.description == "1994"
            assert [x.id for x in c.projects.list()] == [p.id]
            assert c.projects.get(p.id).name == "Census" == c.projects.get("Census").name
            assert p.refresh().id == p.id

            frame = small_frame()
            ds = c.datasets.upload(frame, project=p, name="frame", progress=False)
            assert isinstance(ds, Dataset)
            assert ds.status.value == "READY" and ds.row_count == 200
            assert [col.name for col in ds.columns] == list(frame.columns)
            assert ds.stats is not None

            piped = c.datasets.upload(
                pipe_file,
                project="Census",
                options={"delimiter": "|", "has_header": True, "holdout_fraction": 0.9},
            )
            assert [col.name for col in piped.columns] == ["a", "b"]
            # Far above the default 20 %: the option reached ingestion.
            assert piped.holdout_row_count >= 6 and piped.name == "people"

            listed = c.datasets.list(p)
            assert {d.id for d in listed} == {ds.id, piped.id} == {d.id for d in p.datasets()}
            assert listed[0].stats is None  # lists are light; refresh() loads the rest
            assert next(d for d in listed if d.id == ds.id).refresh().stats == ds.stats
            assert c.datasets.get(ds.id).row_count == 200
            rows = ds.preview(3)
            assert len(rows) == 3 and rows[0]["age"] == frame["age"][0]
            assert ds.preview(2, offset=1)[0]["age"] == frame["age"][1]
            assert {col.name: col.sdtype for col in ds.set_types({"age": "categorical"}).columns}[
                "age"
            ] == "categorical"

            with pytest.raises(BadUserInput) as unknown:
                c.datasets.upload(pipe_file, project=p, options={"delimitr": "|"})
            assert unknown.value.fields[0]["field"] == "options.delimitr"
            empty = tmp_path / "empty.csv"
            empty.write_bytes(b"")
            with pytest.raises(BadUserInput) as refused:
                c.datasets.upload(empty, project=p)
            assert refused.value.reason == "EMPTY_FILE"

            assert piped.delete() is True
            with pytest.raises(NotFound):
                c.datasets.get(piped.id)

    await in_thread(scenario)


async def test_errors_are_typed_with_the_servers_reason(stack):
    owner, viewer = await stack.account(), await stack.account()

    def owners_part() -> tuple[str, str]:
        with Client(stack.url, token=owner.token) as c:
            p = c.projects.create("Shared")
            return p.id, c.datasets.upload(small_frame(120), project=p, progress=False).id

    project_id, dataset_id = await in_thread(owners_part)
    await stack.add_member(owner, project_id, viewer.email, "VIEWER")

    def viewers_part() -> None:
        with Client(stack.url, token=viewer.token) as c:
            assert c.datasets.get(dataset_id).row_count == 120  # viewers read
            with pytest.raises(Forbidden) as forbidden:
                c.train(dataset_id, engine="gaussian_copula")
            assert forbidden.value.code == "FORBIDDEN" and forbidden.value.message
            with pytest.raises(Forbidden):
                c.datasets.get(dataset_id).set_types({"age": "categorical"})
        with Client(stack.url, token=owner.token) as c:
            with pytest.raises(NotFound) as missing:
                c.datasets.get(str(uuid.uuid4()))
            assert "not found" in str(missing.value).lower() or missing.value.message
            with pytest.raises(BadUserInput) as bad:
                c.train(dataset_id, engine="no_such_engine")
            assert bad.value.fields and "engine" in bad.value.fields[0]["field"]
            with pytest.raises(BadUserInput) as no_dp:
                c.train(dataset_id, engine="ctgan", differential_privacy={"epsilon": 5})
            assert no_dp.value.fields[0]["field"] == "params.differential_privacy"
            with pytest.raises(BadUserInput) as bad_dp:
                c.train(dataset_id, engine="tabular_argn", differential_privacy={"epsilon": -1})
            assert bad_dp.value.fields[0]["field"] == "params.differential_privacy.epsilon"
            with pytest.raises(BadUserInput):
                c.jobs.list(status="SLEEPING")  # refused before asking the server
        with Client(stack.url, api_key="syn_wrong") as c, pytest.raises(Unauthenticated):
            c.me()
        with Client(stack.url) as c, pytest.raises(Unauthenticated):
            c.me()  # signed out
        with Client("http://127.0.0.1:1") as c, pytest.raises(ServiceUnavailable):
            c.me()

    await in_thread(viewers_part)


async def test_cancel_a_running_training_job(stack):
    account = await stack.account()

    def scenario() -> None:
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create("Cancel")
            ds = c.datasets.upload(small_frame(150), project=p, progress=False)
            job = ds.train(engine="ctgan", epochs=3000, seed=1)
            deadline = time.time() + 240
            while job.status.value != "RUNNING":
                assert time.time() < deadline, job
                time.sleep(0.5)
                job = job.refresh()
            cancelled = job.cancel()
            assert cancelled.status.value in ("CANCELLED", "RUNNING")
            with pytest.raises(JobCancelled):
                job.wait(progress=False, timeout=120)
            assert job.refresh().status.value == "CANCELLED"
            assert c.models.get(job.model_id).status.value == "CANCELLED"

    await in_thread(scenario)


async def test_templates_jobs_models_batches_and_engines(stack):
    account = await stack.account()

    def scenario() -> None:
        with Client(stack.url, token=account.token) as c:
            names = {t.id for t in c.templates.list() if t.builtin}
            assert {"user", "company"} <= names
            assert c.templates.get("user").builtin
            with pytest.raises(BadUserInput):  # no project yet to put the batch in
                c.generate_from_template("user", rows=10)
            p = c.projects.create("Fake")
            batch = c.generate_from_template(
                "user", rows=500, seed=3, locale="de_DE", progress=False
            )
            assert (
                batch.status.value == "READY"
                and batch.row_count == 500
                and batch.project_id == p.id
            )
            users = batch.to_pandas()
            assert len(users) == 500 and "email" in users.columns
            again = c.generate_from_template(
                "user", rows=500, seed=3, locale="de_DE", project=p, progress=False
            )
            pd.testing.assert_frame_equal(again.to_pandas(), users)  # same seed, same rows
            assert batch.preview(2)[0].keys() == set(users.columns)
            # A preview: rows like the batch's at once, without a job; same seed, same rows.
            shown = c.templates.preview("user", rows=3, seed=3, locale="de_DE")
            assert list(shown) == ["users"] and len(shown["users"]) == 3
            assert list(shown["users"][0]) == list(users.columns)
            assert c.templates.preview("user", rows=3, seed=3, locale="de_DE") == shown
            shop = {"tables": [{"name": "t", "fields": [{"name": "n", "type": "int", "min": 5}]}]}
            assert len(c.templates.preview(schema=shop, rows=4)["t"]) == 4
            with pytest.raises(BadUserInput):
                c.templates.preview("user", rows=51)

            template_jobs = c.jobs.list(kind="TEMPLATE")
            assert {j.id for j in template_jobs} == {batch.job_id, again.job_id}
            assert batch.job_id in {j.id for j in c.jobs.list(status="SUCCEEDED")}
            assert c.jobs.list(status="RUNNING", project=p) == []
            assert c.jobs.get(batch.job_id).batch_id == batch.id
            assert {b.id for b in c.batches.list(project=p)} == {batch.id, again.id}
            assert c.batches.get(batch.id).refresh().row_count == 500
            assert c.models.list() == []
            assert "gaussian_copula" in {e["name"] for e in c.engines()}

            c.projects.create("Second")
            with pytest.raises(BadUserInput) as ambiguous:
                c.generate_from_template("user", rows=10)
            assert "project" in str(ambiguous.value)

    await in_thread(scenario)


# --- websockets blocked ----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def websocket_blocking_proxy(upstream: str) -> AsyncIterator[tuple[str, dict]]:
    """A reverse proxy in front of the gateway that refuses websocket upgrades, as some
    corporate proxies do; it counts what it refused and the job polls it forwarded."""
    seen = {"websockets_refused": 0, "job_polls": 0}
    forward = httpx.AsyncClient(base_url=upstream, timeout=120)

    async def http(request: Request) -> Response:
        body = await request.body()
        if b'"operationName":"Job"' in body.replace(b" ", b""):
            seen["job_polls"] += 1
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        answer = await forward.request(
            request.method,
            request.url.path,
            params=request.query_params,
            content=body,
            headers=headers,
        )
        drop = ("content-length", "transfer-encoding", "content-encoding", "connection")
        return Response(
            answer.content,
            answer.status_code,
            {k: v for k, v in answer.headers.items() if k.lower() not in drop},
        )

    async def refuse(websocket: WebSocket) -> None:
        seen["websockets_refused"] += 1
        await websocket.close(code=1008)  # before accepting: the handshake gets HTTP 403

    methods = ["GET", "POST"]
    app = Starlette(
        routes=[WebSocketRoute("/graphql", refuse), Route("/{path:path}", http, methods=methods)]
    )
    try:
        async with serve(app) as url:
            yield url, seen
    finally:
        await forward.aclose()


async def test_wait_falls_back_to_polling_when_websockets_are_blocked(stack):
    account = await stack.account()
    async with websocket_blocking_proxy(stack.url) as (proxied, seen):

        def scenario() -> str:
            buffer = io.StringIO()
            with Client(proxied, token=account.token) as c:
                p = c.projects.create("Behind a proxy")
                ds = c.datasets.upload(small_frame(150), project=p, progress=False)
                model = c.train(ds, engine="gaussian_copula", seed=2).wait(
                    progress=Console(file=buffer, force_terminal=True, width=100)
                )
                assert model.status.value == "READY"
            return buffer.getvalue()

        drawn = await in_thread(scenario)
    assert seen["websockets_refused"] >= 1
    assert seen["job_polls"] >= 2  # it polled the job to the end
    assert "succeeded" in drawn and "100%" in drawn


def test_progress_stays_quiet_when_not_a_terminal(monkeypatch):
    from synthetica_client.progress import console_for

    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # pytest captures stderr: not a terminal.
    assert console_for(True) is None
    assert console_for(False) is None
    mine = Console(file=io.StringIO(), force_terminal=True)
    assert console_for(mine) is mine
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert console_for(True) is not None


def test_credentials_file_is_private_and_only_for_its_server(sdk_environment):
    creds = config.Credentials(
        "http://example.test:8000", access_token="a", refresh_token="r", email="e@x"
    )
    os.umask(0o022)
    path = config.save(creds)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.resolve().url == "http://example.test:8000"
    assert config.resolve().refresh_token == "r"
    assert config.resolve("http://elsewhere.test").present is False
    assert config.forget() and not path.exists()


async def test_a_batch_still_reads_while_the_evaluation_service_is_down(
    stack, auth_server, datasets_server, training_api, service_token, caplog
):
    account = await stack.account()

    def make_batch() -> str:
        with Client(stack.url, token=account.token) as c:
            c.projects.create("Degraded")
            return c.generate_from_template("user", rows=50, seed=1, progress=False).id

    batch_id = await in_thread(make_batch)
    # A gateway whose evaluation service does not answer.
    async with start_gateway(
        auth_server,
        datasets_server,
        training_api,
        service_token=service_token,
        evaluation_addr="127.0.0.1:1",
    ) as degraded:

        def read() -> None:
            with Client(degraded, token=account.token) as c:
                batch = c.batches.get(batch_id)
                assert batch.row_count == 50 and batch.quality_score is None
                assert len(batch.to_pandas()) == 50
                with pytest.raises(ServiceUnavailable):
                    batch.report(wait=False)

        await in_thread(read)
    assert "partial answer" in caplog.text  # the user is told what is missing
