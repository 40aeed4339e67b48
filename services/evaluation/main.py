"""Evaluation service process: ``python -m services.evaluation [serve|migrate]``.

One process serves the RPCs and consumes batch.generated; both share the evaluator, which
bounds how many reports are computed at once.
"""

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
from services.evaluation import models
from services.evaluation.consumer import (
    DATASETS_SUBJECT,
    SUBJECT,
    BatchGeneratedHandler,
    DatasetDeletedHandler,
)
from services.evaluation.evaluator import Evaluator
from services.evaluation.peers import SERVICE_NAME as PEER_NAME
from services.evaluation.peers import Peers
from services.evaluation.servicer import EvaluationServicer
from services.evaluation.settings import EvaluationSettings
from synthetica.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = evaluation_pb2.DESCRIPTOR.services_by_name["EvaluationService"].full_name


async def build(settings: EvaluationSettings) -> GrpcServer:
    db = settings.database()
    storage = Storage(settings.storage_url, settings.storage_options)
    nc, js = await connect_messaging(settings, name="evaluation")
    relay = OutboxRelay(db, models.outbox, js)
    peers = Peers(settings)
    auth = AuthClient(settings, service_name=PEER_NAME)
    evaluator = Evaluator(db, storage, peers, settings, on_commit=relay.wake)
    consumer = await jetstream.start_consumer(
        js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=settings.consumer_name,
        subject=SUBJECT,
        handler=BatchGeneratedHandler(db, evaluator, max_deliver=settings.max_deliver),
        ack_wait=settings.ack_wait_seconds,
        max_deliver=settings.max_deliver,
        heartbeat=settings.heartbeat_seconds,
        retry_delay=settings.retry_delay_seconds,
    )
    deletions = await jetstream.start_consumer(
        js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=f"{settings.consumer_name}-datasets",
        subject=DATASETS_SUBJECT,
        handler=DatasetDeletedHandler(db, storage),
        ack_wait=settings.ack_wait_seconds,
        max_deliver=settings.max_deliver,
        heartbeat=settings.heartbeat_seconds,
        retry_delay=settings.retry_delay_seconds,
    )
    authenticator = auth.authenticator(settings)
    await follow_revocations(nc, authenticator)
    server = create_server(
        host=settings.grpc_host,
        port=settings.grpc_port,
        service_names=[SERVICE_NAME],
        register=lambda s: evaluation_pb2_grpc.add_EvaluationServiceServicer_to_server(
            EvaluationServicer(db, storage, evaluator, settings), s
        ),
        authenticator=authenticator,
        reflection_enabled=settings.grpc_reflection,
    )
    server.tasks.append(asyncio.create_task(relay.run()))
    server.tasks += [consumer.task, deletions.task]
    server.tasks.append(asyncio.create_task(evaluator.resume_requests()))

    async def close() -> None:
        consumer.stop()
        deletions.stop()
        relay.stop()
        await evaluator.stop()
        await jetstream.close(nc)
        await peers.close()
        await auth.close()
        db.dispose()

    server.cleanups.append(close)
    return server


async def serve(settings: EvaluationSettings) -> None:
    server = await build(settings)
    await serve_until_signal(server, grace=settings.shutdown_grace_seconds)


def main() -> None:
    run_cli(
        service="evaluation",
        load_settings=EvaluationSettings,
        schema=models.SCHEMA,
        migrations_dir=MIGRATIONS,
        commands={"serve": serve},
        default="serve",
    )
