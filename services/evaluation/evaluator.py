"""Runs reports: fetch the inputs, compute off the event loop, store, complete.

Computing is CPU heavy, so it runs in a worker thread, at most
`max_concurrent_evaluations` at once; the event loop stays free for RPCs and for the
JetStream heartbeats that keep a long evaluation from being redelivered. A report waiting
for its turn holds only its id: its tables are read when it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from common.db import Database
from common.errors import DomainError, FailedPrecondition, NotFound
from common.polling import cancel_and_wait
from common.storage import Storage
from services.evaluation import models as m
from services.evaluation import service
from services.evaluation.conformance_html import render_conformance_html
from services.evaluation.inputs import (
    ConformanceInputs,
    Inputs,
    RelationalInputs,
    admit,
    check_options,
    load_inputs,
    report_options,
)
from services.evaluation.peers import Caller, Peers
from services.evaluation.report import ReportOptions, build_report, render_html, schema_conformance
from services.evaluation.report.models import DifferentialPrivacySpent
from services.evaluation.report.relational import build_relational_report
from services.evaluation.report.relational_html import render_relational_html
from services.evaluation.settings import EvaluationSettings
from synthetica.training.v1 import training_pb2

log = logging.getLogger(__name__)
# The report document of several tables or sequences says so; a single-table one has none.
RELATIONAL_LAYOUT = "relational"


@dataclass(frozen=True)
class Outcome:
    quality_score: float | None
    privacy_verdict: str
    report_json: bytes
    html: bytes


def compute(inputs: Inputs, options: ReportOptions, *, report_id: str, batch_id: str) -> Outcome:
    """The report of one batch (synchronous, CPU heavy)."""
    head: dict[str, Any] = {"report_id": report_id, "batch_id": batch_id, "kind": inputs.kind}
    title = f"Synthetic data report, batch {batch_id}"
    if isinstance(inputs, ConformanceInputs):
        conformance = schema_conformance(inputs.tables, inputs.schema)
        document = {**head, "conformance": conformance.model_dump(mode="json")}
        html = render_conformance_html(conformance, title=title)
        return Outcome(conformance.score, "", _json(document), html.encode())
    if isinstance(inputs, RelationalInputs):
        return _relational(inputs, options, head, title)
    report = build_report(
        inputs.train,
        inputs.holdout,
        inputs.synthetic,
        inputs.metadata,
        options,
        conditions=inputs.conditions,
    )
    if inputs.privacy_spent:
        spent = DifferentialPrivacySpent(**inputs.privacy_spent)
        privacy = report.privacy.model_copy(update={"differential_privacy": spent})
        report = report.model_copy(update={"privacy": privacy})
    document = {
        **head,
        "options": options.model_dump(mode="json", exclude={"thresholds"}),
        "thresholds": options.thresholds.model_dump(mode="json"),
        **report.model_dump(mode="json"),
    }
    return Outcome(
        quality_score=report.quality.overall_score,
        privacy_verdict=report.privacy.verdict,
        report_json=_json(document),
        html=render_html(report, title=title).encode(),
    )


def _relational(
    inputs: RelationalInputs, options: ReportOptions, head: dict[str, Any], title: str
) -> Outcome:
    """Several tables or sequences: the document has "layout": "relational" and the
    sections tables, links and sequences (`RelationalReport`)."""
    report = build_relational_report(
        inputs.train, inputs.holdout, inputs.synthetic, inputs.metadata, inputs.schema, options
    )
    document = {
        **head,
        "layout": RELATIONAL_LAYOUT,
        "schema": inputs.schema.model_dump(mode="json"),
        "options": options.model_dump(mode="json", exclude={"thresholds"}),
        "thresholds": options.thresholds.model_dump(mode="json"),
        **report.model_dump(mode="json"),
    }
    return Outcome(
        quality_score=report.overall_score,
        privacy_verdict=report.privacy_verdict,
        report_json=_json(document),
        html=render_relational_html(report, title=title).encode(),
    )


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, allow_nan=False, separators=(",", ":")).encode()


def report_folder(report_id: uuid.UUID) -> str:
    return f"reports/{report_id}"


def json_key(report_id: uuid.UUID) -> str:
    return f"{report_folder(report_id)}/report.json"


def html_key(report_id: uuid.UUID) -> str:
    return f"{report_folder(report_id)}/report.html"


@dataclass(eq=False)
class Evaluator:
    db: Database
    storage: Storage
    peers: Peers
    settings: EvaluationSettings
    _: KW_ONLY
    on_commit: Callable[[], None]

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.settings.max_concurrent_evaluations)
        self._background: set[asyncio.Task] = set()

    def options_for(self, stored: dict[str, Any]) -> ReportOptions:
        s = self.settings
        defaults = {
            "sample_rows": s.sample_rows,
            "fidelity_sample_rows": s.fidelity_sample_rows,
            "utility_sample_rows": s.utility_sample_rows,
            "privacy_sample_rows": s.privacy_sample_rows,
            "thresholds": s.privacy_thresholds,
        }
        return report_options(stored, defaults)

    async def admit(
        self, batch_id: str, caller: Caller, stored_options: dict[str, Any]
    ) -> training_pb2.Batch:
        """The batch of an Evaluate call, once the caller may re-run its report (an editor of
        its project: the new report becomes the batch's report for everyone) and every
        refusal the metadata can tell is made. No table is read here."""
        batch = await self.peers.get_batch(batch_id, caller)
        await self.peers.require_role(batch.project_id, caller, "editor")
        await admit(self.peers, batch, caller, self.options_for(stored_options))
        return batch

    async def prepare(
        self, batch_id: str, caller: Caller, stored_options: dict[str, Any]
    ) -> tuple[training_pb2.Batch, Inputs]:
        """Loads and checks the inputs, when the report's turn has come."""
        batch = await self.peers.get_batch(batch_id, caller)
        inputs = await load_inputs(self.peers, batch, caller)
        check_options(inputs, self.options_for(stored_options))
        return batch, inputs

    async def run(self, report_id: uuid.UUID, inputs: Inputs | None = None) -> m.Report | None:
        """Computes the report and completes it; a domain error (the batch cannot be
        evaluated) fails the report and is returned as its state. Faults (a peer down)
        propagate, leaving the report to be retried. None when the report was deleted (with
        its dataset) before it finished."""
        async with self._slots:
            try:
                report = await self.db.call(service.start, report_id=report_id)
            except NotFound:
                # Deleted while it waited (its dataset was deleted): nothing to do.
                log.info("report %s was deleted before it started", report_id)
                return None
            try:
                if inputs is None:
                    # Read for whoever asked (they may read the batch), else its owner.
                    reader = Caller(str(report.requested_by or report.owner_id))
                    _, inputs = await self.prepare(str(report.batch_id), reader, report.options)
                options = self.options_for(report.options)
                outcome = await self._compute(inputs, options, report)
                await asyncio.to_thread(self._store, report.id, outcome)
            except DomainError as error:
                log.info("report %s cannot be made: %s", report_id, error.message)
                with contextlib.suppress(NotFound):
                    return await self.db.call(
                        service.fail, report_id=report_id, error=error.message
                    )
                return None
            try:
                report = await self.db.call(
                    service.complete,
                    report_id=report_id,
                    quality_score=outcome.quality_score,
                    privacy_verdict=outcome.privacy_verdict,
                    json_key=json_key(report.id),
                    html_key=html_key(report.id),
                )
            except NotFound:
                # Its dataset was deleted while it ran: what it wrote goes too.
                await asyncio.to_thread(self.storage.delete, report_folder(report_id))
                return None
        self.on_commit()
        return report

    @staticmethod
    async def _compute(inputs: Inputs, options: ReportOptions, report: m.Report) -> Outcome:
        """The computation on inputs already fetched: it fails the same way on every try, so
        its errors are final at once (a fetch or a store that fails is retried instead)."""
        try:
            return await asyncio.to_thread(
                compute, inputs, options, report_id=str(report.id), batch_id=str(report.batch_id)
            )
        except DomainError:
            raise
        except Exception as exc:
            log.exception("report %s cannot be computed", report.id)
            raise FailedPrecondition(
                f"the report could not be computed: {type(exc).__name__}: {exc}",
                reason="REPORT_FAILED",
            ) from exc

    def _store(self, report_id: uuid.UUID, outcome: Outcome) -> None:
        with self.storage.open(json_key(report_id), "wb") as sink:
            sink.write(outcome.report_json)
        with self.storage.open(html_key(report_id), "wb") as sink:
            sink.write(outcome.html)

    def run_in_background(self, report_id: uuid.UUID, inputs: Inputs | None = None) -> None:
        task = asyncio.create_task(self._run_logged(report_id, inputs))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _run_logged(self, report_id: uuid.UUID, inputs: Inputs | None) -> None:
        try:
            await self.run(report_id, inputs)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("report %s failed", report_id)
            with contextlib.suppress(NotFound):
                await self.db.call(
                    service.fail, report_id=report_id, error="internal error while evaluating"
                )

    async def resume_requests(self) -> None:
        """Re-runs reports asked for with Evaluate that a stopped process left unfinished."""
        for report_id in await self.db.call(service.unfinished_requests):
            self.run_in_background(report_id)

    async def stop(self) -> None:
        await cancel_and_wait(self._background)
