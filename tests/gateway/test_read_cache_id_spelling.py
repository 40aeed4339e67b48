"""The read cache and ids spelled another way: the services take any spelling of a UUID
(upper case, no hyphens, braces), the events name the canonical one. An answer kept under
the caller's spelling must still be dropped by the event, through the other gateway, within
the event's latency (the deadline is far below the cache's 30 s lifetime)."""

from __future__ import annotations

import uuid

from tests.gateway.test_gateway_read_cache import (
    DATASET,
    DELETE_DATASET,
    PROJECT,
    REMOVE_MEMBER,
    Gateway,
    Team,
    code,
    team,
    two,
    until,
)

__all__ = ["team", "two"]  # the fixtures, used by name


def spellings(value: str) -> list[str]:
    canonical = uuid.UUID(value)
    return [value.upper(), canonical.hex, "{" + value + "}", canonical.urn]


async def kept(gw: Gateway, query: str, variables: dict, token: str) -> dict:
    """Reads until the answer comes from the gateway's memory."""
    answers: list[dict] = []

    async def from_memory() -> bool:
        hits = gw.cache.counts["hit"]
        answers.append(await gw.ask(query, variables, token))
        return gw.cache.counts["hit"] == hits + 1

    await until(from_memory, "a read served from memory")
    return answers[-1]


async def test_a_removed_member_cannot_read_the_project_by_another_spelling(two, team: Team):
    a, b = two
    viewer = team.tokens["viewer"]
    for spelled in spellings(team.project_id):
        answer = await kept(b, PROJECT, {"id": spelled}, viewer)
        assert answer["data"]["project"]["myRole"] == "VIEWER", answer
    removed = await a.ask(
        REMOVE_MEMBER, {"p": team.project_id, "u": team.users["viewer"].id}, team.tokens["owner"]
    )
    assert removed["data"]["removeProjectMember"] is True

    async def refused() -> bool:
        for spelled in spellings(team.project_id):
            if code(await b.ask(PROJECT, {"id": spelled}, viewer)) != "NOT_FOUND":
                return False
        return True

    await until(refused, "every spelling of the project is refused to the removed viewer")


async def test_a_deleted_dataset_is_gone_by_another_spelling(two, team: Team):
    a, b = two
    editor = team.tokens["editor"]
    for spelled in spellings(team.dataset_id):
        answer = await kept(b, DATASET, {"id": spelled}, editor)
        assert answer["data"]["dataset"]["id"] == team.dataset_id, answer
    deleted = await a.ask(DELETE_DATASET, {"d": team.dataset_id}, team.tokens["owner"])
    assert "errors" not in deleted, deleted

    async def gone() -> bool:
        for spelled in spellings(team.dataset_id):
            if code(await b.ask(DATASET, {"id": spelled}, editor)) != "NOT_FOUND":
                return False
        return True

    await until(gone, "every spelling of the deleted dataset is gone")
