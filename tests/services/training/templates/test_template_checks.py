"""Template requests are checked in child processes with a memory limit and a deadline, never in
the training API itself: what a schema costs is paid, and refused, there."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from common.contracts.template_schema import SchemaError
from common.errors import InvalidArgument, ResourceExhausted
from services.training.templates import checks
from services.training.templates.checker import TemplateChecker

MiB = 1024 * 1024
SMALL = json.dumps({"tables": [{"name": "t", "fields": [{"name": "id", "type": "uuid"}]}]})


def _slow_but_legal(fields: int) -> str:
    """Fields whose every value is short (100 characters) but takes 5,000 generation steps."""
    pairs = "|".join(
        a + b for a, b in zip("abcdefghijklmnopqrstuvwxy", "zyxwvutsrqponmlkjihgfedcb", strict=True)
    )
    regex = f"({pairs}){{50}}"
    specs = [{"name": f"s{i}", "type": "string", "regex": regex} for i in range(fields)]
    return json.dumps({"tables": [{"name": "t", "fields": specs}]})


@pytest.fixture(scope="module")
async def checker():
    """As the API runs it, with a small memory allowance (16 MiB), a 3 s deadline and room
    for one check at a time."""
    checker = TemplateChecker(workers=1, memory_bytes=16 * MiB, timeout_seconds=3, max_waiting=1)
    yield checker
    await checker.close()


async def _still_works(checker: TemplateChecker) -> None:
    schema = await checker.check_schema(SMALL, max_fields=1000, field="schema")
    assert schema["tables"][0]["fields"][0]["type"] == "uuid"


async def test_a_check_past_its_deadline_is_refused_and_the_next_one_works(checker):
    with pytest.raises(InvalidArgument) as caught:
        await checker.check_schema(_slow_but_legal(200), max_fields=1000, field="schema")
    assert caught.value.violations[0].field == "schema"
    assert "takes longer than 3 seconds" in caught.value.message
    await _still_works(checker)


async def test_a_check_that_needs_more_memory_than_allowed_is_refused_in_the_child(checker):
    # 300,000 categories: more objects than the child may allocate. (The API refuses schemas
    # over 1 MiB before they get here; this one stands for any schema that gets past
    # validation and still asks for too much.)
    categories = [f"c{i:07d}" for i in range(300_000)]
    field = {"name": "c", "type": "category", "categories": categories}
    text = json.dumps({"tables": [{"name": "t", "fields": [field]}]})
    with pytest.raises(InvalidArgument) as caught:
        await checker.check_schema(text, max_fields=1000, field="schema")
    assert "needs more than 16 MiB of memory" in caught.value.message
    assert caught.value.violations[0].field == "schema"
    await _still_works(checker)


async def test_more_checks_than_allowed_at_once_are_refused(checker):
    slow = asyncio.create_task(
        checker.check_schema(_slow_but_legal(200), max_fields=1000, field="schema")
    )
    await asyncio.sleep(0.2)
    with pytest.raises(ResourceExhausted):
        await checker.check_schema(SMALL, max_fields=1000, field="schema")
    with pytest.raises(InvalidArgument):
        await slow
    await _still_works(checker)


def test_a_deadline_met_inside_a_field_is_still_the_deadline(monkeypatch):
    # On a busy machine the deadline once fired inside a field's generation, whose code turns
    # what it meets into that field's error: the check came back as "fields[57]" gone wrong.
    def slow_plan(*args, **kwargs):
        try:
            while True:
                time.sleep(0.01)
        except checks._Deadline as exc:
            raise SchemaError([("tables[0].fields[57]", "generation failed")]) from exc

    monkeypatch.setattr(checks, "plan", slow_plan)
    monkeypatch.setitem(checks._limits, "timeout_seconds", 0.2)
    outcome = checks.check_schema(SMALL, max_fields=1000)
    assert outcome == {
        "ok": False,
        "errors": [["schema", "checking this schema takes longer than 0.2 seconds"]],
    }
