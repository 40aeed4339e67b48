"""The SDK's GraphQL operations and the gateway's schema may not drift apart: every operation
validates against ``gateway/schema.graphql``, the committed generated code is what
ariadne-codegen makes of them today, and the upload options are the schema's."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from graphql import build_schema, parse, validate

from synthetica_client._datasets import UPLOAD_OPTIONS

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "gateway" / "schema.graphql"
OPERATIONS = REPO / "sdk" / "operations"
GENERATED = REPO / "sdk" / "src" / "synthetica_client" / "_generated"


def operations_document() -> str:
    return "\n".join(path.read_text() for path in sorted(OPERATIONS.glob("*.graphql")))


def errors_against(schema_text: str) -> list[str]:
    return [
        error.message for error in validate(build_schema(schema_text), parse(operations_document()))
    ]


def test_every_operation_is_valid_against_the_gateway_schema():
    assert errors_against(SCHEMA.read_text()) == []


def test_a_renamed_field_in_the_schema_breaks_the_check():
    """The check above can fail: rename a field the SDK reads and it names it."""
    drifted = SCHEMA.read_text().replace(
        "  rowCount: Int!\n  trainRowCount", "  rows: Int!\n  trainRowCount", 1
    )
    assert drifted != SCHEMA.read_text()
    assert any("rowCount" in message for message in errors_against(drifted))


def test_the_generated_code_is_up_to_date(tmp_path):
    """Regenerates with ariadne-codegen (`make sdk`) and compares file by file."""
    done = subprocess.run(
        [sys.executable, str(REPO / "sdk" / "codegen.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    fresh = tmp_path / "_generated"
    names = sorted(p.name for p in fresh.glob("*.py"))
    assert names == sorted(p.name for p in GENERATED.glob("*.py")), "run `make sdk`"
    _, mismatch, errors = filecmp.cmpfiles(fresh, GENERATED, names, shallow=False)
    assert mismatch == [] and errors == [], (
        f"stale generated files {mismatch + errors}: run `make sdk`"
    )


def test_upload_options_are_the_schemas_ingest_options():
    ingest = build_schema(SCHEMA.read_text()).get_type("IngestOptionsInput")
    assert set(UPLOAD_OPTIONS) == set(ingest.fields)  # type: ignore[union-attr]
