"""The notebook flow on adult through the synchronous ``Client``: upload the real file, train a
fast engine on a small budget, follow the job live, generate, read the rows into pandas,
download them, and read, save and open the evaluation report."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

import httpx
import pandas as pd
from rich.console import Console

from synthetica_client import Batch, Client, Dataset, Model, Report
from tests import adult
from tests.sdk.conftest import in_thread


def captured_console() -> tuple[Console, io.StringIO]:
    """A console that draws progress bars as a terminal would, into a string."""
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=120), buffer


async def test_upload_train_wait_generate_to_pandas_and_report_on_adult(
    stack, tmp_path, monkeypatch
):
    account = await stack.account()
    # A browser that writes down the address it was asked to open.
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(browser))

    def notebook() -> dict:
        console, drawn = captured_console()
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create("Census")
            ds = c.datasets.upload(adult.path(), project=p, progress=console)
            assert isinstance(ds, Dataset) and ds.status.value == "READY"
            assert ds.row_count == 32_561 and len(ds.columns) == 15
            assert ds.stats  # loaded with the dataset
            ds = ds.set_types({"column_5": "categorical"})
            assert {c.name: c.sdtype for c in ds.columns}["column_5"] == "categorical"

            job = c.train(ds, engine="gaussian_copula", time_budget=30, seed=1)
            model = job.wait(progress=console)
            assert isinstance(model, Model) and model.status.value == "READY"

            batch = model.generate(rows=2_000, seed=7, progress=console)
            assert isinstance(batch, Batch) and batch.status.value == "READY"
            df = batch.to_pandas()
            csv = batch.download(tmp_path / "out.csv", progress=console)
            rep = batch.report()
            assert isinstance(rep, Report)
            saved = rep.save(tmp_path / "r.html")
            saved_json = rep.save(tmp_path / "r.json")
            rep.open()
            return {
                "df": df,
                "csv": csv,
                "report": rep,
                "html": saved.read_text(),
                "json": json.loads(saved_json.read_text()),
                "drawn": drawn.getvalue(),
                "columns": [c.name for c in ds.columns],
            }

    result = await in_thread(notebook)
    df: pd.DataFrame = result["df"]
    assert df.shape == (2_000, 15)
    assert list(df.columns) == result["columns"]
    assert df["column_1"].between(17, 90).all()  # ages stay within the real bounds
    assert len(pd.read_csv(result["csv"])) == 2_000

    rep = result["report"]
    assert rep.status.value == "READY"
    assert 0.5 < rep.quality_score <= 1
    assert rep.privacy_verdict.value in ("PASS", "WARN", "FAIL")
    assert "<html" in result["html"].lower()
    assert result["json"]["batch_id"] == rep.batch_id and "quality" in result["json"]
    # The browser got the report's signed link, and it opens without credentials.
    link = opened.read_text().strip()
    assert link.startswith(stack.url + f"/reports/{rep.batch_id}/report.html?token=")
    async with httpx.AsyncClient() as http:
        page = await http.get(link)
    assert page.status_code == 200 and "<html" in page.text.lower()

    # What a user saw: the upload's bytes, the training bar reaching 100 %, the download.
    drawn = result["drawn"]
    assert "uploading adult-train.csv" in drawn
    assert "train " in drawn and "100%" in drawn
    assert "succeeded" in drawn
    assert "downloading out.csv" in drawn


def test_the_client_imports_nothing_heavy():
    """The SDK is light: importing it pulls in neither torch, SDV nor pandas."""
    code = (
        "import sys, synthetica_client;"
        "heavy = [m for m in ('torch', 'sdv', 'pandas', 'pyarrow') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "sdk" / "src")}
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
