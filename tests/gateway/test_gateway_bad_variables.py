"""A variable whose value its type refuses is the client's error, through the GraphQL gateway
over real HTTP: BAD_USER_INPUT naming the variable and the value, and nothing is done. Before,
``count: 1000000000000`` (GraphQL's Int is 32 bits), ``first: 1.5`` or an enum value that is
none came back as "internal error" with no code, and the gateway logged each as an incident;
the same value written in the query text was already refused by name."""

from __future__ import annotations

import pytest

from tests.support import PASSWORD, graphql, unique_email

GENERATE = """
mutation($input: GenerateFromTemplateInput!) {
  generateFromTemplate(input: $input) { job { id } }
}"""


@pytest.fixture
async def owner(client) -> tuple[str, str]:
    """A new account and its project: (token, project id)."""
    registered = await graphql(
        client,
        "mutation($input: RegisterInput!) { register(input: $input) { tokens { accessToken } } }",
        {"input": {"email": unique_email("variables"), "password": PASSWORD}},
    )
    token = registered["data"]["register"]["tokens"]["accessToken"]
    created = await graphql(
        client,
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
        {"input": {"name": "variables"}},
        token=token,
    )
    return token, created["data"]["createProject"]["id"]


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("count", 10**12, "non 32-bit signed integer value: 1000000000000"),
        ("seed", 2**53, "non 32-bit signed integer value: 9007199254740992"),
        ("count", 1.5, "non-integer value: 1.5"),
        ("count", "ten", "non-integer value: 'ten'"),
        ("format", "XLSX", "'XLSX'"),
    ],
)
async def test_a_refused_variable_is_bad_input_naming_it(client, owner, field, value, said):
    token, project_id = owner
    given = {"builtin": "user", "projectId": project_id, "count": 5, field: value}
    answer = await graphql(client, GENERATE, {"input": given}, token=token)

    assert answer["data"] is None
    [error] = answer["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "INVALID_VARIABLE"}
    assert error["message"].startswith(f"Variable '$input' has invalid value at .{field}:")
    assert said in error["message"]
    jobs = await graphql(client, "{ jobs { nodes { id } } }", token=token)
    assert jobs["data"]["jobs"]["nodes"] == []


async def test_a_page_size_variable_that_is_no_int_is_bad_input(client, owner):
    token, _ = owner
    answer = await graphql(
        client, "query($n: Int!) { projects(first: $n) { nodes { id } } }", {"n": 2.5}, token=token
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert (
        error["message"]
        == "Variable '$n' has invalid value: Int cannot represent non-integer value: 2.5"
    )
