"""Notify service process: ``python -m services.notify [serve|migrate]``.

One process serves the RPCs, consumes the EVENTS stream with a durable consumer, and runs the
webhook delivery worker; replicas share the consumer and lease deliveries, so it scales out.
"""

from __future__ import annotations

import asyncio
import logging

from common import jetstream
from common.addresses import AddressPolicy, SecretBox
from common.context import Principal
from common.errors import InvalidArgument, NotFound
from common.grpc_server import GrpcServer
from common.runtime import Backbone, revocable_server, run_cli
from services.auth.client import AuthClient
from services.datasets.client import DatasetsClient
from services.notify.consumer import EventHandler, MembersLookup
from services.notify.delivery import DeliveryWorker
from services.notify.servicer import NotifyServicer
from services.notify.settings import NotifySettings
from synthetica.notify.v1 import notify_pb2, notify_pb2_grpc

log = logging.getLogger(__name__)

SERVICE_NAME = notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name


def project_members(datasets: DatasetsClient) -> MembersLookup:
    """Members of a project, asked of the datasets service (which owns projects).

    Datasets serves project data only to a user, so the question is asked on behalf of the
    event's owner: whoever caused a fact about a project is one of its members."""

    async def lookup(project_id: str, owner_id: str) -> list[str]:
        owner = Principal(user_id=owner_id, role="member")
        try:
            return await datasets.list_project_members(project_id, on_behalf_of=owner)
        except (NotFound, InvalidArgument) as exc:
            # The project deleted meanwhile, or the owner no longer in it: the owner is still
            # told. Anything else (datasets down, a refused credential) retries the event.
            log.warning("no members for project %s: %s", project_id, exc.reason)
            return []

    return lookup


async def build(settings: NotifySettings) -> GrpcServer:
    """The server with its background work: the RPCs, the event consumer, the webhook worker."""
    base = await Backbone.connect(settings, name="notify", outbox=None)
    db, nc = base.db, base.nc
    auth = AuthClient(settings, service_name="notify")
    datasets = DatasetsClient(settings, service_name="notify")
    policy = AddressPolicy(settings.webhook_allowed_networks)
    key = settings.secret_key or settings.service_token
    secrets = SecretBox("notify-webhook-secrets:" + key.get_secret_value())
    worker = DeliveryWorker(db, settings, policy=policy, secrets=secrets)
    consumer = await jetstream.start_consumer(
        base.js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=settings.consumer_name,
        subject=jetstream.EVENTS_SUBJECT_PREFIX + ">",
        handler=EventHandler(
            db,
            nc,
            members=project_members(datasets),
            on_deliveries=worker.wake,
        ),
        max_deliver=settings.event_max_deliver,
    )
    server = await revocable_server(
        settings,
        nc=nc,
        service_name=SERVICE_NAME,
        register=lambda s: notify_pb2_grpc.add_NotifyServiceServicer_to_server(
            NotifyServicer(db, settings, nc=nc, policy=policy, secrets=secrets), s
        ),
        authenticator=auth.authenticator(settings),
    )
    server.tasks += [consumer.task, asyncio.create_task(worker.run())]
    base.attach(server, consumer.stop, worker.stop, auth.close, datasets.close)
    return server


def main() -> None:
    run_cli("notify", NotifySettings, serve=build)
