"""Contracts never drift: generated code matches proto/, the GraphQL schema file matches the
code, and every .proto follows the conventions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("proto", PROTOS, ids=lambda p: p.name)
def test_proto_conventions(proto: Path):
    text = proto.read_text()
    package = proto.relative_to(PROTO_ROOT).parent.as_posix().replace("/", ".")
    assert f"package {package};" in text
    assert "google/protobuf/empty.proto" not in text, "no shared Empty: one message per RPC"
    for name, request, response in re.findall(
        r"rpc (\w+)\((?:stream )?(\w+)\) returns \("
        r"(?:stream )?(\w+)\)",
        text,
    ):
        assert (request, response) == (f"{name}Request", f"{name}Response"), name
    for enum, body in re.findall(r"enum (\w+) \{(.*?)\}", text, flags=re.S):
        prefix = re.sub(r"(?<!^)(?=[A-Z])", "_", enum).upper()
        values = re.findall(r"(\w+) = (\d+);", body)
        assert values[0] == (f"{prefix}_UNSPECIFIED", "0"), enum
        assert all(v.startswith(prefix + "_") for v, _ in values), enum
    for message, body in re.findall(r"message (List\w+Request) \{(.*?)\n\}", text, flags=re.S):
        assert "page_size" in body and "page_token" in body, message
