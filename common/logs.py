"""JSON log lines on stdout with severity, service, the request id of the current call and,
when a span is active, its trace and span ids (the same ids the tracing backend shows)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from common.context import request_id_var
from common.tracing import current_ids


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "severity": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        ids = current_ids()
        if ids is not None:
            entry["trace_id"], entry["span_id"] = ids
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Replaces the root handlers with one JSON handler on stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("sqlalchemy.engine", "nats", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
