"""Pure rules: which addresses a webhook may reach, backoff, signatures, message drafts."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest

from common.addresses import AddressPolicy, AddressRefused, SecretBox
from common.errors import InvalidArgument
from services.notify import messages, webhooks
from services.notify.delivery import backoff
from services.notify.settings import NotifySettings
from synthetica.events.v1 import events_pb2
from synthetica.training.v1 import training_pb2
from tests.services.notify.notify_helpers import event


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("169.254.169.254", False),
        ("fd00:ec2::254", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to refuse, not to bind
        ("224.0.0.1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_default_policy_allows_public_addresses_only(address, allowed):
    assert AddressPolicy([]).allows(ipaddress.ip_address(address)) is allowed


def test_allowed_networks_open_exactly_those_networks():
    policy = AddressPolicy(["10.20.0.0/16"])
    assert policy.allows(ipaddress.ip_address("10.20.3.4"))
    assert not policy.allows(ipaddress.ip_address("10.21.3.4"))
    assert not policy.allows(ipaddress.ip_address("169.254.169.254"))


async def test_localhost_is_refused_by_default():
    with pytest.raises(AddressRefused):
        await webhooks.resolve(AddressPolicy([]), "http://localhost:8080/hook")


async def test_checked_address_is_the_one_called():
    target = await webhooks.resolve(AddressPolicy(["127.0.0.0/8"]), "http://127.0.0.1:81/a?b=1")
    assert target.url == "http://127.0.0.1:81/a?b=1"
    assert target.host == "127.0.0.1:81"


def test_url_shape_is_checked_before_any_lookup():
    assert webhooks.validate_url(" https://example.com/h ") == "https://example.com/h"
    for bad in ("", "gopher://x", "https://", "http://a:b@x.com", "http://x.com:99999/"):
        with pytest.raises(InvalidArgument):
            webhooks.validate_url(bad)


def test_backoff_doubles_up_to_the_cap():
    settings = NotifySettings(
        database_url="postgresql://x/y",
        service_token="t",
        webhook_backoff_seconds=5,
        webhook_backoff_max_seconds=30,
    )
    assert [backoff(settings, n) for n in (1, 2, 3, 4, 5)] == [
        timedelta(seconds=s) for s in (5, 10, 20, 30, 30)
    ]


def test_secret_box_round_trips_and_refuses_a_wrong_key():
    sealed = SecretBox("k1").seal("s3cret")
    assert b"s3cret" not in sealed
    assert SecretBox("k1").open(sealed) == "s3cret"
    with pytest.raises(ValueError, match="decrypted"):
        SecretBox("k2").open(sealed)


def test_progress_updates_and_deletions_make_no_notification():
    running = events_pb2.JobUpdated(
        job_id="j",
        job_kind=training_pb2.JOB_KIND_GENERATE,
        job_status=training_pb2.JOB_STATUS_RUNNING,
        progress=training_pb2.JobProgress(percent=40),
    )
    assert messages.draft_for(event(running, "u")) is None
    deleted = events_pb2.DatasetDeleted(dataset_id="d")
    assert messages.draft_for(event(deleted, "u")) is None


def test_failed_generation_is_notified_once_per_job():
    failed = events_pb2.JobUpdated(
        job_id="j",
        job_kind=training_pb2.JOB_KIND_TEMPLATE,
        job_status=training_pb2.JOB_STATUS_FAILED,
        error="boom",
    )
    first = messages.draft_for(event(failed, "u"))
    second = messages.draft_for(event(failed, "u"))
    assert first is not None and second is not None
    assert (first.title, first.message) == ("Generation failed", "boom")
    assert first.dedupe_key == second.dedupe_key == "job:j:failed"


def test_a_job_update_from_an_older_producer_is_read_from_its_strings():
    """An event written before job.updated carried enums (still in the stream after an
    upgrade) is read through the same adapter, so it notifies the same."""
    legacy = events_pb2.JobUpdated(job_id="j", kind="generate", status="cancelled", message="x")
    draft = messages.draft_for(event(legacy, "u"))
    assert draft is not None
    assert (draft.title, draft.message) == ("Generate job cancelled", "x")


@pytest.mark.parametrize("name", ["d" * 250, "Daily minimum temperatures in Melbourne " * 6])
def test_a_long_dataset_name_is_cut_inside_the_title_not_at_its_end(name):
    for body, ending in (
        (events_pb2.DatasetUploaded(dataset_id="d", name=name, row_count=3), " is ready"),
        (events_pb2.DatasetFailed(dataset_id="d", name=name, error="bad"), " could not be read"),
    ):
        draft = messages.draft_for(event(body, "u"))
        assert draft is not None
        assert len(draft.title) <= messages.TITLE_CHARS
        assert draft.title.startswith("Dataset " + name[:100])
        assert draft.title.endswith("…" + ending)


# Where the cut falls (183 characters fit between "Dataset " and " is ready"), a name holds
# a letter with its accent written apart, a family emoji of people joined by zero-width
# joiners, a thumb with its skin tone, a flag of two regional letters.
@pytest.mark.parametrize(
    "character",
    [
        "e\u0301",
        "\U0001f469\u200d\U0001f469\u200d\U0001f467",
        "\U0001f44d\U0001f3fd",
        "\U0001f1e9\U0001f1ea",
    ],
)
@pytest.mark.parametrize("offset", [1, 2, 3, 4])
def test_a_cut_name_keeps_its_last_character_whole(character, offset):
    # The title showed "Café" as "Cafe…", a family as one woman, a German flag as a letter D.
    name = "d" * (183 - offset) + character + "x" * 20
    draft = messages.draft_for(event(events_pb2.DatasetUploaded(dataset_id="d", name=name), "u"))
    assert draft is not None
    cut = draft.title.removeprefix("Dataset ").removesuffix("… is ready")
    assert name.startswith(cut)
    assert cut.rstrip("x").endswith(("d", character))
    assert len(draft.title) <= messages.TITLE_CHARS


def test_training_started_says_what_is_happening():
    running = events_pb2.JobUpdated(
        job_id="j",
        job_kind=training_pb2.JOB_KIND_TRAIN,
        job_status=training_pb2.JOB_STATUS_RUNNING,
        progress=training_pb2.JobProgress(message="starting"),
    )
    draft = messages.draft_for(event(running, "u"))
    assert draft is not None
    assert draft.title == "Training started"
    assert draft.message == "A worker is training the model; its job shows the progress."
