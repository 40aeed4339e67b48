"""Four of the report's checks read from a notebook and from the shell: columns the real rows
miss with one value of a category column (no shoe brand on a run before 2005), how the
columns left out of the scores (ids) are written against the real ones, keys no two real
rows share (a country once a year), and columns alike on every line of an order."""

from __future__ import annotations

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread
from tests.services.training.faithful_world import FIXTURES


async def test_the_report_gives_missing_values_and_written_forms_in_the_sdk_and_the_cli(stack):
    account = await stack.account()

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            project = c.projects.create("Runs and pizzas")
            found = {}
            for name in ("marathon.csv", "pizzaplace.csv", "hfi.csv"):
                ds = c.datasets.upload(FIXTURES / name, project=project, progress=False)
                model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
                batch = model.generate(rows=300, seed=2, progress=False)
                report = batch.report()
                found[name] = {
                    "batch": batch.id,
                    "train_rows": ds.train_row_count,
                    "missing": [
                        (m.columns, m.category, m.value, m.violation_count, m.real_rows)
                        for m in report.missing_when
                    ],
                    "forms": [
                        (f.column, f.sdtype, f.unlike_share, f.real_example, f.form_gap)
                        for f in report.written_forms
                    ],
                    "groups": [
                        (
                            g.key,
                            g.columns,
                            g.violation_count,
                            g.real_groups,
                            g.real_repeated_share,
                            g.synthetic_repeated_share,
                        )
                        for g in report.group_constants
                    ],
                    "keys": [
                        (k.name, k.time, k.violation_count, k.unavoidable_count, k.real_rows)
                        for k in report.unique_keys
                    ],
                }
            return found

    found = await in_thread(notebook)
    runs, pizzas, freedom = found["marathon.csv"], found["pizzaplace.csv"], found["hfi.csv"]
    # Every run before 2005 misses its brand, and a model trained now keeps it missing.
    ((columns, category, value, broken, real_rows),) = runs["missing"]
    assert (columns, category, value, broken) == (["ShoeBrand"], "After2004", "0", 0), runs
    assert real_rows > 0
    assert pizzas["missing"] == []
    # The order number is an id, made anew, and written like the real ones.
    ((column, sdtype, unlike, real_example, gap),) = pizzas["forms"]
    assert (column, sdtype, unlike, gap) == ("id", "id", 0.0, None), pizzas["forms"]
    assert real_example.startswith("2015-"), real_example
    # An order's lines share its date and time; a model trained now keeps every synthetic
    # order alike, and its ids repeat (several lines an order) as the real ones do.
    ((key, columns, broken, real_groups, real_repeated, fake_repeated),) = pizzas["groups"]
    assert (key, sorted(columns), broken) == ("id", ["date", "time"], 0), pizzas["groups"]
    assert real_groups > 0 and real_repeated > 0 and fake_repeated > 0, pizzas["groups"]
    assert runs["groups"] == [] and freedom["groups"] == []
    # A country once a year, by name and by code; a model trained now repeats neither, and
    # every real training row is a pair of its own.
    train_rows = freedom["train_rows"]
    assert sorted(freedom["keys"]) == [
        ("ISO_code", "year", 0, 0, train_rows),
        ("countries", "year", 0, 0, train_rows),
    ], freedom["keys"]
    assert runs["keys"] == [] and pizzas["keys"] == []

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    # hfi misses some scores in whole years (a daughter's inheritance in 2008-2010) and a
    # model trained now keeps them missing there, as every other rule of that kind.
    assert freedom["missing"] and all(m[3] == 0 for m in freedom["missing"]), freedom["missing"]
    for result in (runs, pizzas, freedom):
        shown = await cli("report", result["batch"], env=env)
        assert shown.code == 0, shown.err
        # A check is listed only where rows break it.
        for line in ("not missing", "written unlike", "repeated", "not alike", "forms of"):
            assert line not in shown.out, shown.out
