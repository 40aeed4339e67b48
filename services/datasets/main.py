"""Datasets service process: ``python -m services.datasets [serve|migrate]``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from common import jetstream
from common.grpc_server import GrpcServer, create_server, serve_until_signal
from common.outbox import OutboxRelay
from common.revocations import follow_revocations
from common.runtime import connect_messaging, run_cli
from common.storage import Storage
from services.auth.client import AuthClient
from services.datasets import invitations, models
from services.datasets.ingest.runner import IngestRunner
from services.datasets.servicer import DatasetsServicer
from services.datasets.settings import DatasetsSettings
from synthetica.auth.v1 import auth_pb2
from synthetica.datasets.v1 import datasets_pb2, datasets_pb2_grpc

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = datasets_pb2.DESCRIPTOR.services_by_name["DatasetsService"].full_name


async def build(settings: DatasetsSettings) -> GrpcServer:
    db = settings.database()
    storage = Storage(settings.storage_url, settings.storage_options)
    nc, js = await connect_messaging(settings, name="datasets")
    relay = OutboxRelay(db, models.outbox, js)
    auth = AuthClient(settings, service_name="datasets")
    runner = IngestRunner(db, settings, storage, on_commit=relay.wake)

    async def lookup_user(email: str) -> auth_pb2.User | None:
        users = await auth.lookup_users(emails=[email.strip()])
        return users[0] if users else None

    servicer = DatasetsServicer(db, storage, settings, runner, lookup_user, on_commit=relay.wake)
    authenticator = auth.authenticator(settings)
    await follow_revocations(nc, authenticator)
    server = create_server(
        host=settings.grpc_host,
        port=settings.grpc_port,
        service_names=[SERVICE_NAME],
        register=lambda s: datasets_pb2_grpc.add_DatasetsServiceServicer_to_server(servicer, s),
        authenticator=authenticator,
        reflection_enabled=settings.grpc_reflection,
    )
    server.tasks.append(asyncio.create_task(relay.run()))
    registrations = await jetstream.start_consumer(
        js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=invitations.CONSUMER,
        subject=invitations.SUBJECT,
        handler=invitations.RegisteredHandler(db).handle,
    )
    server.tasks.append(registrations.task)
    await runner.recover()

    async def close() -> None:
        await runner.close()
        relay.stop()
        await auth.close()
        await jetstream.close(nc)
        db.dispose()

    server.cleanups.append(close)
    return server


async def serve(settings: DatasetsSettings) -> None:
    server = await build(settings)
    await serve_until_signal(server, grace=settings.shutdown_grace_seconds)


def main() -> None:
    run_cli(
        service="datasets",
        load_settings=DatasetsSettings,
        schema=models.SCHEMA,
        migrations_dir=MIGRATIONS,
        commands={"serve": serve},
        default="serve",
    )
