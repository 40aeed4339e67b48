"""The ``synthetica`` command line, run as a child process like a shell runs it: every command
against the real stack, ``--json`` on the read commands, ``--help`` with an example on every
command, one clear line and a non-zero exit status on failure, progress bars only on a
terminal, and Ctrl-C during a wait asking whether to cancel the job."""

from __future__ import annotations

import asyncio
import io
import json
import os
import pty
import re
import shlex
import signal
import stat
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import typer.main

from synthetica_client import Client
from synthetica_client.cli import app, main
from tests.sdk.conftest import PASSWORD, SDK_SRC, cli, in_thread
from tests.services.training.training_world import small_adult_csv


def all_commands() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(command, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, [*path, name])
        else:
            found.append(path)

    walk(typer.main.get_command(app), [])
    return found


def test_every_command_has_help_with_an_example(capsys):
    commands = all_commands()
    assert {" ".join(c) for c in commands} == {
        "login", "signup", "logout", "whoami", "train", "generate", "report", "release",
        "projects ls", "projects create", "projects join", "projects settings", "datasets upload",
        "datasets ls", "datasets show", "datasets upload-tables", "datasets rules", "datasets rm",
        "templates ls", "templates preview", "templates generate", "jobs ls", "jobs cancel",
        "jobs approve", "jobs reject", "models ls", "connections add", "connections ls",
        "connections test", "connections import",
    }  # fmt: skip
    for command in commands:
        with pytest.raises(SystemExit) as exited:
            main([*command, "--help"])
        assert exited.value.code == 0
        shown = capsys.readouterr().out
        assert "Example:" in shown, command
        assert f"synthetica {' '.join(command)}" in shown, command


def test_every_example_in_the_help_is_a_command_that_parses():
    """Each `$ synthetica …` line of every --help names options and arguments the command
    takes (`synthetica login --url …` was shown while --url was accepted only before `login`)."""
    examples = [
        shlex.split(line)[1:]
        for command in typer.main.get_command(app).commands.values()
        for sub in [command, *getattr(command, "commands", {}).values()]
        for line in re.findall(r"\$ (synthetica .+)", sub.epilog or "")
    ]
    assert len(examples) > 30
    for args in examples:
        # Options are parsed before --help answers: an option the command lacks exits 2.
        with pytest.raises(SystemExit) as exited:
            main([*args, "--help"])
        assert exited.value.code == 0, " ".join(args)


def json_of(ran) -> object:
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


async def test_login_whoami_logout(stack, sdk_environment):
    account = await stack.account()
    ran = await cli("--url", stack.url, "login", "--email", account.email, "--password", PASSWORD)
    assert ran.code == 0, ran.err
    assert f"Logged in to {stack.url} as {account.email}" in ran.out
    saved = sdk_environment / "credentials.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600

    ran = await cli("whoami")  # the URL and the login come from the saved file
    # The stack's first account is its admin: which one that is depends on the tests run.
    roles = {f"{account.email} ({role}) at {stack.url}" for role in ("member", "admin")}
    assert ran.code == 0 and ran.out.strip().splitlines()[0] in roles  # then its storage
    assert json_of(await cli("whoami", "--json"))["email"] == account.email

    ran = await cli("logout")
    assert ran.code == 0 and "Logged out" in ran.out and not saved.exists()
    ran = await cli("--url", stack.url, "whoami")
    assert ran.code == 1
    assert ran.err.startswith("error: UNAUTHENTICATED: ") and ran.err.count("\n") == 1

    key = await stack.api_key(account)
    ran = await cli("--url", stack.url, "--api-key", key, "login")
    assert ran.code == 0 and account.email in ran.out
    assert json.loads(saved.read_text())["api_key"] == key
    assert json_of(await cli("whoami", "--json"))["email"] == account.email
    # As the README and `login --help` write it: the options after the command.
    assert (await cli("logout")).code == 0
    ran = await cli("login", "--url", stack.url, "--api-key", key)
    assert ran.code == 0 and f"Logged in to {stack.url} as {account.email}" in ran.out
    ran = await cli("login", "--url", stack.url, "--email", account.email, "--password", PASSWORD)
    assert ran.code == 0 and f"Logged in to {stack.url} as {account.email}" in ran.out

    ran = await cli(
        "--url", stack.url, "login", "--email", account.email, "--password", "wrong-password-1"
    )
    assert ran.code == 1 and ran.err.startswith("error: UNAUTHENTICATED: ")


# The whole flow (train, generate, report, templates) in ~25 child processes: long when busy.
@pytest.mark.timeout(900)
async def test_every_command_against_the_stack(stack, tmp_path, monkeypatch):
    account = await stack.account()
    key = await stack.api_key(account)
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": key}
    data = tmp_path / "adult.csv"
    data.write_bytes(small_adult_csv(300))
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)

    project = json_of(
        await cli("projects", "create", "Census", "--description", "1994", "--json", env=env)
    )
    assert project["name"] == "Census" and project["myRole"] == "OWNER"
    ran = await cli("projects", "ls", env=env)
    assert project["id"] in ran.out and "Census" in ran.out
    assert [p["id"] for p in json_of(await cli("projects", "ls", "--json", env=env))] == [
        project["id"]
    ]

    ran = await cli(
        "datasets",
        "upload",
        str(data),
        "--project",
        "Census",
        "--name",
        "adult",
        "--option",
        "holdout_fraction=0.5",
        env=env,
    )
    assert ran.code == 0, ran.err
    split = re.search(r"300 rows \((\d+) train, (\d+) holdout\)", ran.out)
    assert split and int(split[2]) > 100  # the option reached ingestion (default: 20 %)
    assert "hours-per-week" in ran.out
    assert ran.err == ""  # not a terminal: no progress bars
    listed = json_of(await cli("datasets", "ls", "--project", project["id"], "--json", env=env))
    dataset_id = listed[0]["id"]
    ran = await cli("datasets", "ls", "--project", "Census", env=env)
    assert dataset_id in ran.out and "READY" in ran.out
    ran = await cli("datasets", "show", dataset_id, env=env)
    assert "workclass" in ran.out and "categorical" in ran.out
    shown = json_of(await cli("datasets", "show", dataset_id, "--json", env=env))
    assert shown["rowCount"] == 300 and shown["stats"]

    # On a terminal (as rich sees it), the wait draws its bar on stderr.
    terminal = {**env, "TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}
    ran = await cli(
        "train", dataset_id, "--engine", "gaussian_copula", "--seed", "1", "--wait", env=terminal
    )
    assert ran.code == 0, ran.err
    assert "is READY (gaussian_copula)" in ran.out
    assert "train " in ran.err and "100%" in ran.err and "succeeded" in ran.err
    model_id = ran.out.split()[1]
    queued = json_of(
        await cli("train", dataset_id, "--engine", "gaussian_copula", "--json", env=env)
    )
    assert queued["status"] in ("QUEUED", "RUNNING") and queued["kind"] == "TRAIN"
    ready = json_of(
        await cli("models", "ls", "-p", "Census", "--status", "READY", "--json", env=env)
    )
    assert model_id in [m["id"] for m in ready]  # (the second may be ready too)
    assert {(m["engine"], m["datasetId"], m["status"]) for m in ready} == {
        ("gaussian_copula", dataset_id, "READY")
    }

    out_file = tmp_path / "synthetic.parquet"
    ran = await cli(
        "generate", model_id, "--rows", "500", "--seed", "7", "-o", str(out_file), env=env
    )
    assert ran.code == 0, ran.err
    assert "500 rows saved to" in ran.out and pd.read_parquet(out_file).shape == (500, 5)
    batch_id = ran.out.split()[1].rstrip(":")
    generated = json_of(
        await cli(
            "generate", model_id, "--rows", "50", "--format", "csv", "--json", env=env, cwd=tmp_path
        )
    )
    assert Path(generated["file"]).name == f"batch-{generated['id']}.csv"
    assert len(pd.read_csv(tmp_path / generated["file"])) == 50

    ran = await cli(
        "report",
        batch_id,
        "--save",
        str(tmp_path / "r.html"),
        "--open",
        env={**env, "BROWSER": str(browser)},
    )
    assert ran.code == 0, ran.err
    assert "quality score" in ran.out and "privacy verdict" in ran.out
    # Which column utility predicts, and why (the table may wrap the reason across lines).
    assert re.search(
        r"ML-utility target\W+income \(its name \('income'\) reads", " ".join(ran.out.split())
    )
    assert "<html" in (tmp_path / "r.html").read_text().lower()
    assert f"/reports/{batch_id}/report.html?token=" in opened.read_text()
    # The page's link whole, to copy (a table cell cut it to the terminal's width).
    assert re.search(
        rf"^Report page: http://\S+/reports/{batch_id}/report\.html\?token=\S+$", ran.out, re.M
    )
    report = json_of(await cli("report", batch_id, "--json", env=env))
    assert report["status"] == "READY" and 0 < report["qualityScore"] <= 1

    templates = json_of(await cli("templates", "ls", "--json", env=env))
    assert "user" in {t["id"] for t in templates if t["builtin"]}
    assert "user" in (await cli("templates", "ls", env=env)).out
    users = tmp_path / "users.csv"
    ran = await cli(
        "templates",
        "generate",
        "user",
        "--rows",
        "200",
        "--seed",
        "3",
        "--locale",
        "de_DE",
        "-o",
        str(users),
        env=env,
    )
    assert ran.code == 0, ran.err
    assert len(pd.read_csv(users)) == 200
    # A template of several tables: a CSV per table (a CSV holds one), linked by their keys.
    ran = await cli(
        "templates", "generate", "healthcare_ehr", "--rows", "20", "--seed", "1",
        "-o", str(tmp_path / "ehr.csv"), "--json", env=env,
    )  # fmt: skip
    ehr = json_of(ran)
    assert ehr["tables"][:2] == ["patients", "visits"]
    assert ehr["files"] == [str(tmp_path / f"ehr.{table}.csv") for table in ehr["tables"]]
    patients, visits = (pd.read_csv(tmp_path / f"ehr.{t}.csv") for t in ("patients", "visits"))
    assert len(patients) == 20 and visits["patient_id"].isin(patients["patient_id"]).all()
    shown = json_of(await cli("templates", "preview", "user", "--rows", "2", "--json", env=env))
    assert len(shown["users"]) == 2 and "email" in shown["users"][0]
    assert "email" in (await cli("templates", "preview", "user", "--rows", "1", env=env)).out

    jobs = json_of(await cli("jobs", "ls", "--status", "SUCCEEDED", "--json", env=env))
    assert {"TRAIN", "GENERATE", "TEMPLATE"} <= {j["kind"] for j in jobs}
    ran = await cli("jobs", "ls", "--kind", "TEMPLATE", env=env)
    assert "TEMPLATE" in ran.out and "SUCCEEDED" in ran.out
    # In an 80-column terminal too, ids come whole, to be pasted into the next command.
    ran = await cli("jobs", "ls", "--status", "SUCCEEDED", env={**env, "COLUMNS": "80"})
    assert ran.code == 0 and max(len(line.rstrip()) for line in ran.out.splitlines()) <= 80
    assert all(job["id"] in ran.out for job in jobs)

    ran = await cli("datasets", "show", "00000000-0000-0000-0000-000000000000", env=env)
    assert ran.code == 1 and ran.err.startswith("error: NOT_FOUND: ") and ran.err.count("\n") == 1
    ran = await cli("jobs", "ls", "--status", "SLEEPING", env=env)
    assert ran.code == 1 and ran.err.startswith("error: BAD_USER_INPUT: status must be one of")
    ran = await cli(
        "datasets", "upload", str(tmp_path / "missing.csv"), "--project", "Census", env=env
    )
    assert ran.code == 2  # the command line itself is wrong
    ran = await cli("--api-key", "syn_wrong", "projects", "ls", env={"SYNTHETICA_URL": stack.url})
    assert ran.code == 1 and ran.err.startswith("error: UNAUTHENTICATED: ")


async def test_a_viewer_cannot_train_from_the_command_line(stack):
    owner, viewer = await stack.account(), await stack.account()

    def owners_part() -> tuple[str, str]:
        with Client(stack.url, token=owner.token) as c:
            p = c.projects.create("Shared")
            ds = c.datasets.upload(
                pd.read_csv(io.BytesIO(small_adult_csv(120))), project=p, progress=False
            )
            return p.id, ds.id

    project_id, dataset_id = await in_thread(owners_part)
    await stack.add_member(owner, project_id, viewer.email, "VIEWER")
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(viewer)}
    assert "120" in (await cli("datasets", "show", dataset_id, env=env)).out
    ran = await cli("train", dataset_id, "--engine", "gaussian_copula", env=env)
    assert ran.code == 1 and ran.err.startswith("error: FORBIDDEN: ") and ran.err.count("\n") == 1


class Terminal:
    """A child process on a pseudo-terminal, and everything it wrote."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.output = bytearray()
        child_env = {
            **os.environ,
            **env,
            "PYTHONPATH": os.pathsep.join([str(SDK_SRC), os.environ.get("PYTHONPATH", "")]),
        }
        child_env.update(COLUMNS="120", LINES="40", TERM="xterm")
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "synthetica_client", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=child_env,
            start_new_session=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def text(self) -> str:
        return self.output.decode(errors="replace")

    async def expect(self, needle: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            assert self.process.poll() is None, self.text()
            assert time.monotonic() < deadline, f"{needle!r} never came:\n{self.text()}"
            await asyncio.sleep(0.2)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    async def exit_code(self) -> int:
        code = await asyncio.to_thread(self.process.wait, 120)
        self._reader.join(5)
        os.close(self.master)
        return code


async def _small_adult_dataset(stack, account, project: str) -> str:
    """A new project of the account's with a 150-row adult dataset in it; the dataset's id."""

    def upload() -> str:
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create(project)
            return c.datasets.upload(
                pd.read_csv(io.BytesIO(small_adult_csv(150))), project=p, progress=False
            ).id

    return await in_thread(upload)


async def test_ctrl_c_during_a_wait_asks_whether_to_cancel_the_job(stack):
    account = await stack.account()

    dataset_id = await _small_adult_dataset(stack, account, "Long")
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}

    terminal = Terminal(
        "train", dataset_id, "--engine", "ctgan", "--epochs", "5000", "--wait", env=env
    )
    await terminal.expect("running")  # the bar shows the job running
    terminal.process.send_signal(signal.SIGINT)
    await terminal.expect("Cancel job")
    terminal.type("y\r")
    assert await terminal.exit_code() == 130  # the shell's status for Ctrl-C; a failure's is 1
    assert re.search(r"Job [0-9a-f-]{36} was cancelled \(Ctrl-C\)\.", terminal.text())
    assert "error:" not in terminal.text()

    def jobs() -> list[str]:
        with Client(stack.url, token=account.token) as c:
            return [j.status.value for j in c.jobs.list(kind="TRAIN")]

    assert await in_thread(jobs) == ["CANCELLED"]


async def test_ctrl_c_outside_a_terminal_leaves_the_job_running(stack):
    account = await stack.account()

    dataset_id = await _small_adult_dataset(stack, account, "Piped")
    env = {
        **os.environ,
        "SYNTHETICA_URL": stack.url,
        "SYNTHETICA_API_KEY": await stack.api_key(account),
        "PYTHONPATH": os.pathsep.join([str(SDK_SRC), os.environ.get("PYTHONPATH", "")]),
    }
    command = ["train", dataset_id, "--engine", "ctgan", "--epochs", "5000", "--wait"]
    pipe = asyncio.subprocess.PIPE
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "synthetica_client", *command,
        stdin=asyncio.subprocess.DEVNULL, stdout=pipe, stderr=pipe, env=env,
    )  # fmt: skip

    def running_job() -> str:
        with Client(stack.url, token=account.token) as c:
            deadline = time.time() + 240
            while not (jobs := c.jobs.list(status="RUNNING")):
                assert time.time() < deadline
                time.sleep(0.5)
            return jobs[0].id

    job_id = await in_thread(running_job)
    process.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 130
    assert "Cancel job" not in err.decode()

    def still_running() -> str:
        with Client(stack.url, token=account.token) as c:
            return c.jobs.get(job_id).status.value

    assert await in_thread(still_running) == "RUNNING"
    ran = await cli(
        "jobs", "cancel", job_id, env={k: env[k] for k in ("SYNTHETICA_URL", "SYNTHETICA_API_KEY")}
    )
    assert ran.code == 0 and f"Job {job_id} is" in ran.out

    def status() -> str:
        with Client(stack.url, token=account.token) as c:
            deadline = time.time() + 60
            while (job := c.jobs.get(job_id)).status.value != "CANCELLED":
                assert time.time() < deadline, job
                time.sleep(0.5)
            return job.status.value

    assert await in_thread(status) == "CANCELLED"
