"""Evaluation service process: ``python -m services.evaluation [serve|migrate]``.

One process serves the RPCs and consumes batch.generated; both share the evaluator, which
bounds how many reports are computed at once.
"""

from __future__ import annotations

import asyncio

from common import jetstream
from common.grpc_server import GrpcServer
from common.runtime import Backbone, revocable_server, run_cli
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

SERVICE_NAME = evaluation_pb2.DESCRIPTOR.services_by_name["EvaluationService"].full_name


async def build(settings: EvaluationSettings) -> GrpcServer:
    base = await Backbone.connect(settings, name="evaluation", outbox=models.outbox)
    db = base.db
    storage = Storage(settings.storage_url, settings.storage_options)
    peers = Peers(settings)
    auth = AuthClient(settings, service_name=PEER_NAME)
    evaluator = Evaluator(db, storage, peers, settings, on_commit=base.wake_relay)
    # Both consumers run reports' work, so both wait, retry and give up alike.
    limits = {
        "ack_wait": settings.ack_wait_seconds,
        "max_deliver": settings.max_deliver,
        "heartbeat": settings.heartbeat_seconds,
        "retry_delay": settings.retry_delay_seconds,
    }
    consumer = await jetstream.start_consumer(
        base.js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=settings.consumer_name,
        subject=SUBJECT,
        handler=BatchGeneratedHandler(db, evaluator, max_deliver=settings.max_deliver),
        **limits,
    )
    deletions = await jetstream.start_consumer(
        base.js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=f"{settings.consumer_name}-datasets",
        subject=DATASETS_SUBJECT,
        handler=DatasetDeletedHandler(db, storage),
        **limits,
    )
    server = await revocable_server(
        settings,
        nc=base.nc,
        service_name=SERVICE_NAME,
        register=lambda s: evaluation_pb2_grpc.add_EvaluationServiceServicer_to_server(
            EvaluationServicer(db, storage, evaluator, settings), s
        ),
        authenticator=auth.authenticator(settings),
    )
    server.tasks += [consumer.task, deletions.task]
    server.tasks.append(asyncio.create_task(evaluator.resume_requests()))
    base.attach(server, consumer.stop, deletions.stop, evaluator.stop, peers.close, auth.close)
    return server


def main() -> None:
    run_cli("evaluation", EvaluationSettings, serve=build)
