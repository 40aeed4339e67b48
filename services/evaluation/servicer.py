"""gRPC ⇄ domain for EvaluationService: converts messages and checks who may call what.

Who may read a batch's report is decided by training, which owns the batch: every call
first asks training for the batch on behalf of the caller, so a report is never shown to
someone who could not see its batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc

from common.db import Database
from common.enums import to_proto, verdict_to_proto
from common.errors import FailedPrecondition, InvalidArgument
from common.interceptors import require_user
from common.protos import timestamp
from common.storage import Storage
from services.evaluation import models as m
from services.evaluation import service
from services.evaluation.enums import ReportKind, ReportStatus
from services.evaluation.evaluator import Evaluator
from services.evaluation.inputs import kind_of
from services.evaluation.peers import Caller
from services.evaluation.settings import EvaluationSettings
from synthetica.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc

STATUSES = {s.value: to_proto(s, evaluation_pb2.ReportStatus) for s in ReportStatus}
KINDS = {k.value: to_proto(k, evaluation_pb2.ReportKind) for k in ReportKind}
MIN_SAMPLE_ROWS = 100


def report_to_proto(report: m.Report, report_json: str = "") -> evaluation_pb2.Report:
    options = report.options or {}
    message = evaluation_pb2.Report(
        id=str(report.id),
        batch_id=str(report.batch_id),
        project_id=str(report.project_id or ""),
        owner_id=str(report.owner_id),
        status=STATUSES[report.status],
        kind=KINDS[report.kind],
        trigger=report.trigger,
        privacy_verdict=verdict_to_proto(report.privacy_verdict),
        report_json=report_json,
        error=report.error,
        created_at=timestamp(report.created_at),
        completed_at=timestamp(report.completed_at),
        options=evaluation_pb2.EvaluateOptions(
            target_column=options.get("target_column") or "",
            sample_rows=options.get("sample_rows"),
            seed=options.get("seed"),
        ),
    )
    if report.quality_score is not None:
        message.quality_score = report.quality_score
    return message


def options_from_proto(request: evaluation_pb2.EvaluateRequest) -> dict[str, Any]:
    """The options as asked (unset ones left to the service's defaults)."""
    given = request.options
    if given.HasField("sample_rows") and given.sample_rows < MIN_SAMPLE_ROWS:
        raise InvalidArgument(
            f"sample_rows must be at least {MIN_SAMPLE_ROWS}", field="options.sample_rows"
        )
    return {
        "target_column": given.target_column or None,
        "sample_rows": given.sample_rows if given.HasField("sample_rows") else None,
        "seed": given.seed if given.HasField("seed") else None,
    }


def _caller() -> Caller:
    principal = require_user("reports are read for a user: call on behalf of one")
    return Caller(principal.user_id, principal.role or "member")


@dataclass(eq=False)
class EvaluationServicer(evaluation_pb2_grpc.EvaluationServiceServicer):
    db: Database
    storage: Storage
    evaluator: Evaluator
    settings: EvaluationSettings

    async def Evaluate(
        self, request: evaluation_pb2.EvaluateRequest, context: grpc.aio.ServicerContext
    ) -> evaluation_pb2.EvaluateResponse:
        caller = _caller()
        service.parse_id(request.batch_id, "batch_id")
        options = options_from_proto(request)
        batch = await self.evaluator.admit(request.batch_id, caller, options)
        new = service.NewReport(
            batch_id=batch.id,
            owner_id=batch.owner_id or caller.user_id,
            project_id=batch.project_id,
            kind=kind_of(batch),
            trigger=m.REQUEST_TRIGGER,
            options=options,
            dataset_id=batch.dataset_id,
            requested_by=caller.user_id,
        )
        report = await self.db.call(
            service.create_request,
            new=new,
            max_per_user=self.settings.max_requests_per_user,
            max_queued=self.settings.max_queued_requests,
        )
        # Queued by id only: the tables are read when its turn comes.
        self.evaluator.run_in_background(report.id)
        return evaluation_pb2.EvaluateResponse(report=report_to_proto(report))

    async def GetReport(
        self, request: evaluation_pb2.GetReportRequest, context: grpc.aio.ServicerContext
    ) -> evaluation_pb2.GetReportResponse:
        report = await self._readable_report(request.batch_id)
        report_json = b""
        if report.status == m.READY and report.json_key:
            report_json = await self._read(report.json_key)
        return evaluation_pb2.GetReportResponse(
            report=report_to_proto(report, report_json.decode())
        )

    async def DownloadReport(
        self, request: evaluation_pb2.DownloadReportRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[evaluation_pb2.DownloadReportResponse]:
        if request.format not in (
            evaluation_pb2.REPORT_FORMAT_JSON,
            evaluation_pb2.REPORT_FORMAT_HTML,
        ):
            raise InvalidArgument("format must be JSON or HTML", field="format")
        report = await self._readable_report(request.batch_id, ready_only=True)
        key = (
            report.json_key
            if request.format == evaluation_pb2.REPORT_FORMAT_JSON
            else report.html_key
        )
        if not key:
            raise FailedPrecondition("this report has no such download", reason="NO_DOWNLOAD")
        # A report is at most a few MB: read it off the event loop, then stream it in chunks.
        data = await self._read(key)
        size = self.settings.download_chunk_bytes
        for start in range(0, len(data), size):
            yield evaluation_pb2.DownloadReportResponse(chunk=data[start : start + size])

    async def _readable_report(self, batch_id: str, *, ready_only: bool = False) -> m.Report:
        caller = _caller()
        service.parse_id(batch_id, "batch_id")
        await self.evaluator.peers.get_batch(batch_id, caller)
        return await self.db.call(service.latest_report, batch_id=batch_id, ready_only=ready_only)

    async def _read(self, key: str) -> bytes:
        def read() -> bytes:
            with self.storage.open(key, "rb") as source:
                return source.read()

        return await asyncio.to_thread(read)
