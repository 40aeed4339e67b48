"""OpenTelemetry tracing: one TracerProvider per process, named after the service, and the
W3C trace context carried in gRPC metadata, NATS headers and outbox rows.

With ``SYNTHETICA_OTEL_EXPORTER=none`` (the default) spans are sampled out: they cost next to
nothing and record nothing, but each still has a trace id, which is propagated downstream and
written in the JSON logs, so one request can be followed through every service's logs.
``otlp`` sends spans to a collector configured by the standard ``OTEL_EXPORTER_OTLP_*``
variables; ``console`` prints them on stdout, one JSON line each. ``OTEL_TRACES_SAMPLER``
(default ``parentbased_always_on``) applies when an exporter is on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Literal

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

Exporter = Literal["none", "otlp", "console"]
TRACEPARENT = "traceparent"
TRACER_NAME = "synthetica"


def configure_tracing(
    service: str, exporter: Exporter = "none", *, processors: Iterable[SpanProcessor] = ()
) -> TracerProvider:
    """Installs this process's TracerProvider; call once, at process start.

    ``processors`` adds span processors beside the exporter's (tests pass an in-memory one);
    with an exporter or a processor, spans are recorded, otherwise only their ids travel.
    """
    extra = list(processors)
    recording = exporter != "none" or bool(extra)
    # sampler=None lets the SDK read OTEL_TRACES_SAMPLER.
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: service}),
        sampler=None if recording else ALWAYS_OFF,
    )
    span_exporter = _exporter(exporter)
    if span_exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(span_exporter))
    for processor in extra:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def _exporter(name: Exporter) -> SpanExporter | None:
    if name == "otlp":
        # Imported here: the gRPC exporter is only loaded by processes that use it.
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    if name == "console":
        return ConsoleSpanExporter(formatter=_one_line)
    return None


def _one_line(span: ReadableSpan) -> str:
    """One JSON line per span, so stdout stays a stream of JSON lines like the logs."""
    return span.to_json(indent=None) + "\n"


def shutdown_tracing() -> None:
    """Flushes spans still buffered for the exporter; at process exit."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.shutdown()


@functools.cache
def tracer() -> trace.Tracer:
    """This process's tracer, made once (OpenTelemetry's get_tracer builds a new one per call).
    Taken before configure_tracing, it is a proxy that follows the provider installed later."""
    return trace.get_tracer(TRACER_NAME)


def inject(carrier: dict[str, str]) -> dict[str, str]:
    """Adds the current trace context (``traceparent``, ``tracestate``) to ``carrier``;
    adds nothing when no span is active."""
    propagate.inject(carrier)
    return carrier


def extract(carrier: Mapping[str, str]) -> Context:
    """The trace context a caller sent (an empty context when it sent none)."""
    return propagate.extract(carrier)


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the active span, to store beside work done later."""
    return inject({}).get(TRACEPARENT)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the active span as lowercase hex, as logs and backends show them."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")
