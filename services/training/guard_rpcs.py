"""TrainingService's guarantees to a project's owners: the privacy gate on a batch's rows
(GetBatch and ListBatches show it, PreviewBatch and DownloadBatch obey it, ReleaseBatch lifts
it) and the approval of editors' requests (ApproveJob, RejectJob). TrainingServicer serves them.

The gate binds every user, whichever way they come (gRPC, GraphQL, a signed download link made
by the gateway on their behalf). The evaluation service is exempt: it reads a batch's rows to
give the verdict the gate waits for.
"""

from __future__ import annotations

from collections.abc import Callable

import grpc

from common.context import Principal
from common.db import Database
from common.errors import NotFound, PermissionDenied
from common.interceptors import require_principal
from services.datasets.client import ProjectAccess
from services.training import approvals, convert, gate, queries
from services.training import models as m
from services.training.access import OWNER, VIEWER, Access, calling_user
from synthetica.training.v1 import training_pb2

# Services that read a batch's rows whatever the gate: the one that judges them.
GATE_EXEMPT_SERVICES = frozenset({"evaluation"})
REVIEWERS = (approvals.OWNER, approvals.ADMIN)


class GuardRpcs:
    """The gate and approval half of TrainingServicer, which provides these attributes."""

    db: Database
    access: Access
    on_commit: Callable[[], None]

    def _batch_view(self, batch: m.Batch, access: ProjectAccess) -> training_pb2.Batch:
        view = gate.gate_to_proto(
            batch, gate.privacy_gate(access.settings), reviewer=access.role in REVIEWERS
        )
        return convert.batch_to_proto(batch, view)

    async def _readable_batch(self, batch_id: str) -> tuple[m.Batch, ProjectAccess]:
        """The batch, when the caller may read its project, and that project's settings."""
        batch = await self.db.call(queries.get_batch, batch_id=batch_id)
        access = await self.access.project(require_principal(), str(batch.project_id), VIEWER)
        return batch, access

    def _check_gate(self, batch: m.Batch, access: ProjectAccess) -> None:
        """FailedPrecondition (PRIVACY_GATE_*) while the project's gate holds the batch."""
        principal = require_principal()
        if principal.is_service and principal.service in GATE_EXEMPT_SERVICES:
            return
        gate.require_open(batch, gate.privacy_gate(access.settings))

    async def _listed_batches(
        self, principal: Principal, batches: list[m.Batch]
    ) -> list[training_pb2.Batch]:
        """Each batch with its gate, asking once per project; a project the caller no longer
        belongs to (their own batches in it) leaves the gate unknown."""
        projects: dict[str, ProjectAccess | None] = {}
        out = []
        for batch in batches:
            key = str(batch.project_id)
            if key not in projects:
                try:
                    projects[key] = await self.access.project(principal, key, VIEWER)
                except (NotFound, PermissionDenied):
                    projects[key] = None
            access = projects[key]
            out.append(
                convert.batch_to_proto(batch) if access is None else self._batch_view(batch, access)
            )
        return out

    async def ReleaseBatch(
        self, request: training_pb2.ReleaseBatchRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.ReleaseBatchResponse:
        principal = calling_user()
        reason = gate.validate_reason(request.reason)
        batch = await self.db.call(queries.get_batch, batch_id=request.batch_id)
        access = await self._reviewer(principal, batch.project_id)
        batch = await self.db.call(
            gate.release_batch,
            batch_id=request.batch_id,
            user_id=principal.user_id,
            reason=reason,
            gate=gate.privacy_gate(access.settings),
            owner_ids=list(access.owner_ids),
        )
        self.on_commit()
        return training_pb2.ReleaseBatchResponse(batch=self._batch_view(batch, access))

    async def ApproveJob(
        self, request: training_pb2.ApproveJobRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.ApproveJobResponse:
        job = await self._review(request.job_id, request.comment, approve=True)
        return training_pb2.ApproveJobResponse(job=convert.job_to_proto(job))

    async def RejectJob(
        self, request: training_pb2.RejectJobRequest, context: grpc.aio.ServicerContext
    ) -> training_pb2.RejectJobResponse:
        job = await self._review(request.job_id, request.comment, approve=False)
        return training_pb2.RejectJobResponse(job=convert.job_to_proto(job))

    async def _review(self, job_id: str, comment: str, *, approve: bool) -> m.Job:
        principal = calling_user()
        text = approvals.validate_comment(comment, required=not approve)
        job = await self.db.call(queries.get_job, job_id=job_id)
        await self._reviewer(principal, job.project_id)
        job = await self.db.call(
            approvals.review_job,
            job_id=job_id,
            reviewer_id=principal.user_id,
            approve=approve,
            comment=text,
        )
        self.on_commit()
        return job

    async def _reviewer(self, principal: Principal, project_id: object) -> ProjectAccess:
        """The project's settings and owners, when the caller is an owner or an admin (a
        viewer or editor: PermissionDenied; not a member: NotFound)."""
        return await self.access.project(principal, str(project_id), OWNER, include_owners=True)
