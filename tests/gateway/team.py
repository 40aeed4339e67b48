"""A project with one member of each role, an outsider and an admin, a trained model and a
ready batch: what the privacy gate and approval tests try every path with."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import nats

from common.events import new_event
from synthetica.datasets.v1 import datasets_pb2
from synthetica.evaluation.v1 import evaluation_pb2
from synthetica.events.v1 import events_pb2
from tests.services.training.training_world import TrainingWorld
from tests.support import AuthCaller, User, graphql

ROLES = ("owner", "editor", "viewer", "outsider", "admin")
BATCH = """
query($id: ID!) {
  batch(id: $id) {
    id status
    gate { state message reason releasedBy releasedAt canRelease }
  }
}"""
UPDATE_PROJECT = """
mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { id privacyGate approvalRequired }
}"""
GENERATE = """
mutation($input: GenerateInput!) {
  generate(input: $input) { batch { id status } job { id status } }
}"""


@dataclass
class Team:
    world: TrainingWorld
    users: dict[str, User]
    tokens: dict[str, str]
    project_id: str
    dataset_id: str
    model_id: str

    async def generate(self, client: httpx.AsyncClient, role: str, count: int = 50) -> dict:
        result = await graphql(
            client,
            GENERATE,
            {"input": {"modelId": self.model_id, "count": count, "seed": 1}},
            token=self.tokens[role],
        )
        assert "errors" not in result, result
        return result["data"]["generate"]

    async def settings(self, client: httpx.AsyncClient, role: str = "owner", **changes) -> dict:
        return await graphql(
            client,
            UPDATE_PROJECT,
            {"input": {"id": self.project_id, **changes}},
            token=self.tokens[role],
        )

    async def batch(self, client: httpx.AsyncClient, batch_id: str, role: str = "owner") -> dict:
        result = await graphql(client, BATCH, {"id": batch_id}, token=self.tokens[role])
        return result["data"]["batch"]

    async def wait_batch(self, client: httpx.AsyncClient, batch_id: str, **wanted) -> dict:
        """The batch once each named field has the value wanted (``gate`` a state name)."""
        for _ in range(300):
            batch = await self.batch(client, batch_id)
            now = {"status": batch["status"], "gate": (batch["gate"] or {}).get("state")}
            if all(now[key] == value for key, value in wanted.items()):
                return batch
            await asyncio.sleep(0.2)
        raise AssertionError(f"batch {batch_id} never became {wanted}: {batch}")


async def build_team(auth: AuthCaller, world: TrainingWorld) -> Team:
    """Everybody, a project with its editor and viewer, and a model the owner trained."""
    users = {role: await world.user() for role in ("owner", "editor", "viewer", "outsider")}
    owner = users["owner"]
    project_id = await world.project(owner)
    for role, number in (
        ("editor", datasets_pb2.PROJECT_ROLE_EDITOR),
        ("viewer", datasets_pb2.PROJECT_ROLE_VIEWER),
    ):
        await world.add_member(owner, project_id, users[role].email, number)
    await world.project(users["outsider"])
    dataset_id = await world.dataset(owner, project_id=project_id)
    model_id = await world.trained_model(owner, dataset_id, seed=3)
    tokens = {role: user.token for role, user in users.items()}
    tokens["admin"] = await auth.admin_token()
    return Team(world, users, tokens, project_id, dataset_id, model_id)


async def publish_verdict(nats_url: str, batch_id: str, verdict: str, owner_id: str) -> None:
    """The evaluation service's verdict on the batch, as it publishes it (evaluation.completed
    on the EVENTS stream, which the training service consumes)."""
    event = new_event(
        events_pb2.EvaluationCompleted(
            report_id=f"report-{batch_id}",
            batch_id=batch_id,
            quality_score=0.8,
            privacy_verdict=verdict,
            verdict=evaluation_pb2.PrivacyVerdict.Value(f"PRIVACY_VERDICT_{verdict.upper()}"),
        ),
        user_id=owner_id,
    )
    # Dated ahead, so a report the evaluation service makes meanwhile is the older one.
    event.occurred_at.FromDatetime(datetime.now(UTC) + timedelta(hours=1))
    nc = await nats.connect(nats_url)
    await nc.jetstream().publish(
        "synthetica.events.evaluation.completed", event.SerializeToString()
    )
    await nc.close()
