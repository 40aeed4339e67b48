"""A script that never closes its ``Client`` (no ``with``, no ``close()``) still ends when
it is done: the client closes itself at exit. Before, such a script printed its results and
then hung at exit for ever (the last object's ``__del__`` waited on an event loop whose
thread the interpreter had already stopped), and a buffered output was never seen."""

from __future__ import annotations

import asyncio
import os
import sys

from tests.sdk.conftest import SDK_SRC

SCRIPT = """
from synthetica_client import Client
c = Client()
print(c.me().email)
p = c.projects.create("Left open")
print(p.name)
"""


async def test_a_script_that_never_closes_its_client_exits(stack):
    account = await stack.account()
    env = {
        **os.environ,
        "SYNTHETICA_URL": stack.url,
        "SYNTHETICA_API_KEY": await stack.api_key(account),
        "PYTHONPATH": os.pathsep.join([str(SDK_SRC), os.environ.get("PYTHONPATH", "")]),
    }
    for script in (SCRIPT, SCRIPT + "del c\n"):
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            out, err = await asyncio.wait_for(child.communicate(), 120)
        except TimeoutError:  # a hang: what a user saw
            child.kill()
            await child.wait()
            raise AssertionError("the script did not exit") from None
        assert child.returncode == 0, err.decode()
        assert out.decode().split() == [account.email, "Left", "open"]
