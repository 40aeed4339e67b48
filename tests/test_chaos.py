"""Chaos: the main flow through GraphQL on a `make up` stack while the
training worker, the datasets and evaluation services, NATS and PostgreSQL are killed
(SIGKILL) or paused (SIGSTOP, then SIGCONT) in turn. Every job ends exactly once with its
output intact, and every notification arrives once.

The default suite disrupts each process once, at the moment it matters most (datasets while
it ingests, the worker while it trains, NATS while a batch is generated, evaluation while it
evaluates, PostgreSQL when the user registers). ``make test-chaos`` (slow) kills *and*
pauses each of them.
"""

from __future__ import annotations

import collections
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

from tests.services.training.training_world import small_adult_csv
from tests.support import PASSWORD, unique_email
from tests.test_devstack import (  # noqa: F401 - fixtures
    Output,
    ports,
    start_stack,
    stop_stack,
    var_dir,
    wait_until_up,
)

# Short enough that recovery is quick, as a cluster would tune a test environment.
FAST_RECOVERY = {
    "TRAINING_JOB_ACK_WAIT_SECONDS": "6",
    "TRAINING_JOB_HEARTBEAT_SECONDS": "1",
    "TRAINING_JOB_RETRY_DELAY_SECONDS": "1",
    "EVALUATION_ACK_WAIT_SECONDS": "10",
    "EVALUATION_HEARTBEAT_SECONDS": "2",
    "DATASETS_INGEST_WORKERS": "1",
}
PAUSE_SECONDS = 8.0
# A request answered SERVICE_UNAVAILABLE (or not at all) while something is down is tried
# again for this long: what a client does; other errors fail the test.
RETRY_SECONDS = 180.0
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


@dataclass(frozen=True)
class Disruption:
    action: str  # "kill" or "pause"
    target: str  # "worker", "datasets", "evaluation", "nats", "postgres"


DEFAULT_PLAN = {
    "register": [Disruption("pause", "postgres")],
    "ingesting": [Disruption("kill", "datasets")],
    "training": [Disruption("kill", "worker")],
    "generating": [Disruption("pause", "nats")],
    "evaluating": [Disruption("kill", "evaluation")],
}
FULL_PLAN = {
    "register": [Disruption("pause", "postgres"), Disruption("kill", "postgres")],
    "ingesting": [Disruption("pause", "datasets"), Disruption("kill", "datasets")],
    "training": [Disruption("pause", "worker"), Disruption("kill", "worker")],
    "generating": [Disruption("kill", "nats"), Disruption("pause", "nats")],
    "evaluating": [Disruption("pause", "evaluation"), Disruption("kill", "evaluation")],
}


@dataclass
class Stack:
    process: object
    var_dir: Path
    output: Output
    done: list[Disruption] = field(default_factory=list)

    def _targets(self, target: str) -> list[psutil.Process]:
        """The process (with its children: a pause freezes the whole tree), once it runs: a
        process just killed is being started again by the stack."""
        deadline = time.monotonic() + RETRY_SECONDS
        while (root := self._root(target)) is None:
            assert time.monotonic() < deadline, f"{target} did not come back"
            time.sleep(0.5)
        return [root, *root.children(recursive=True)]

    def _root(self, target: str) -> psutil.Process | None:
        try:
            if target == "postgres":
                pid_file = self.var_dir / "postgres" / "postmaster.pid"
                return psutil.Process(int(pid_file.read_text().split()[0]))
            words = {
                "worker": ("services.training", "worker"),
                "datasets": ("services.datasets",),
                "evaluation": ("services.evaluation",),
                "nats": ("nats-server",),
            }[target]
            return next(
                (
                    child
                    for child in psutil.Process(self.process.pid).children()
                    if all(word in " ".join(child.cmdline()) for word in words)
                ),
                None,
            )
        except (FileNotFoundError, IndexError, ValueError, psutil.Error):
            return None

    def disrupt(self, disruption: Disruption) -> None:
        processes = self._targets(disruption.target)
        if disruption.action == "kill":
            processes[0].send_signal(signal.SIGKILL)
        else:
            for process in processes:
                process.suspend()
            time.sleep(PAUSE_SECONDS)
            for process in processes:
                process.resume()
        self.done.append(disruption)


class Client:
    """GraphQL as a patient user: typed SERVICE_UNAVAILABLE answers are tried again."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url.removesuffix("/graphql"), timeout=60)
        self.token = ""
        self.unavailable = 0

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def retrying(self, call: Callable[[], httpx.Response]) -> httpx.Response:
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                response = call()
                if "SERVICE_UNAVAILABLE" not in response.text:
                    return response
            except httpx.TransportError:
                pass
            self.unavailable += 1
            assert time.monotonic() < deadline, "the stack did not recover"
            time.sleep(1)

    def gql(self, query: str, **variables: object) -> dict:
        response = self.retrying(
            lambda: self.http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers=self._headers(),
            )
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def wait(self, query: str, done: Callable[[dict], bool], **variables: object) -> dict:
        deadline = time.monotonic() + RETRY_SECONDS * 2
        while True:
            data = self.gql(query, **variables)
            if done(data):
                return data
            assert time.monotonic() < deadline, f"still not done: {data}"
            time.sleep(0.5)


def _when(stage: str, plan: dict[str, list[Disruption]], stack: Stack) -> Future[None]:
    """Runs the stage's disruptions on a thread, one after the other; ``result()`` waits
    for them and raises what went wrong there."""

    def run() -> None:
        for disruption in plan.get(stage, []):
            stack.disrupt(disruption)

    pool = ThreadPoolExecutor(1, thread_name_prefix=f"chaos-{stage}")
    future = pool.submit(run)
    pool.shutdown(wait=False)  # the disruptions go on beside the flow
    return future


def main_flow(client: Client, stack: Stack, plan: dict[str, list[Disruption]]) -> dict:
    chaos = _when("register", plan, stack)
    email = unique_email("chaos")
    registered = client.gql(
        "mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p})"
        " { tokens { accessToken } } }",
        e=email,
        p=PASSWORD,
    )
    client.token = registered["register"]["tokens"]["accessToken"]
    chaos.result()
    project = client.gql('mutation { createProject(input: {name: "chaos"}) { id } }')
    project_id = project["createProject"]["id"]

    uploaded = client.retrying(
        lambda: client.http.post(
            "/upload/datasets",
            params={"projectId": project_id, "name": "adult", "fileName": "adult.csv"}
            | {"waitSeconds": "0"},
            content=small_adult_csv(400),
            headers=client._headers(),
        )
    )
    assert uploaded.status_code in (201, 202), uploaded.text
    dataset_id = uploaded.json()["id"]
    _when("ingesting", plan, stack).result()
    client.wait(
        "query($id: ID!) { dataset(id: $id) { status error } }",
        lambda d: d["dataset"]["status"] in ("READY", "FAILED"),
        id=dataset_id,
    )

    trained = client.gql(
        'mutation($d: ID!) { trainModel(input: {datasetId: $d, engine: "ctgan",'
        " epochs: 100000, batchSize: 20, timeBudgetSeconds: 6, seed: 1})"
        " { model { id } job { id } } }",
        d=dataset_id,
    )
    train_job = trained["trainModel"]["job"]["id"]
    client.wait(JOB, lambda d: d["job"]["progress"]["epoch"] >= 1 or _ended(d), id=train_job)
    _when("training", plan, stack).result()
    client.wait(JOB, _ended, id=train_job)

    generated = client.gql(
        "mutation($m: ID!) { generate(input: {modelId: $m, count: 3000, seed: 2})"
        " { batch { id } job { id } } }",
        m=trained["trainModel"]["model"]["id"],
    )
    generate_job = generated["generate"]["job"]["id"]
    chaos = _when("generating", plan, stack)
    client.wait(JOB, _ended, id=generate_job)
    chaos.result()

    batch_id = generated["generate"]["batch"]["id"]
    _when("evaluating", plan, stack).result()
    client.wait(
        "query($id: ID!) { batch(id: $id) { qualityScore } }",
        lambda d: d["batch"]["qualityScore"] is not None,
        id=batch_id,
    )
    return {
        "dataset": dataset_id,
        "model": trained["trainModel"]["model"]["id"],
        "jobs": [train_job, generate_job],
        "batch": batch_id,
    }


JOB = "query($id: ID!) { job(id: $id) { status attempts error progress { epoch } } }"


def _ended(data: dict) -> bool:
    return data["job"]["status"] in TERMINAL


def check_outcome(client: Client, made: dict) -> None:
    for job_id in made["jobs"]:
        job = client.gql(JOB, id=job_id)["job"]
        assert job["status"] == "SUCCEEDED", job
    model = client.gql("query($id: ID!) { model(id: $id) { status } }", id=made["model"])
    assert model["model"]["status"] == "READY"
    batch = client.gql("query($id: ID!) { batch(id: $id) { status rowCount } }", id=made["batch"])[
        "batch"
    ]
    assert batch == {"status": "READY", "rowCount": 3000}
    csv = client.retrying(
        lambda: client.http.get(
            f"/downloads/batches/{made['batch']}",
            params={"format": "csv"},
            headers=client._headers(),
        )
    )
    assert csv.status_code == 200, csv.text
    assert csv.text.count("\n") == 3001  # header and every row: the output is intact
    # One model and one batch: no attempt committed twice.
    models = client.gql("{ models(first: 50) { nodes { id } } }")["models"]["nodes"]
    batches = client.gql("{ batches(first: 50) { nodes { id } } }")["batches"]["nodes"]
    assert [m["id"] for m in models] == [made["model"]]
    assert [b["id"] for b in batches] == [made["batch"]]

    titles = _titles(client, expected=6)
    assert titles == collections.Counter(
        {
            "Welcome to Synthetica": 1,
            "Dataset adult is ready": 1,
            "Training started": 1,
            "Training succeeded": 1,
            "Synthetic batch ready": 1,
            "Evaluation ready": 1,
        }
    ), titles


def _titles(client: Client, expected: int) -> collections.Counter:
    """The user's notifications once the expected number arrived, and a little after (so a
    duplicate would have arrived too)."""
    query = "{ notifications(first: 100) { nodes { title } } }"
    client.wait(query, lambda d: len(d["notifications"]["nodes"]) >= expected)
    time.sleep(15)
    nodes = client.gql(query)["notifications"]["nodes"]
    return collections.Counter(node["title"] for node in nodes)


@pytest.fixture
def stack(var_dir: Path, ports: dict[str, int]) -> Iterator[Stack]:  # noqa: F811
    process = start_stack(var_dir, ports, FAST_RECOVERY)
    output = Output(process)
    try:
        wait_until_up(output)
        yield Stack(process, var_dir, output)
    finally:
        # What devstack said (restarts), shown with a failure.
        print("".join(line for line in output.everything if line.startswith("devstack:")))
        stop_stack(process)


def _run(stack: Stack, ports: dict[str, int], plan: dict[str, list[Disruption]]) -> None:  # noqa: F811
    client = Client(f"http://127.0.0.1:{ports['gateway']}/graphql")
    made = main_flow(client, stack, plan)
    check_outcome(client, made)
    planned = [d for stage in plan.values() for d in stage]
    assert stack.done == planned


@pytest.mark.chaos
@pytest.mark.timeout(1200)
def test_the_main_flow_survives_each_process_killed_or_paused(stack: Stack, ports):  # noqa: F811
    _run(stack, ports, DEFAULT_PLAN)


@pytest.mark.slow
@pytest.mark.chaos
@pytest.mark.timeout(2400)
def test_the_main_flow_survives_each_process_killed_and_paused(stack: Stack, ports):  # noqa: F811
    _run(stack, ports, FULL_PLAN)
