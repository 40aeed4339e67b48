"""The privacy gate through GraphQL and the HTTP download links, for every role: a project's
owners turn it on; a batch whose privacy verdict is FAIL (or not known yet) then does not
download, preview or get a link, whoever asks; under OWNER_OVERRIDE an owner or an admin
releases it with a reason, which is recorded, shown on the batch and told to the owners."""

from __future__ import annotations

import grpc
import pytest

from common.clients import service_metadata
from synthetica.training.v1 import training_pb2
from tests.gateway.team import Team, publish_verdict
from tests.services.training.training_world import frame
from tests.support import error_code, graphql, stream_events

pytestmark = pytest.mark.usefixtures("training_worker")

LINK = "mutation($id: ID!) { createBatchDownloadUrl(batchId: $id) { url } }"
PREVIEW = "query($id: ID!) { batch(id: $id) { previewRows(n: 3) } }"
RELEASE = """
mutation($id: ID!, $reason: String!) {
  releaseBatch(batchId: $id, reason: $reason) {
    id gate { state reason releasedBy releasedAt canRelease }
  }
}"""
MEMBERS = ("owner", "editor", "viewer")


async def _failed_batch(client, team: Team, nats_url: str) -> str:
    """A ready batch whose privacy verdict is FAIL."""
    generated = await team.generate(client, "owner")
    batch_id = generated["batch"]["id"]
    await team.wait_batch(client, batch_id, status="READY")
    await publish_verdict(nats_url, batch_id, "fail", team.users["owner"].id)
    return batch_id


async def _http_download(client, token: str, batch_id: str):
    return await client.get(
        f"/downloads/batches/{batch_id}",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_owners_and_admins_set_the_gate_others_cannot(client, team):
    shown = await graphql(
        client,
        "query($id: ID!) { project(id: $id) { privacyGate approvalRequired } }",
        {"id": team.project_id},
        token=team.tokens["viewer"],
    )
    assert shown["data"]["project"] == {"privacyGate": "OFF", "approvalRequired": False}
    for role, code in (("editor", "FORBIDDEN"), ("viewer", "FORBIDDEN"), ("outsider", "NOT_FOUND")):
        refused = await team.settings(client, role, privacyGate="BLOCK")
        assert error_code(refused) == code, (role, refused)
    bogus = await team.settings(client, privacyGate="SOMETIMES")
    assert "errors" in bogus
    by_admin = await team.settings(client, "admin", privacyGate="BLOCK")
    assert by_admin["data"]["updateProject"]["privacyGate"] == "BLOCK"
    by_owner = await team.settings(client, privacyGate="OFF")
    assert by_owner["data"]["updateProject"]["privacyGate"] == "OFF"


async def test_block_keeps_a_failed_batch_from_every_role_on_every_path(client, team, nats_url):
    batch_id = await _failed_batch(client, team, nats_url)
    old_link = await graphql(client, LINK, {"id": batch_id}, token=team.tokens["viewer"])
    old_url = old_link["data"]["createBatchDownloadUrl"]["url"]
    assert (await client.get(old_url)).status_code == 200  # the gate is off so far

    assert "errors" not in await team.settings(client, privacyGate="BLOCK")
    batch = await team.wait_batch(client, batch_id, gate="BLOCKED")
    assert "privacy verdict is FAIL" in batch["gate"]["message"]
    assert batch["gate"]["canRelease"] is False
    for role in MEMBERS:
        token = team.tokens[role]
        link = await graphql(client, LINK, {"id": batch_id}, token=token)
        assert link["errors"][0]["extensions"]["reason"] == "PRIVACY_GATE_BLOCKED", role
        preview = await graphql(client, PREVIEW, {"id": batch_id}, token=token)
        assert preview["errors"][0]["extensions"]["reason"] == "PRIVACY_GATE_BLOCKED", role
        response = await _http_download(client, token, batch_id)
        assert response.status_code >= 400 and b"PRIVACY_GATE_BLOCKED" in response.content, role
    # A link made before the gate was turned on is refused when used.
    used = await client.get(old_url)
    assert used.status_code >= 400 and b"PRIVACY_GATE_BLOCKED" in used.content
    outsider = await _http_download(client, team.tokens["outsider"], batch_id)
    assert outsider.status_code == 404
    # BLOCK has no override, not even for owners.
    release = await graphql(
        client, RELEASE, {"id": batch_id, "reason": "we need it"}, token=team.tokens["owner"]
    )
    assert release["errors"][0]["extensions"]["reason"] == "GATE_NOT_OVERRIDABLE"

    assert "errors" not in await team.settings(client, privacyGate="OFF")
    opened = await _http_download(client, team.tokens["viewer"], batch_id)
    assert opened.status_code == 200 and len(frame(opened.content)) == 50


async def _held_batch(client, team: Team) -> str:
    """A ready batch the gate holds until its verdict, and whose download says so. When the
    session's evaluation service is up (another module started it), its verdict can land
    between the two reads: then the batch must be open, and another batch is tried."""
    for _ in range(3):
        generated = await team.generate(client, "editor")
        batch_id = generated["batch"]["id"]
        batch = await team.wait_batch(client, batch_id, status="READY", gate="AWAITING_VERDICT")
        assert "evaluation" in batch["gate"]["message"]
        response = await _http_download(client, team.tokens["editor"], batch_id)
        if b"PRIVACY_GATE_AWAITING_VERDICT" in response.content:
            return batch_id
        assert response.status_code == 200, response.content
        now = await team.batch(client, batch_id)
        assert now["gate"]["state"] == "OPEN", now  # under BLOCK: a verdict came, not FAIL
    raise AssertionError("every batch's verdict came before its download was tried")


async def test_a_batch_waits_for_its_verdict_while_the_gate_is_on(client, team, nats_url):
    assert "errors" not in await team.settings(client, privacyGate="BLOCK")
    batch_id = await _held_batch(client, team)
    await publish_verdict(nats_url, batch_id, "pass", team.users["owner"].id)
    await team.wait_batch(client, batch_id, gate="OPEN")
    response = await _http_download(client, team.tokens["editor"], batch_id)
    assert response.status_code == 200 and len(frame(response.content)) == 50
    assert "errors" not in await team.settings(client, privacyGate="OFF")


async def test_owner_override_release_is_recorded_shown_and_told(client, team, nats_url):
    batch_id = await _failed_batch(client, team, nats_url)
    assert "errors" not in await team.settings(client, privacyGate="OWNER_OVERRIDE")
    held = await team.wait_batch(client, batch_id, gate="BLOCKED")
    assert "may release" in held["gate"]["message"] and held["gate"]["canRelease"] is True
    viewer_view = await team.batch(client, batch_id, "viewer")
    assert viewer_view["gate"]["canRelease"] is False

    for role, code in (("editor", "FORBIDDEN"), ("viewer", "FORBIDDEN"), ("outsider", "NOT_FOUND")):
        refused = await graphql(
            client, RELEASE, {"id": batch_id, "reason": "please"}, token=team.tokens[role]
        )
        assert error_code(refused) == code, (role, refused)
    for reason in ("", "   ", "x" * 2001):
        bad = await graphql(
            client, RELEASE, {"id": batch_id, "reason": reason}, token=team.tokens["owner"]
        )
        assert error_code(bad) == "BAD_USER_INPUT"
    assert (await _http_download(client, team.tokens["owner"], batch_id)).status_code >= 400

    released = await graphql(
        client,
        RELEASE,
        {"id": batch_id, "reason": "  audited by legal: ticket 42 "},
        token=team.tokens["owner"],
    )
    gate = released["data"]["releaseBatch"]["gate"]
    assert gate["state"] == "RELEASED"
    assert gate["reason"] == "audited by legal: ticket 42"
    assert gate["releasedBy"] == team.users["owner"].id and gate["releasedAt"]
    again = await graphql(
        client, RELEASE, {"id": batch_id, "reason": "second"}, token=team.tokens["admin"]
    )
    assert again["data"]["releaseBatch"]["gate"]["reason"] == "audited by legal: ticket 42"
    for role in MEMBERS:
        response = await _http_download(client, team.tokens[role], batch_id)
        assert response.status_code == 200 and len(frame(response.content)) == 50, role
    link = await graphql(client, LINK, {"id": batch_id}, token=team.tokens["viewer"])
    assert (await client.get(link["data"]["createBatchDownloadUrl"]["url"])).status_code == 200

    events = [
        e.batch_released
        for e in await stream_events(nats_url, "synthetica.events.batch.released")
        if e.batch_released.batch_id == batch_id
    ]
    assert len(events) == 1
    assert list(events[0].owner_ids) == [team.users["owner"].id]
    assert events[0].reason == "audited by legal: ticket 42"
    # BLOCK takes the override back: a released batch is held again.
    assert "errors" not in await team.settings(client, privacyGate="BLOCK")
    await team.wait_batch(client, batch_id, gate="BLOCKED")
    assert "errors" not in await team.settings(client, privacyGate="OFF")


async def test_an_admin_releases_a_batch_of_a_project_they_are_not_in(client, team, nats_url):
    batch_id = await _failed_batch(client, team, nats_url)
    assert "errors" not in await team.settings(client, privacyGate="OWNER_OVERRIDE")
    await team.wait_batch(client, batch_id, gate="BLOCKED")
    released = await graphql(
        client, RELEASE, {"id": batch_id, "reason": "incident 7"}, token=team.tokens["admin"]
    )
    assert released["data"]["releaseBatch"]["gate"]["state"] == "RELEASED"
    assert "errors" not in await team.settings(client, privacyGate="OFF")


async def test_the_gate_lets_the_evaluation_service_read_and_nobody_else(
    client, team, nats_url, service_token
):
    """The evaluation service reads a held batch (it gives the verdict the gate waits for); the
    gateway acting for a user (a signed link) or any other service on a user's behalf does not."""
    batch_id = await _failed_batch(client, team, nats_url)
    assert "errors" not in await team.settings(client, privacyGate="BLOCK")
    await team.wait_batch(client, batch_id, gate="BLOCKED")
    request = training_pb2.DownloadBatchRequest(
        batch_id=batch_id, format=training_pb2.EXPORT_FORMAT_CSV
    )
    owner = team.users["owner"].id

    async def download(service_name: str) -> bytes:
        metadata = service_metadata(service_token, service_name=service_name, on_behalf_of=owner)
        stream = team.world.training.DownloadBatch(request, metadata=metadata)
        return b"".join([m.chunk async for m in stream])

    assert len(frame(await download("evaluation"))) == 50
    for name in ("gateway", "training-worker", "notify"):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await download(name)
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION, name
        assert "privacy verdict is FAIL" in (refused.value.details() or ""), name
    assert "errors" not in await team.settings(client, privacyGate="OFF")
