"""Training service process: ``python -m services.training [api|worker|migrate]``.

``api`` serves TrainingService; ``worker`` pulls jobs from JOBS and serves gRPC health on
``TRAINING_WORKER_HEALTH_PORT``. Both run an outbox relay for what they commit.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from common import jetstream
from common.grpc_server import GrpcServer, create_server
from common.runtime import Backbone, revocable_server, run_cli
from common.storage import Storage
from services.auth.client import AuthClient
from services.training import models
from services.training.access import Access
from services.training.consumers import (
    DATASETS_CONSUMER,
    DATASETS_SUBJECT,
    EVALUATIONS_CONSUMER,
    EVALUATIONS_SUBJECT,
    DatasetDeletedListener,
    EvaluationListener,
)
from services.training.engines.supervisor import warm_up
from services.training.expiry import BatchExpiry
from services.training.scratch import scratch_root, sweep_scratch
from services.training.servicer import TrainingServicer
from services.training.settings import TrainingSettings
from services.training.templates import vocab
from services.training.templates.checker import TemplateChecker
from services.training.worker import Worker
from synthetica.training.v1 import training_pb2, training_pb2_grpc

log = logging.getLogger(__name__)

SERVICE_NAME = training_pb2.DESCRIPTOR.services_by_name["TrainingService"].full_name
WORKER_SERVICE_NAME = "synthetica.training.v1.TrainingWorker"
JOBS_FILTER = jetstream.JOBS_SUBJECT_PREFIX + ">"


async def build(settings: TrainingSettings) -> GrpcServer:
    """The API role: TrainingService on ``grpc_port``."""
    base = await Backbone.connect(settings, name="training", outbox=models.outbox)
    db = base.db
    auth = AuthClient(settings, service_name="training")
    access = Access(settings, service_name="training")
    storage = Storage(settings.storage_url, settings.storage_options)
    checker = TemplateChecker(
        workers=settings.template_check_workers,
        memory_bytes=settings.template_check_memory_mb * 1024 * 1024,
        timeout_seconds=settings.template_check_timeout_seconds,
        max_waiting=settings.template_check_max_waiting,
    )
    await checker.wait_ready()
    servicer = TrainingServicer(db, settings, storage, access, checker, on_commit=base.wake_relay)
    server = await revocable_server(
        settings,
        nc=base.nc,
        service_name=SERVICE_NAME,
        register=lambda s: training_pb2_grpc.add_TrainingServiceServicer_to_server(servicer, s),
        authenticator=auth.authenticator(settings),
    )
    evaluations = await jetstream.start_consumer(
        base.js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=EVALUATIONS_CONSUMER,
        subject=EVALUATIONS_SUBJECT,
        handler=EvaluationListener(db).handle,
    )
    deletions = await jetstream.start_consumer(
        base.js,
        stream=jetstream.EVENTS_STREAM.name,
        durable=DATASETS_CONSUMER,
        subject=DATASETS_SUBJECT,
        handler=DatasetDeletedListener(db, storage, on_commit=base.wake_relay).handle,
    )
    server.tasks += [evaluations.task, deletions.task]
    expiry = BatchExpiry(
        db,
        storage,
        retention=timedelta(days=settings.batch_retention_days),
        interval_seconds=settings.batch_cleanup_interval_seconds,
        release=access.datasets.release_batch_storage,
    )
    server.tasks.append(asyncio.create_task(expiry.run()))
    base.attach(server, evaluations.stop, deletions.stop, checker.close, access.close, auth.close)
    return server


async def build_worker(settings: TrainingSettings) -> GrpcServer:
    """The worker role: pulls jobs; gRPC health only, on ``worker_health_port``."""
    # Engine processes fork from a server that has the ML libraries imported: start it
    # before taking jobs, so the first job does not pay for those imports.
    await asyncio.to_thread(warm_up)
    # Template jobs run in this process: their vocabularies too, before it takes one.
    await asyncio.to_thread(vocab.warm, settings.template_warm_locales)
    await asyncio.to_thread(sweep_scratch, scratch_root(settings))
    base = await Backbone.connect(settings, name="training-worker", outbox=models.outbox)
    access = Access(settings, service_name="training-worker")
    storage = Storage(settings.storage_url, settings.storage_options)
    worker = Worker(base.db, settings, storage, access, on_commit=base.wake_relay)
    server = create_server(
        host=settings.grpc_host,
        port=settings.worker_health_port,
        service_names=[WORKER_SERVICE_NAME],
        register=lambda _: None,
        authenticator=None,
        reflection_enabled=settings.grpc_reflection,
    )
    # One more delivery than attempts, so the last one can record the failure of a job whose
    # worker died on its final attempt.
    consumer = await jetstream.start_consumer(
        base.js,
        stream=jetstream.JOBS_STREAM.name,
        durable=settings.consumer_name,
        subject=JOBS_FILTER,
        handler=worker.handle,
        ack_wait=settings.job_ack_wait_seconds,
        max_deliver=settings.job_max_attempts + 1,
        heartbeat=settings.job_heartbeat_seconds,
        retry_delay=settings.job_retry_delay_seconds,
    )
    server.tasks.append(consumer.task)
    base.attach(server, consumer.stop, worker.stop, access.close)
    return server


def main() -> None:
    run_cli("training", TrainingSettings, api=build, worker=build_worker)
