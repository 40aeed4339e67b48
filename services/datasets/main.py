"""Datasets service process: ``python -m services.datasets [serve|migrate]``."""

from __future__ import annotations

import contextlib

import nats.js.errors

from common import jetstream
from common.addresses import AddressPolicy, SecretBox
from common.grpc_server import GrpcServer
from common.runtime import Backbone, revocable_server, run_cli
from common.storage import Storage
from services.auth.client import AuthClient
from services.datasets import models
from services.datasets.connection_rpcs import ConnectorTools
from services.datasets.ingest.runner import IngestRunner
from services.datasets.relater import Relater
from services.datasets.servicer import DatasetsServicer
from services.datasets.settings import DatasetsSettings
from services.training.client import TrainingClient
from synthetica.auth.v1 import auth_pb2
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc

SERVICE_NAME = datasets_pb2.DESCRIPTOR.services_by_name["DatasetsService"].full_name
OLD_INVITATIONS_CONSUMER = "datasets-invitations"


async def build(settings: DatasetsSettings) -> GrpcServer:
    base = await Backbone.connect(settings, name="datasets", outbox=models.outbox)
    db = base.db
    storage = Storage(settings.storage_url, settings.storage_options)
    auth = AuthClient(settings, service_name="datasets")
    relater = Relater(db, storage)
    runner = IngestRunner(db, settings, storage, on_commit=base.wake_relay, relater=relater)

    async def lookup_user(email: str) -> auth_pb2.User | None:
        users = await auth.lookup_users(emails=[email.strip()])
        return users[0] if users else None

    training = TrainingClient(settings, service_name="datasets")
    key = settings.secret_key or settings.service_token
    connectors = ConnectorTools(
        policy=AddressPolicy(settings.connection_allowed_networks),
        secrets=SecretBox("datasets-connection-urls:" + key.get_secret_value()),
        training=training,
    )
    servicer = DatasetsServicer(
        db,
        storage,
        settings,
        runner,
        lookup_user,
        on_commit=base.wake_relay,
        connectors=connectors,
        relater=relater,
    )
    server = await revocable_server(
        settings,
        nc=base.nc,
        service_name=SERVICE_NAME,
        register=lambda s: datasets_pb2_grpc.add_DatasetsServiceServicer_to_server(servicer, s),
        authenticator=auth.authenticator(settings),
    )
    # Registering an email no longer takes its invitations (members.accept_invitation): the
    # durable consumer of user.registered that did is removed where it still exists.
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await base.js.delete_consumer(jetstream.EVENTS_STREAM.name, OLD_INVITATIONS_CONSUMER)
    await runner.recover()
    base.attach(server, runner.close, auth.close, training.close, connectors.close)
    return server


def main() -> None:
    run_cli("datasets", DatasetsSettings, serve=build)
