"""Rules and range conditions through the synchronous ``Client`` on real adult rows: set the
rules (bad ones refused by field), generate with a range, and read each rule's count in the
rows and in the report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from synthetica_client import Client
from synthetica_client.errors import BadUserInput
from tests import adult
from tests.sdk.conftest import cli, in_thread

COLUMNS = ["age", "education", "education-num", "capital-gain", "sex", "income"]


async def test_rules_and_ranges_from_a_notebook_and_the_command_line(stack, tmp_path):
    account = await stack.account()
    csv = tmp_path / "adult.csv"
    adult.frame(1500, missing=None)[COLUMNS].to_csv(csv, index=False)

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            ds = c.datasets.upload(csv, project=c.projects.create("Census"), progress=False)
            ds = ds.set_rules(
                [
                    {"kind": "range", "column": "age", "low": 20, "high": 70},
                    {"kind": "fixed_combinations", "columns": ["education-num", "education"]},
                    {"kind": "positive", "column": "capital-gain"},
                ]
            )
            with pytest.raises(BadUserInput) as refused:
                ds.set_rules([{"kind": "negative", "column": "education"}])
            with pytest.raises(BadUserInput):
                ds.set_rules([{"kind": "sideways", "column": "age"}])
            model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
            batch = model.generate(
                rows=500, seed=2, conditions={"age": {"gte": 30, "lt": 40}}, progress=False
            )
            return {
                "dataset": ds.id,
                "model": model.id,
                "rules": [(r.description, r.real_violation_count) for r in ds.rules],
                "refused": refused.value,
                "rows": batch.to_pandas(),
                "report": [(r.description, r.violation_count) for r in batch.report().rules],
            }

    result = await in_thread(notebook)
    real = adult.frame(1500, missing=None)
    outside = int((~real["age"].between(20, 70)).sum())
    assert result["rules"] == [
        ("20 ≤ age ≤ 70", outside),
        ("only real combinations of education-num, education", 0),
        ("capital-gain ≥ 0", 0),
    ]
    assert "rules[0].column" in str(result["refused"].extensions)
    rows = result["rows"]
    assert len(rows) == 500 and rows["age"].between(30, 39).all()
    assert (rows["capital-gain"] >= 0).all()
    assert [count for _, count in result["report"]] == [0, 0, 0]

    # The same from a shell.
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ran = await cli("datasets", "rules", result["dataset"], env=env)
    assert ran.code == 0 and "20 ≤ age ≤ 70" in ran.out, ran.err
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps([{"kind": "range", "column": "age", "high": 50}]))
    ran = await cli("datasets", "rules", result["dataset"], "--set", str(rules_file), env=env)
    assert ran.code == 0 and "age ≤ 50" in ran.out and "20 ≤ age" not in ran.out, ran.err
    ran = await cli("datasets", "rules", result["dataset"], "--set", "[{", env=env)
    assert ran.code == 2 and "not JSON" in ran.err
    out = tmp_path / "rows.csv"
    ran = await cli(
        "generate",
        result["model"],
        "--rows",
        "50",
        "--conditions",
        '{"sex": ["Male"]}',
        "-o",
        str(out),
        env=env,
    )
    assert ran.code == 0, ran.err
    shell_rows = pd.read_csv(out)
    assert len(shell_rows) == 50 and (shell_rows["sex"] == "Male").all()
    assert (shell_rows["age"] <= 50).all()
