"""A new user's first commands, from the README alone: no account yet, a second login after
the first expired, an upload that failed before the right one. Each is a child process
against the real stack, as a shell runs it."""

from __future__ import annotations

import json
import stat

from tests.sdk.conftest import PASSWORD, cli
from tests.services.training.training_world import small_adult_csv
from tests.support import unique_email


async def test_a_new_user_signs_up_from_the_command_line(stack, sdk_environment):
    email = unique_email("cli-signup")
    saved = sdk_environment / "credentials.json"

    # Before any login: what to type next, not only the server's "credentials required".
    ran = await cli("--url", stack.url, "whoami")
    assert ran.code == 1 and ran.err.startswith("error: UNAUTHENTICATED: credentials required")
    assert "`synthetica login --url" in ran.err and "`synthetica signup --url" in ran.err

    # `login` with an address that has no account points to `signup`, at the same gateway.
    ran = await cli("login", "--url", stack.url, "--email", email, "--password", PASSWORD)
    assert ran.code == 1 and "invalid email or password" in ran.err
    assert f"no account yet? `synthetica signup --url {stack.url}`" in ran.err

    ran = await cli("signup", "--url", stack.url, "--email", email, "--password", "short")
    assert ran.code == 1 and ran.err.startswith("error: BAD_USER_INPUT: ")
    assert "10 characters" in ran.err and not saved.exists()

    ran = await cli("signup", "--url", stack.url, "--email", email, "--password", PASSWORD)
    assert ran.code == 0, ran.err
    assert f"Created the account {email} at {stack.url} and logged in" in ran.out
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    # Signed in: the next commands need neither --url nor a password.
    me = json.loads((await cli("whoami", "--json")).out)
    assert me["email"] == email and me["url"] == stack.url
    ran = await cli("projects", "create", "First")
    assert ran.code == 0 and "Created project First" in ran.out

    # The address is taken now; the account and its login stay as they were.
    ran = await cli("signup", "--url", stack.url, "--email", email, "--password", PASSWORD)
    assert ran.code == 1 and ran.err.startswith("error: ")
    assert json.loads((await cli("whoami", "--json")).out)["email"] == email


async def test_login_again_goes_to_the_gateway_of_the_saved_login(stack, sdk_environment):
    """An expired login says "run `synthetica login` again": typed as it is said, without
    --url, it signs in where the first login did, not at the default 127.0.0.1:8000."""
    account = await stack.account()
    first = await cli("login", "--url", stack.url, "--email", account.email, "--password", PASSWORD)
    assert first.code == 0, first.err
    again = await cli("login", "--email", account.email, "--password", PASSWORD)
    assert again.code == 0, again.err
    assert f"Logged in to {stack.url} as {account.email}" in again.out
    assert json.loads((sdk_environment / "credentials.json").read_text())["url"] == stack.url


async def test_a_failed_upload_leaves_the_name_to_the_dataset_that_worked(stack, tmp_path):
    """The quick start names its dataset: after an upload of the wrong file under that name,
    the right one is found by it (the failed one is listed, FAILED, and is not a candidate)."""
    account = await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    assert (await cli("projects", "create", "Census", env=env)).code == 0
    wrong = tmp_path / "adult.names"
    wrong.write_text("age,workclass\n39,State-gov\n50,Self-emp\n| a note, not a row, of three\n")
    ran = await cli("datasets", "upload", str(wrong), "--project", "Census", env=env)
    assert ran.code == 1 and ran.err.startswith("error: BAD_USER_INPUT: ")
    right = tmp_path / "adult.csv"
    right.write_bytes(small_adult_csv(200))
    ran = await cli(
        "datasets", "upload", str(right), "--project", "Census", "--name", "adult", env=env
    )
    assert ran.code == 0, ran.err

    listed = json.loads((await cli("datasets", "ls", "-p", "Census", "--json", env=env)).out)
    by_status = {d["status"]: d["id"] for d in listed if d["name"] == "adult"}
    assert set(by_status) == {"FAILED", "READY"}
    shown = await cli("datasets", "show", "adult", "--project", "Census", "--json", env=env)
    assert shown.code == 0, shown.err
    assert json.loads(shown.out)["id"] == by_status["READY"]

    # Deleting goes by one dataset only: the shared name is refused with both ids, so the
    # preference above never deletes the good one; the failed one goes by its id.
    ran = await cli("datasets", "rm", "adult", "-p", "Census", "--yes", env=env)
    assert ran.code == 1 and f"{by_status['FAILED']} (FAILED)" in ran.err
    assert f"{by_status['READY']} (READY)" in ran.err
    ran = await cli("datasets", "rm", by_status["FAILED"], env=env)  # not a terminal: no --yes
    assert ran.code == 1
    ran = await cli("datasets", "rm", by_status["FAILED"], "--yes", env=env)
    assert ran.code == 0 and f"Deleted dataset adult ({by_status['FAILED']})" in ran.out
    listed = json.loads((await cli("datasets", "ls", "-p", "Census", "--json", env=env)).out)
    assert [(d["id"], d["status"]) for d in listed] == [(by_status["READY"], "READY")]


async def test_a_stack_that_is_down_says_what_to_check(sdk_environment):
    ran = await cli("--url", "http://127.0.0.1:1", "whoami")
    assert ran.code == 1 and ran.err.count("\n") == 1
    assert ran.err.startswith("error: SERVICE_UNAVAILABLE: cannot reach http://127.0.0.1:1")
    assert "is the stack running (`make up`)" in ran.err and "--url or SYNTHETICA_URL" in ran.err


async def test_a_refused_option_is_named_as_it_was_typed(stack, tmp_path):
    """`--budget -1` is refused as `--budget`, not as `params.time_budget_seconds`, the name
    the API gives it; `--rows 0` as `--rows`, not `count`."""
    account = await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    assert (await cli("projects", "create", "Census", env=env)).code == 0
    data = tmp_path / "adult.csv"
    data.write_bytes(small_adult_csv(120))
    ran = await cli("datasets", "upload", str(data), "-p", "Census", "--name", "adult", env=env)
    assert ran.code == 0, ran.err
    train = ["train", "adult", "-p", "Census", "--engine"]
    for args, option in [
        ([*train, "gaussian_copula", "--budget", "-1"], "--budget"),
        ([*train, "ctgan", "--epochs", "0"], "--epochs"),
        (["templates", "generate", "user", "--rows", "0", "-o", str(tmp_path / "u.csv")], "--rows"),
    ]:
        ran = await cli(*args, env=env)
        assert ran.code == 1 and ran.err.startswith("error: BAD_USER_INPUT: "), ran.err
        assert ran.err.rstrip().endswith(f"({option})"), ran.err
