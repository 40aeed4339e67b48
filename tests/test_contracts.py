"""Contracts never drift: generated code matches proto/ and the GraphQL schema file matches the
code. The .proto conventions themselves are `buf lint`'s job in `make lint`."""

from __future__ import annotations

from pathlib import Path

from gateway.schema import SCHEMA_FILE, schema_sdl
from tools.protogen import DEFAULT_OUT, PROTO_ROOT, generate

PROTOS = sorted(PROTO_ROOT.rglob("*.proto"))


def test_generated_code_matches_the_protos(tmp_path: Path):
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in generate(tmp_path)}
    committed = {
        p.relative_to(DEFAULT_OUT): p.read_bytes()
        for p in DEFAULT_OUT.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert sorted(fresh) == sorted(committed), "run `make proto`"
    stale = [str(name) for name, content in fresh.items() if committed[name] != content]
    assert not stale, f"generated code is stale, run `make proto`: {stale}"


def test_graphql_schema_file_is_current():
    assert SCHEMA_FILE.read_text() == schema_sdl(), "run `make schema`"


def test_every_service_and_the_events_have_a_contract():
    packages = {p.relative_to(PROTO_ROOT).parent.as_posix() for p in PROTOS}
    assert packages == {
        f"synthetica/{name}/v1"
        for name in ("auth", "datasets", "training", "evaluation", "notify", "events")
    }
