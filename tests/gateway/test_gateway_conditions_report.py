"""A batch generated with conditions says what it was asked for, and its report compares it
with the real rows that meet them (so a batch of women is not judged against the whole
census), through GraphQL against the real stack."""

from __future__ import annotations

from tests import adult
from tests.gateway.test_gateway_rules import _generated_rows, _ready, _trained, client
from tests.support import graphql

__all__ = ["client"]

COLUMNS = ["age", "workclass", "education", "marital-status", "occupation", "sex", "income"]
BATCH = "query($id: ID!) { batch(id: $id) { conditions } }"
REPORT = """
query($batchId: ID!) { report(batchId: $batchId) { status qualityScore sampleSizes quality
  comparison { conditions matchingRealRows minRealRows comparedWith realRows
               conditionedColumns note } } }"""


async def test_a_conditioned_batch_shows_its_conditions_and_is_judged_against_matching_rows(
    client, world
):
    real = adult.frame(1500, missing=None)[COLUMNS]
    owner, _, model_id = await _trained(client, world, real.to_csv(index=False).encode())

    plain_id, _ = await _generated_rows(client, owner.token, model_id)
    women_id, women = await _generated_rows(client, owner.token, model_id, {"sex": "Female"})
    assert (women["sex"] == "Female").all()

    batches = [
        (await graphql(client, BATCH, {"id": batch_id}, token=owner.token))["data"]["batch"]
        for batch_id in (plain_id, women_id)
    ]
    assert batches == [{"conditions": None}, {"conditions": {"sex": "Female"}}]

    plain = await _ready(client, owner.token, plain_id, REPORT)
    conditioned = await _ready(client, owner.token, women_id, REPORT)
    assert plain["comparison"] is None
    comparison = conditioned["comparison"]
    train_rows = plain["sampleSizes"]["train_rows"]
    # The train split's women: about a third of the census, far above the minimum.
    assert 0.25 * train_rows < comparison["matchingRealRows"] < 0.4 * train_rows
    assert comparison == {
        "conditions": {"sex": "Female"},
        "matchingRealRows": comparison["matchingRealRows"],
        "minRealRows": 30,
        "comparedWith": "matching",
        "realRows": comparison["matchingRealRows"],
        "conditionedColumns": ["sex"],
        "note": (
            'generated with the conditions {"sex": "Female"}: quality, fidelity and charts '
            f"compare it with the {comparison['matchingRealRows']:,} real training rows that "
            f"meet them (of {train_rows:,}); privacy compares with the whole training split; "
            "the conditioned columns (sex) are left out of the scores"
        ),
    }
    assert conditioned["sampleSizes"]["quality_real_rows"] == comparison["matchingRealRows"]
    shapes = [d["column"] for d in conditioned["quality"]["column_shape_details"]]
    assert "sex" not in shapes and "marital-status" in shapes
    assert "sex" in [d["column"] for d in plain["quality"]["column_shape_details"]]
    # Privacy compares with the whole training split, conditioned or not.
    assert conditioned["sampleSizes"]["privacy_train_rows"] == train_rows
