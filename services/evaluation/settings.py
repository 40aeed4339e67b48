from __future__ import annotations

from pydantic import Field

from common.settings import ServiceSettings
from services.evaluation.report import PrivacyThresholds


class EvaluationSettings(ServiceSettings):
    service_prefix = "EVALUATION_"

    grpc_port: int = 25054

    # Cap on rows per table for the SDMetrics reports and the charts (a request may lower
    # or raise it); the other parts have their own caps below. The report states the rows
    # each part used.
    sample_rows: int = Field(default=10_000, ge=100)
    fidelity_sample_rows: int = Field(default=100_000, ge=100)
    utility_sample_rows: int = Field(default=50_000, ge=100)
    # Privacy needs every synthetic row near a real one to be seen; the nearest-neighbour
    # search is vectorized, so the default cap is generous.
    privacy_sample_rows: int = Field(default=50_000, ge=10)
    # Where the privacy verdict turns to warn and fail (EVALUATION_PRIVACY_THRESHOLDS as
    # JSON, e.g. {"dcr_share_warn": 0.55}).
    privacy_thresholds: PrivacyThresholds = PrivacyThresholds()

    # Evaluations running at once in this process (each is CPU heavy).
    max_concurrent_evaluations: int = Field(default=1, ge=1)
    # Evaluate requests: at most this many pending or running per user, and this many
    # waiting for their turn in all (a queued request holds no data: its tables are read
    # when it starts).
    max_requests_per_user: int = Field(default=2, ge=1)
    max_queued_requests: int = Field(default=20, ge=1)
    # The durable consumer of batch.generated, and how JetStream waits on it.
    consumer_name: str = "evaluation"
    ack_wait_seconds: float = Field(default=60.0, gt=0)
    heartbeat_seconds: float = Field(default=10.0, gt=0)
    max_deliver: int = Field(default=5, ge=1)
    retry_delay_seconds: float = Field(default=5.0, ge=0)
    # Streamed report downloads are cut into chunks of this size.
    download_chunk_bytes: int = Field(default=256 * 1024, ge=1024)
