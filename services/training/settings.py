from __future__ import annotations

from pydantic import Field

from common.settings import ServiceSettings


class TrainingSettings(ServiceSettings):
    service_prefix = "TRAINING_"

    grpc_port: int = 25053
    # The worker role serves gRPC health on its own port for probes.
    worker_health_port: int = 25063

    # Per-user limits, checked when a job is created.
    max_concurrent_jobs_per_user: int = Field(default=4, ge=1)
    max_rows_per_batch: int = Field(default=10_000_000, ge=1)
    # The longest a training job may run: its time budget, and the budget of one given none.
    max_time_budget_seconds: float = Field(default=6 * 3600.0, gt=0)

    # Worker: how often a job may be started before it is failed (a worker dying mid-job
    # counts as an attempt), how long JetStream waits for a heartbeat before redelivering,
    # and how often the worker heartbeats and publishes progress.
    job_max_attempts: int = Field(default=3, ge=1)
    job_ack_wait_seconds: float = Field(default=30.0, gt=0)
    job_heartbeat_seconds: float = Field(default=5.0, gt=0)
    job_retry_delay_seconds: float = Field(default=5.0, ge=0)
    progress_interval_seconds: float = Field(default=1.0, ge=0)
    # Threads torch may use in an engine child process (0: all cores).
    engine_threads: int = Field(default=0, ge=0)
    sample_chunk_rows: int = Field(default=100_000, ge=1)
    # Big tables (README "Big tables"): an engine learns from at most train_max_rows rows of
    # a split (above that, a sample of this many seeded by the job's seed), and a train job
    # whose memory estimate is above worker_memory_mb fails before it reads the split (0:
    # the worker's cgroup memory limit, else the machine's memory).
    train_max_rows: int = Field(default=1_000_000, ge=1)
    worker_memory_mb: int = Field(default=0, ge=0)
    # Sharded generation (services.training.shards): a single-table generate or template job
    # of more rows than the threshold is split into shards of about shard_rows rows, which
    # every worker takes from JOBS. The same seed gives the same bytes with the same
    # shard_rows, whatever the number of workers (a template's, whatever shard_rows too).
    shard_threshold_rows: int = Field(default=2_000_000, ge=1)
    shard_rows: int = Field(default=500_000, ge=1_000)
    # A job's shards on the work queue at once; each one that finishes queues the next. A job
    # queued behind waits for at most this many shards of each job ahead of it, not for all
    # of them. Keep it at the most workers there may be (KEDA's maxReplicaCount, 10): one
    # big job then still keeps every worker busy and scales them out (the backlog it shows).
    shards_queued_per_job: int = Field(default=10, ge=1)
    # A generate job charges what it has written to its owner's storage quota (kept by the
    # datasets service) every storage_charge_bytes, looking every storage_charge_interval
    # seconds; it stops, failed, at the first charge refused (services.training.batch_storage).
    storage_charge_bytes: int = Field(default=32 * 1024 * 1024, ge=1)
    storage_charge_interval_seconds: float = Field(default=1.0, gt=0)
    # Scratch space for training data and artifacts on the worker (default: the system temp).
    work_dir: str = ""
    consumer_name: str = "training-workers"

    # Templates: rows per generated chunk (recorded with each job: the same seed gives the
    # same bytes only with the same chunk size) and the largest custom schema accepted.
    template_chunk_rows: int = Field(default=100_000, ge=1)
    template_max_fields: int = Field(default=1_000, ge=1)
    # The locales whose template vocabularies (names, places, companies drawn from Faker:
    # about 2 s each) a worker builds before it takes jobs, so its first template job or
    # shard in them starts warm; others are built by the first job that uses them. JSON in
    # the environment: TRAINING_TEMPLATE_WARM_LOCALES='["en_US", "de_DE"]'.
    template_warm_locales: list[str] = Field(default_factory=lambda: ["en_US"])
    # The API checks template requests (validation and a dry run of a few rows) in child
    # processes, each allowed this much data memory above its own at rest (~150 MB) and this
    # long per check; more checks than max_waiting at once are refused (RESOURCE_EXHAUSTED).
    # The API pod's 1 GiB limit (deploy/k8s) holds the API and one checking process.
    template_check_workers: int = Field(default=1, ge=1)
    template_check_memory_mb: int = Field(default=256, ge=16)
    template_check_timeout_seconds: float = Field(default=20.0, gt=0)
    template_check_max_waiting: int = Field(default=32, ge=1)
    # Generated batch files older than this are deleted and their batches marked expired,
    # by a pass of the API role every batch_cleanup_interval_seconds.
    batch_retention_days: float = Field(default=7.0, gt=0)
    batch_cleanup_interval_seconds: float = Field(default=3600.0, gt=0)
