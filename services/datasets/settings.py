from __future__ import annotations

from pydantic import Field, SecretStr

from common.settings import CommaList, ServiceSettings
from services.datasets.ingest import IngestLimits

MiB = 1024 * 1024


class DatasetsSettings(ServiceSettings):
    service_prefix = "DATASETS_"

    grpc_port: int = 25052
    # Limits on uploads; each one gives the uploader an error that names it.
    max_upload_bytes: int = 2 * 1024 * MiB
    max_rows: int = 50_000_000
    max_columns: int = 1000
    max_line_bytes: int = MiB
    # Ingestion runs in child processes (CPU work, and SDV's detection loads torch there
    # rather than in the service), at most this many at once.
    ingest_workers: int = 2
    # Files (datasets, imports, added tables) one user may have ingesting at once: a call
    # that does not wait for its ingestion must not queue everybody else's behind its own.
    max_ingesting_per_user: int = Field(default=3, ge=1)
    # Bytes one account may store across the datasets of the projects it owns (a shared
    # project counts against its owner); 0: no quota. Counted as uploads stream.
    storage_quota_bytes: int = Field(default=20 * 1024 * MiB, ge=0)
    # The longest an upload call may wait for its ingestion result before answering INGESTING.
    max_upload_wait_seconds: float = 120.0
    default_holdout_fraction: float = 0.2
    # At start, a stored upload without a dataset row (the service died while it streamed)
    # is removed once nothing has written to it for this long (another replica may still be
    # receiving it).
    orphan_upload_grace_seconds: float = 600.0
    # Rows read to check a metadata correction against the data (and to infer metadata).
    metadata_sample_rows: int = 1_000_000
    # A numerical column with at most this many distinct values, and at most this share of
    # distinct values among its values, is typed categorical (grades, codes, tariffs).
    categorical_max_distinct: int = 10
    categorical_max_share: float = 0.05
    # addProjectMember calls per inviting user per window, and invitations not yet taken up
    # per project (accounts that have not used the project yet count too): inviting must
    # not be a way to test emails in bulk.
    invitations_per_user: int = 30
    invitations_window_seconds: int = 3600
    max_pending_invitations_per_project: int = 100

    # Database connections: their hosts must resolve to public addresses; these networks
    # (CIDRs) are allowed although private, e.g. ["10.20.0.0/16"] for an internal database.
    connection_allowed_networks: CommaList = Field(default_factory=list)
    # Seconds to wait for a database to accept a connection (libpq's minimum is 2).
    connection_timeout_seconds: int = 5
    # The longest one statement of an import or an export may run on the database.
    connection_statement_timeout_seconds: int = 600
    # Rows fetched from an import's server-side cursor at once.
    import_batch_rows: int = 10_000
    max_connections_per_project: int = 50
    # Key that encrypts connection URLs (their passwords) at rest; derived from the service
    # token when unset.
    secret_key: SecretStr | None = None

    def ingest_limits(self) -> IngestLimits:
        return IngestLimits(
            max_bytes=self.max_upload_bytes,
            max_rows=self.max_rows,
            max_columns=self.max_columns,
            max_line_bytes=self.max_line_bytes,
        )
