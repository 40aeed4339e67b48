"""JSON arguments nested too deep for protobuf are refused by name, not "internal error".

A JSON argument travels to its service as a protobuf Struct, and protobuf parses at most
100 nested messages (three per level of JSON). ``trainModel(options: {"a": {"a": …}})``
nested 50 levels, or a template preview's ``options`` alike, was built by the gateway but
could not be read by the training service: "internal error". Now more than 10 levels is
BAD_USER_INPUT naming the argument.
"""

from __future__ import annotations

import pytest

from tests.gateway.test_gateway_templates import PREVIEW, _newcomer
from tests.gateway.test_gateway_training import TRAIN, account  # noqa: F401 - a fixture
from tests.support import graphql

pytestmark = pytest.mark.usefixtures("training_worker")


def nested(levels: int) -> dict:
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    assert isinstance(value, dict)
    return value


async def test_train_options_nested_50_deep_are_refused_by_name(client, account):  # noqa: F811
    token, dataset_id = account
    for levels, field in ((50, "options"), (2, "params.options.a")):
        answer = await graphql(
            client,
            TRAIN,
            {"input": {"datasetId": dataset_id, "engine": "tvae", "options": nested(levels)}},
            token=token,
        )
        error = answer["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", answer
        assert error["extensions"]["fields"][0]["field"] == field


async def test_template_options_nested_50_deep_are_refused_by_name(client):
    token, _ = await _newcomer(client)
    answer = await graphql(
        client,
        PREVIEW,
        {"input": {"builtin": "people", "rows": 3, "options": nested(50)}},
        token=token,
    )
    error = answer["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", answer
    assert error["extensions"]["fields"][0]["field"] == "options"
